/**
 * fn → a Lambda function (`nodejs22.x`, arm64) running the function's esbuild bundle, with its own log
 * group (created here, so the role's log permissions name it), its own role whose one inline policy holds
 * exactly the actions on exactly the resources the function uses, and its config as one JSON environment
 * variable (`HERALD_AWS_CONFIG`). A function with direct subscriptions (EventBridge → Lambda, an
 * asynchronous invoke) also gets a `FunctionEventInvokeConfig` with an on-failure destination: a rule
 * target's retry policy covers only hand-over failures, not the function's own errors.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
import * as pulumi from '@pulumi/pulumi';
import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as iam from '@pulumi/aws/iam';
import * as lambda from '@pulumi/aws/lambda';
import type * as sqs from '@pulumi/aws/sqs';
import { ENV, toSeconds, type Channel, type FunctionSpec } from '../../contracts';
import { codeArchive } from '../archive';
import { deadLetterAlarm } from './alarm';
import type { Bundle } from './bundle';
import { ACTIONS, assumeRolePolicy, policyDocument, type Grant } from './iam';
import { DIRECT_MAX_ATTEMPTS } from './limits';
import { physicalName, resourceName } from './names';
import { deadLetterQueue } from './queue';
import { functionConfig } from './function-config';
import { AWS_CONFIG_ENV } from './runtime/config';
import type { Tags } from './tags';

/** Lambda settings every Herald function shares. */
export const LAMBDA_DEFAULTS = {
  runtime: lambda.Runtime.NodeJS22dX,
  architectures: ['arm64'],
  handler: 'index.handler',
  logRetentionDays: 30,
} as const;

/** The pieces of any Lambda Herald deploys (user functions and ingress functions alike). */
export interface LambdaParts {
  readonly logGroup: cloudwatch.LogGroup;
  readonly role: iam.Role;
  readonly policy: iam.RolePolicy;
  readonly function: lambda.Function;
}

export interface LambdaSettings {
  /** `/herald/<project>/<stack>/<kind>/<name>`: explicit, so logs are easy to find and the role can name it. */
  readonly logGroupName: string;
  readonly bundle: Bundle;
  readonly timeoutSeconds: number;
  readonly memory: number;
  readonly concurrency?: number;
  readonly environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Everything but logging, which is added here. */
  readonly grants: readonly Grant[];
  readonly tags: Tags;
  readonly overrides?: Readonly<Record<string, unknown>>;
}

/** A log group, a role with one inline least-privilege policy, and the function, all under `parent`. */
export function createLambda(name: string, s: LambdaSettings, parent: pulumi.Resource): LambdaParts {
  const logGroup = new cloudwatch.LogGroup(`${name}-logs`, {
    name: physicalName('logGroup', s.logGroupName),
    retentionInDays: LAMBDA_DEFAULTS.logRetentionDays,
    tags: s.tags,
  }, { parent, deleteBeforeReplace: true });
  const role = new iam.Role(resourceName('iamRole', `${name}-role`), {
    assumeRolePolicy: assumeRolePolicy('lambda.amazonaws.com'),
    tags: s.tags,
  }, { parent });
  const grants: Grant[] = [{ sid: 'Logs', actions: ACTIONS.logs, resources: [pulumi.interpolate`${logGroup.arn}:*`] }, ...s.grants];
  const policy = new iam.RolePolicy(`${name}-policy`, { role: role.id, policy: policyDocument(grants) }, { parent });
  const fn = new lambda.Function(resourceName('lambdaFunction', name), {
    runtime: LAMBDA_DEFAULTS.runtime,
    architectures: [...LAMBDA_DEFAULTS.architectures],
    handler: LAMBDA_DEFAULTS.handler,
    code: codeArchive(s.bundle),
    role: role.arn,
    timeout: s.timeoutSeconds,
    memorySize: s.memory,
    ...(s.concurrency !== undefined ? { reservedConcurrentExecutions: s.concurrency } : {}),
    environment: { variables: s.environment },
    loggingConfig: { logFormat: 'Text', logGroup: logGroup.name },
    tags: s.tags,
    ...s.overrides,
    // The policy first: event source mappings validate the role's permissions when they are created.
  }, { parent, dependsOn: [policy] });
  return { logGroup, role, policy, function: fn };
}

/** A queue or stream the function reads, and where its records are dead-lettered. */
export interface FunctionSource {
  readonly kind: 'queue' | 'stream';
  /** The delivery plan's name for it (`queue:<name>`, `stream:<name>`). */
  readonly sourceKey: string;
  readonly arn: pulumi.Input<string>;
  readonly deadLetterQueue: sqs.Queue;
}

/** Where the function publishes, resolved. */
export type PublishTarget =
  | { readonly kind: 'bus'; readonly name: pulumi.Output<string>; readonly arn: pulumi.Output<string>; readonly grant: Grant }
  | { readonly kind: 'topic'; readonly arn: pulumi.Output<string>; readonly grant: Grant };

