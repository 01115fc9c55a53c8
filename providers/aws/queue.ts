/**
 * queue → an SQS queue and its dead-letter queue: a `RedrivePolicy` resource (integer `maxReceiveCount`
 * = maxAttempts) and a `RedriveAllowPolicy` so only its source may redrive into the DLQ; the DLQ keeps
 * messages at least as long as the source; FIFO (per-key order) when the spec orders by key. The event
 * source mapping to the consuming function is the subscription's (the function does not exist yet here).
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
 */
import * as pulumi from '@pulumi/pulumi';
import * as sqs from '@pulumi/aws/sqs';
import { toSeconds, type DeliveryTarget, type QueueSpec, type Topology } from '../../contracts';
import { queueVisibilitySeconds, SQS_LIMITS } from './limits';
import { resourceName } from './names';
import type { Tags } from './tags';

export { SQS_LIMITS };

export interface RedrivenQueueSettings {
  readonly fifo: boolean;
  readonly visibilityTimeoutSeconds: number;
  readonly retentionSeconds: number;
  readonly deadLetterRetentionSeconds: number;
  readonly maxAttempts: number;
  readonly tags: Tags;
  readonly overrides?: Readonly<Record<string, unknown>>;
}

/** A queue, its DLQ and the two redrive resources: the durable path shared by declared and topic-subscriber queues. */
export interface RedrivenQueue {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly redrivePolicy: sqs.RedrivePolicy;
  readonly redriveAllowPolicy: sqs.RedriveAllowPolicy;
}

/** A dead-letter queue: kept 14 days (SQS's longest), encrypted, FIFO when its source is. */
export function deadLetterQueue(name: string, tags: Tags, parent: pulumi.Resource, options: { fifo?: boolean; retentionSeconds?: number } = {}): sqs.Queue {
  return new sqs.Queue(resourceName('sqsQueue', name, options), {
    messageRetentionSeconds: options.retentionSeconds ?? SQS_LIMITS.maxRetentionSeconds,
    sqsManagedSseEnabled: true,
    ...(options.fifo ? { fifoQueue: true } : {}),
    tags,
  }, { parent });
}

/** Creates a queue with its DLQ and redrive policies under `parent`. */
export function redrivenQueue(name: string, s: RedrivenQueueSettings, parent: pulumi.Resource): RedrivenQueue {
  const fifo = s.fifo ? {
    fifoQueue: true,
    // Events carry unique ids; dedupe on content so a retried send within 5 minutes is not enqueued twice.
    contentBasedDeduplication: true,
    deduplicationScope: 'messageGroup',
    fifoThroughputLimit: 'perMessageGroupId',
  } : {};
  const deadLetter = deadLetterQueue(`${name}-dlq`, s.tags, parent, {
    fifo: s.fifo, retentionSeconds: Math.max(s.deadLetterRetentionSeconds, s.retentionSeconds),
  });
  const queue = new sqs.Queue(resourceName('sqsQueue', name, { fifo: s.fifo }), {
    ...fifo,
    visibilityTimeoutSeconds: s.visibilityTimeoutSeconds,
    messageRetentionSeconds: s.retentionSeconds,
    receiveWaitTimeSeconds: 20,
    sqsManagedSseEnabled: true,
    tags: s.tags,
    ...s.overrides,
  }, { parent });
  const redrivePolicy = new sqs.RedrivePolicy(`${name}-redrive`, {
    queueUrl: queue.url,
    // maxReceiveCount must be an integer (a string is accepted by SQS but breaks drift detection).
    redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: deadLetter.arn, maxReceiveCount: Math.trunc(s.maxAttempts) }),
  }, { parent });
  const redriveAllowPolicy = new sqs.RedriveAllowPolicy(`${name}-redrive-allow`, {
    queueUrl: deadLetter.url,
    redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: 'byQueue', sourceQueueArns: [queue.arn] }),
  }, { parent });
  return { queue, deadLetterQueue: deadLetter, redrivePolicy, redriveAllowPolicy };
}

export interface AwsQueueArgs {
  readonly spec: QueueSpec;
  readonly topology: Topology;
  readonly delivery: DeliveryTarget;
  readonly tags: Tags;
}

/** `herald:aws:Queue`: a declared queue. */
export class AwsQueue extends pulumi.ComponentResource implements RedrivenQueue {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly redrivePolicy: sqs.RedrivePolicy;
  readonly redriveAllowPolicy: sqs.RedriveAllowPolicy;
  readonly fifo: boolean;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  /** Retentions and the visibility timeout were checked by `validateForAws` (limits.ts). */
  constructor(name: string, args: AwsQueueArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:aws:Queue', name, {}, opts);
    const { spec } = args;
    this.fifo = spec.orderBy !== undefined;
    const parts = redrivenQueue(name, {
      fifo: this.fifo,
      visibilityTimeoutSeconds: queueVisibilitySeconds(args.topology, args.delivery, spec),
      retentionSeconds: toSeconds(spec.retention),
      deadLetterRetentionSeconds: toSeconds(spec.deadLetterRetention),
      maxAttempts: spec.maxAttempts,
      tags: args.tags,
      ...(spec.overrides?.aws ? { overrides: spec.overrides.aws } : {}),
    }, this);
    this.queue = parts.queue;
    this.deadLetterQueue = parts.deadLetterQueue;
    this.redrivePolicy = parts.redrivePolicy;
    this.redriveAllowPolicy = parts.redriveAllowPolicy;
    this.outputs = {
      name: this.queue.name, arn: this.queue.arn, url: this.queue.url,
      deadLetterQueueUrl: this.deadLetterQueue.url, deadLetterQueueArn: this.deadLetterQueue.arn,
    };
    this.registerOutputs(this.outputs);
  }
}
