/**
 * topic → an SNS topic, and one SQS queue (with its DLQ) per subscriber that does not name its own queue:
 * SNS → SQS → Lambda, never SNS → Lambda, so every subscriber gets retries, a dead-letter queue and
 * partial batch failure. The SNS subscription itself (raw delivery, filter policy, redrive policy) and the
 * queue policy are the subscription's.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-sqs-as-subscriber.html
 */
import * as pulumi from '@pulumi/pulumi';
import * as sns from '@pulumi/aws/sns';
import { DEFAULTS, toSeconds, type Channel, type DeliveryPlan, type TopicSpec } from '../../contracts';
import { deadLetterAlarm, metricAlarm, oldestAgeCondition } from './alarm';
import { ownQueueVisibilitySeconds } from './limits';
import { resourceName } from './names';
import { redrivenQueue, type RedrivenQueue } from './queue';
import type { Tags } from './tags';

export interface AwsTopicArgs {
  readonly spec: TopicSpec;
  readonly plan: DeliveryPlan;
  readonly tags: Tags;
  /** Tags of a subscriber queue, named after its subscription. */
  readonly subscriberTags: (subscription: string) => Tags;
}

/** Channels from this topic that read through a queue of their own (no `via`). */
export function ownQueueChannels(plan: DeliveryPlan, topic: string): Channel[] {
  return plan.channels.filter((c) => c.from.kind === 'topic' && c.from.name === topic && c.source.kind === 'queue' && c.source.own);
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
    for (const c of ownQueueChannels(args.plan, args.spec.name)) {
      const sub = { name: c.subscription };
      const d = DEFAULTS.queue;
      queues[sub.name] = redrivenQueue(`${name}-${sub.name}`, {
        fifo: false,
        // The 6× rule, with the consumer's timeout (this queue has one consumer, its subscription's function).
        visibilityTimeoutSeconds: ownQueueVisibilitySeconds(c),
        retentionSeconds: toSeconds(d.retention),
        deadLetterRetentionSeconds: toSeconds(d.deadLetterRetention),
        maxAttempts: c.maxAttempts,
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