export interface AwsFunctionArgs {
  readonly spec: FunctionSpec;
  readonly bundle: Bundle;
  readonly logGroupName: string;
  readonly sources: readonly FunctionSource[];
  /** Whether a subscription invokes it directly (EventBridge → Lambda). */
  readonly direct: boolean;
  /** Its channels from the delivery plan. */
  readonly channels: readonly Channel[];
  readonly publish?: PublishTarget;
  readonly stores: { readonly idempotencyTable: pulumi.Output<string>; readonly idempotencyTableArn: pulumi.Output<string>; readonly claimCheckBucket: pulumi.Output<string>; readonly claimCheckBucketArn: pulumi.Output<string> };
  readonly stack: string;
  readonly tags: Tags;
}

/** `herald:aws:Function`: a user function. */
export class AwsFunction extends pulumi.ComponentResource implements LambdaParts {
  readonly logGroup: cloudwatch.LogGroup;
  readonly role: iam.Role;
  readonly policy: iam.RolePolicy;
  readonly function: lambda.Function;
  /** Failed asynchronous invocations (direct subscriptions), when it has any. */
  readonly deadLetterQueue?: sqs.Queue;
  readonly invokeConfig?: lambda.FunctionEventInvokeConfig;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AwsFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:aws:Function', name, {}, opts);
    const { spec } = args;
    const grants: Grant[] = [];
    for (const kind of ['queue', 'stream'] as const) {
      const arns = args.sources.filter((s) => s.kind === kind).map((s) => s.arn);
      if (arns.length) grants.push({ sid: kind === 'queue' ? 'ReadQueues' : 'ReadStreams', actions: kind === 'queue' ? ACTIONS.sqsConsume : ACTIONS.kinesisConsume, resources: arns });
    }
    const deadLetters = args.sources.map((s) => s.deadLetterQueue);
    if (args.direct) {
      this.deadLetterQueue = deadLetterQueue(`${name}-async-failures`, args.tags, this);
      deadLetters.push(this.deadLetterQueue);
    }
    if (deadLetters.length) grants.push({ sid: 'DeadLetter', actions: ACTIONS.sqsSend, resources: deadLetters.map((q) => q.arn) });
    if (args.publish) grants.push(args.publish.grant);
    grants.push({ sid: 'Idempotency', actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], resources: [args.stores.idempotencyTableArn] });
    grants.push({ sid: 'ClaimCheck', actions: ACTIONS.claimCheck, resources: [pulumi.interpolate`${args.stores.claimCheckBucketArn}/claim-check/*`] });

    // The config as `herald invoke` builds it too (function-config.ts), with the names Pulumi reports.
    const config = pulumi.output({
      ...(args.publish ? { publishTo: args.publish.kind === 'bus' ? { kind: 'bus' as const, name: args.publish.name } : { kind: 'topic' as const, arn: args.publish.arn } } : {}),
      sources: Object.fromEntries(args.sources.map((s) => [s.sourceKey, { arn: s.arn, deadLetterQueueUrl: s.deadLetterQueue.url }])),
      idempotencyTable: args.stores.idempotencyTable,
      claimCheckBucket: args.stores.claimCheckBucket,
    }).apply((resources) => JSON.stringify(functionConfig(spec, args.channels, resources)));
    const parts = createLambda(name, {
      logGroupName: args.logGroupName,
      bundle: args.bundle,
      timeoutSeconds: toSeconds(spec.timeout),
      memory: spec.memory,
      ...(spec.concurrency !== undefined ? { concurrency: spec.concurrency } : {}),
      environment: {
        ...spec.environment,
        [AWS_CONFIG_ENV]: config,
        [ENV.functionName]: spec.name,
        [ENV.stack]: args.stack,
      },
      grants,
      tags: args.tags,
      ...(spec.overrides?.aws ? { overrides: spec.overrides.aws } : {}),
    }, this);
    ({ logGroup: this.logGroup, role: this.role, policy: this.policy, function: this.function } = parts);

    if (this.deadLetterQueue) {
      this.invokeConfig = new lambda.FunctionEventInvokeConfig(`${name}-async`, {
        functionName: this.function.name,
        // The first attempt plus Lambda's at most 2 retries: the direct path's bound everywhere.
        maximumRetryAttempts: DIRECT_MAX_ATTEMPTS - 1,
        maximumEventAgeInSeconds: 21_600,
        destinationConfig: { onFailure: { destination: this.deadLetterQueue.arn } },
      }, { parent: this });
      deadLetterAlarm(`${name}-async`, this.deadLetterQueue, args.tags, this);
    }
    this.outputs = { name: this.function.name, arn: this.function.arn, logGroup: this.logGroup.name, role: this.role.arn };
    this.registerOutputs(this.outputs);
  }
}
