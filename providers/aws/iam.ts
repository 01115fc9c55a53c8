/**
 * IAM policy documents, built from grants: exactly the actions a principal uses on exactly the resources
 * it uses. No builder here accepts a `*` action, and a resource is always an ARN (or an ARN-scoped
 * pattern such as `<bucket arn>/*`), never `*` alone.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
 */
import * as pulumi from '@pulumi/pulumi';

/** The actions Herald grants, by purpose. Each list is the minimum the purpose needs. */
export const ACTIONS = {
  /** Write to the function's own log group (created explicitly, so no logs:CreateLogGroup). */
  logs: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  /** What a Lambda event source mapping needs on an SQS queue. @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html */
  // ChangeMessageVisibility: a failed record is made visible again after the retry backoff.
  sqsConsume: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'],
  /** Dead-lettering (runtime, Lambda destinations, stream failure destinations). */
  sqsSend: ['sqs:SendMessage'],
  /** What a Lambda event source mapping needs on a Kinesis stream (shared-throughput consumer). @see https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-create.html */
  kinesisConsume: ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards'],
  /** EventBridge putting a rule's events on a stream. */
  kinesisPut: ['kinesis:PutRecord', 'kinesis:PutRecords'],
  /** What a Lambda event source mapping needs on a DynamoDB stream. @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/iam-policy-example-lamda-process-dynamodb-streams.html */
  dynamodbStreamConsume: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
  /** The idempotency store: conditional claim, completion, release. */
  idempotency: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  /** The claim check: store large data, read it back. */
  claimCheck: ['s3:PutObject', 's3:GetObject'],
  putEvents: ['events:PutEvents'],
  snsPublish: ['sns:Publish'],
} as const;

/** Some actions on some resources, optionally under a condition. */
export interface Grant {
  /** Shown as the statement id. */
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly pulumi.Input<string>[];
  /** e.g. `{ StringEquals: { 'events:detail-type': ['OrderPlaced.v2'] } }` */
  readonly condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * A policy document (as the JSON string IAM takes) from grants.
 * @throws RangeError on a `*` action, a `*` resource or an empty grant: they are bugs in the caller.
 */
export function policyDocument(grants: readonly Grant[]): pulumi.Output<string> {
  for (const g of grants) {
    if (!g.actions.length || !g.resources.length) throw new RangeError(`grant ${g.sid} names no action or no resource`);
    const wild = g.actions.find((a) => a.includes('*'));
    if (wild) throw new RangeError(`grant ${g.sid}: wildcard action "${wild}"; name the actions`);
    if (g.resources.some((r) => r === '*')) throw new RangeError(`grant ${g.sid}: resource "*"; name the resources`);
  }
  return pulumi.jsonStringify({
    Version: '2012-10-17',
    Statement: grants.map((g) => ({
      Sid: g.sid.replace(/[^A-Za-z0-9]/g, ''),
      Effect: 'Allow',
      Action: [...g.actions],
      Resource: [...g.resources],
      ...(g.condition ? { Condition: g.condition } : {}),
    })),
  });
}

/**
 * A trust policy letting one AWS service assume a role, only on behalf of `sourceArn` (confused-deputy
 * protection) when given.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */
export function assumeRolePolicy(service: string, sourceArn?: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { Service: service },
      Action: 'sts:AssumeRole',
      ...(sourceArn ? { Condition: { ArnEquals: { 'aws:SourceArn': sourceArn } } } : {}),
    }],
  });
}

/** An AWS service sending messages to an SQS queue on behalf of one resource (a rule, a topic). */
export interface QueueDelivery {
  readonly service: 'events.amazonaws.com' | 'sns.amazonaws.com';
  readonly sourceArn: pulumi.Input<string>;
}

/**
 * An SQS queue policy allowing each delivery's service to send to the queue, only from its source ARN.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions
 */
export function queuePolicyDocument(queueArn: pulumi.Input<string>, deliveries: readonly QueueDelivery[]): pulumi.Output<string> {
  const services = [...new Set(deliveries.map((d) => d.service))];
  return pulumi.jsonStringify({
    Version: '2012-10-17',
    Statement: services.map((service) => ({
      Sid: `Allow${service.split('.')[0]}`,
      Effect: 'Allow',
      Principal: { Service: service },
      Action: 'sqs:SendMessage',
      Resource: queueArn,
      Condition: { ArnEquals: { 'aws:SourceArn': deliveries.filter((d) => d.service === service).map((d) => d.sourceArn) } },
    })),
  });
}

/** Publishing the declared events to a bus, and only those (EventBridge's detail-type and source condition keys). */
export function putEventsGrant(sid: string, busArn: pulumi.Input<string>, types: readonly string[], sources: readonly string[]): Grant {
  return {
    sid, actions: ACTIONS.putEvents, resources: [busArn],
    condition: { StringEquals: { 'events:detail-type': [...new Set(types)], 'events:source': [...new Set(sources)] } },
  };
}
