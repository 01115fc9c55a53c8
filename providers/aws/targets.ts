/**
 * EventBridge rules and their targets, shared by subscriptions (custom bus) and upload triggers (default
 * bus): a rule whose pattern is compiled from the filter; a target to a function (with the Lambda
 * permission scoped to the rule), a queue or a stream (with a role EventBridge assumes only for that
 * rule); every target with an explicit retry policy and a dead-letter queue for events it cannot hand
 * over; and the queue policies that let a service send to a queue only from the rules or topics named.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
import * as pulumi from '@pulumi/pulumi';
import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as iam from '@pulumi/aws/iam';
import * as lambda from '@pulumi/aws/lambda';
import * as sqs from '@pulumi/aws/sqs';
import type * as kinesis from '@pulumi/aws/kinesis';
import { ACTIONS, assumeRolePolicy, policyDocument, queuePolicyDocument, type QueueDelivery } from './iam';
import { resourceName } from './names';
import type { Tags } from './tags';

/**
 * EventBridge's own retry of a hand-over (throttling, a missing permission): its maximums, explicit.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html
 */
export const TARGET_RETRY_POLICY = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 } as const;

export interface RuleArgs {
  /** Undefined: the default bus (where AWS service events such as S3's arrive). */
  readonly busName?: pulumi.Input<string>;
  readonly pattern: pulumi.Input<Readonly<Record<string, unknown>>>;
  readonly description: string;
  readonly tags: Tags;
}

/** A rule matching `pattern` (serialised here: EventBridge takes the pattern as a JSON string; it may hold outputs). */
export function eventRule(name: string, args: RuleArgs, parent: pulumi.Resource): cloudwatch.EventRule {
  return new cloudwatch.EventRule(resourceName('eventRule', name), {
    ...(args.busName ? { eventBusName: args.busName } : {}),
    eventPattern: pulumi.jsonStringify(args.pattern),
    // `state`, not the deprecated `isEnabled`.
    state: 'ENABLED',
    description: args.description,
    tags: args.tags,
  }, { parent });
}

interface TargetBase {
  readonly rule: cloudwatch.EventRule;
  /** Repeated on the target: a target on a custom bus must name it. */
  readonly busName?: pulumi.Input<string>;
  /** Events the target could not hand over. */
  readonly deadLetterArn: pulumi.Input<string>;
}

const base = (t: TargetBase) => ({
  rule: t.rule.name,
  ...(t.busName ? { eventBusName: t.busName } : {}),
  retryPolicy: { ...TARGET_RETRY_POLICY },
  deadLetterConfig: { arn: t.deadLetterArn },
});

/** Rule → function (an asynchronous invoke), with `lambda:InvokeFunction` allowed only from this rule. */
export function functionTarget(name: string, t: TargetBase & { readonly fn: lambda.Function }, parent: pulumi.Resource) {
  const permission = new lambda.Permission(`${name}-invoke`, {
    action: 'lambda:InvokeFunction',
    function: t.fn.name,
    principal: 'events.amazonaws.com',
    sourceArn: t.rule.arn,
  }, { parent });
  const target = new cloudwatch.EventTarget(`${name}-target`, { ...base(t), arn: t.fn.arn }, { parent, dependsOn: [permission] });
  return { target, permission };
}

/** Rule → SQS queue. A FIFO queue needs a message group: EventBridge takes one fixed id per target. */
export function queueTarget(name: string, t: TargetBase & { readonly queue: sqs.Queue; readonly messageGroupId?: string }, parent: pulumi.Resource) {
  const target = new cloudwatch.EventTarget(`${name}-target`, {
    ...base(t),
    arn: t.queue.arn,
    ...(t.messageGroupId ? { sqsTarget: { messageGroupId: t.messageGroupId } } : {}),
  }, { parent });
  return { target };
}

/**
 * Rule → Kinesis stream, partitioned by `partitionKeyPath` (a JSON path into the EventBridge event), through
 * a role EventBridge may assume only on behalf of this rule, allowed only to put records on this stream.
 */
export function streamTarget(name: string, t: TargetBase & { readonly stream: kinesis.Stream; readonly partitionKeyPath: string; readonly tags: Tags }, parent: pulumi.Resource) {
  const role = new iam.Role(resourceName('iamRole', `${name}-events`), {
    assumeRolePolicy: assumeRolePolicy('events.amazonaws.com', t.rule.arn),
    tags: t.tags,
  }, { parent });
  const rolePolicy = new iam.RolePolicy(`${name}-events-policy`, {
    role: role.id,
    policy: policyDocument([{ sid: 'PutRecords', actions: ACTIONS.kinesisPut, resources: [t.stream.arn] }]),
  }, { parent });
  const target = new cloudwatch.EventTarget(`${name}-target`, {
    ...base(t),
    arn: t.stream.arn,
    roleArn: role.arn,
    kinesisTarget: { partitionKeyPath: t.partitionKeyPath },
  }, { parent, dependsOn: [rolePolicy] });
  return { target, role, rolePolicy };
}

/**
 * The one policy of an SQS queue (a queue has a single policy document, so every service and source that
 * sends to it is listed together).
 */
export function queuePolicy(name: string, queue: sqs.Queue, deliveries: readonly QueueDelivery[], parent: pulumi.Resource): sqs.QueuePolicy {
  return new sqs.QueuePolicy(`${name}-policy`, { queueUrl: queue.url, policy: queuePolicyDocument(queue.arn, deliveries) }, { parent });
}
