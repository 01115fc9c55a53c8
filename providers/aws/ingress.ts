/**
 * Ingress functions: the Lambdas Herald provides for webhooks, upload triggers and change triggers. Each
 * turns a request, an uploaded object or a row change into the declared event and publishes it (the
 * webhook answers 202); heavy work never runs here. Same packaging and least privilege as user functions:
 * a bundle of the ingress entry and the app's topology, its own log group and role, a JSON config.
 */
import * as pulumi from '@pulumi/pulumi';
import * as lambda from '@pulumi/aws/lambda';
import type * as sqs from '@pulumi/aws/sqs';
import { ENV, type AppModule } from '../../contracts';
import { deadLetterAlarm } from './alarm';
import { bundleIngress, type IngressKind } from './bundle';
import { createLambda, type LambdaParts, type PublishTarget } from './function';
import { publishTarget } from './function-config';
import { ACTIONS, type Grant } from './iam';
import { deadLetterQueue } from './queue';
import { AWS_CONFIG_ENV, type AwsPublishTarget } from './runtime/config';
import type { Tags } from './tags';

export type { IngressKind };

/**
 * Timeout and memory per ingress kind: a webhook answers well inside API Gateway's 30 s integration
 * timeout; a change batch may hold up to 100 rows.
 */
export const INGRESS_SETTINGS: Readonly<Record<IngressKind, { readonly timeoutSeconds: number; readonly memory: number }>> = {
  webhook: { timeoutSeconds: 10, memory: 256 },
  upload: { timeoutSeconds: 30, memory: 256 },
  change: { timeoutSeconds: 60, memory: 256 },
};

export interface IngressArgs {
  readonly kind: IngressKind;
  readonly app: AppModule;
  readonly logGroupName: string;
  /** The kind-specific part of the config (`AwsIngressConfig` without `publishTo` and `claimCheckBucket`). */
  readonly config: Readonly<Record<string, pulumi.Input<unknown>>>;
  readonly publish: PublishTarget;
  readonly claimCheck: { readonly bucket: pulumi.Output<string>; readonly arn: pulumi.Output<string> };
  /** Beyond publishing and the claim check. */
  readonly grants?: readonly Grant[];
  readonly environment?: Readonly<Record<string, pulumi.Input<string>>>;
  readonly stack: string;
  readonly tags: Tags;
}

/** The publish target as the runtime config names it. */
export function publishConfig(p: PublishTarget): pulumi.Output<AwsPublishTarget> {
  return p.kind === 'bus' ? p.name.apply((name) => publishTarget({ kind: 'bus', name })) : p.arn.apply((arn) => publishTarget({ kind: 'topic', arn }));
}

/** An ingress Lambda under `parent`. */
export function createIngress(name: string, a: IngressArgs, parent: pulumi.Resource): LambdaParts {
  const { timeoutSeconds, memory } = INGRESS_SETTINGS[a.kind];
  const config = { ...a.config, kind: a.kind, publishTo: publishConfig(a.publish), claimCheckBucket: a.claimCheck.bucket };
  return createLambda(name, {
    logGroupName: a.logGroupName,
    bundle: bundleIngress(a.kind, a.app),
    timeoutSeconds,
    memory,
    environment: { ...a.environment, [AWS_CONFIG_ENV]: pulumi.jsonStringify(config), [ENV.functionName]: name, [ENV.stack]: a.stack },
    grants: [
      a.publish.grant,
      { sid: 'ClaimCheck', actions: ['s3:PutObject'], resources: [pulumi.interpolate`${a.claimCheck.arn}/claim-check/*`] },
      ...(a.grants ?? []),
    ],
    tags: a.tags,
  }, parent);
}

/**
 * Where an asynchronously invoked ingress (an EventBridge rule target) sends what it gave up on: a queue,
 * with a depth alarm, and the function's on-failure destination pointing at it. Created before the
 * function so its role can name the queue.
 */
export function asyncFailures(name: string, tags: Tags, parent: pulumi.Resource): { queue: sqs.Queue; grant: Grant; attach: (fn: lambda.Function) => lambda.FunctionEventInvokeConfig } {
  const queue = deadLetterQueue(`${name}-failures`, tags, parent);
  deadLetterAlarm(name, queue, tags, parent);
  return {
    queue,
    grant: { sid: 'FailureDestination', actions: ACTIONS.sqsSend, resources: [queue.arn] },
    attach: (fn) => new lambda.FunctionEventInvokeConfig(`${name}-async`, {
      functionName: fn.name,
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 21_600,
      destinationConfig: { onFailure: { destination: queue.arn } },
    }, { parent }),
  };
}
