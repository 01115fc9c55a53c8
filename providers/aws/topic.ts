/**
 * topic → an SNS topic, and one SQS queue (with its DLQ) per subscriber that does not name its own queue:
 * SNS → SQS → Lambda, never SNS → Lambda, so every subscriber gets retries, a dead-letter queue and
 * partial batch failure. The SNS subscription itself (raw delivery, filter policy, redrive policy) and the
 * queue policy are the subscription's.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-sqs-as-subscriber.html
 */
import * as pulumi from '@pulumi/pulumi';
import * as sns from '@pulumi/aws/sns';
import { DEFAULTS, toSeconds, VISIBILITY_TIMEOUT_FACTOR, type SubscriptionSpec, type Topology, type TopicSpec } from '../../contracts';
import { functionOf } from '../../runtime/functions';
import { deadLetterAlarm, metricAlarm, oldestAgeCondition } from './alarm';
import { resourceName } from './names';
import { redrivenQueue, type RedrivenQueue } from './queue';
import type { Tags } from './tags';

export interface AwsTopicArgs {
  readonly spec: TopicSpec;
  readonly topology: Topology;
  readonly tags: Tags;
  /** Tags of a subscriber queue, named after its subscription. */
  readonly subscriberTags: (subscription: string) => Tags;
}

/** Subscriptions from this topic that read through a queue of their own (no `via`). */
export function implicitSubscribers(t: Topology, topic: string): SubscriptionSpec[] {
  return t.subscriptions.filter((s) => s.from.kind === 'topic' && s.from.name === topic && !s.via);
}

/** `herald:aws:Topic`: an SNS topic and the queues of its subscribers. */
export class AwsTopic extends pulumi.ComponentResource {
  readonly topic: sns.Topic;
  /** By subscription name. */
  readonly subscriberQueues: Readonly<Record<string, RedrivenQueue>>;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AwsTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:aws:Topic', name, {}, opts);
    this.topic = new sns.Topic(resourceName('snsTopic', name), { tags: args.tags, ...args.spec.overrides?.aws }, { parent: this });
    const queues: Record<string, RedrivenQueue> = {};
    for (const sub of implicitSubscribers(args.topology, args.spec.name)) {
      const d = DEFAULTS.queue;
      const timeout = toSeconds(functionOf(args.topology, sub).timeout);
      queues[sub.name] = redrivenQueue(`${name}-${sub.name}`, {
        fifo: false,
        // The 6× rule, with the consumer's timeout (this queue has one consumer, its subscription's function).
        visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_FACTOR * timeout + toSeconds(d.batch.window),
        retentionSeconds: toSeconds(d.retention),
        deadLetterRetentionSeconds: toSeconds(d.deadLetterRetention),
        maxAttempts: d.maxAttempts,
        tags: args.subscriberTags(sub.name),
      }, this);
      // The production defaults a declared queue gets from realize(): age of the oldest event, dead letters.
      const q = queues[sub.name]!;
      metricAlarm(`${name}-${sub.name}-age`, oldestAgeCondition(q.queue, toSeconds(d.alarmOnAge)), args.subscriberTags(sub.name), this);
      deadLetterAlarm(`${name}-${sub.name}`, q.deadLetterQueue, args.subscriberTags(sub.name), this);
    }
    this.subscriberQueues = queues;
    this.outputs = { name: this.topic.name, arn: this.topic.arn };
    this.registerOutputs(this.outputs);
  }
}
