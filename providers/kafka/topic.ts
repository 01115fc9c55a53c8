/**
 * topic → a Kafka topic, and one queue (a topic and its dead-letter topic) per subscriber that does not
 * name its own queue, as on every target: each subscriber reads its own copy, with its own retries and
 * dead letters. Which subscribers those are comes from the delivery plan (`source.own`).
 */
import * as pulumi from '@pulumi/pulumi';
import type * as kafka from '@pulumi/kafka';
import { DEFAULTS, type Channel, type DeliveryPlan, type TopicSpec } from '../../contracts';
import type { KafkaFoundation } from './foundation';
import { queueTopics, type KafkaQueueTopics } from './queue';
import { declareTopic } from './declare-topic';

export interface KafkaTopicArgs {
  readonly spec: TopicSpec;
  readonly plan: DeliveryPlan;
  readonly cluster: Pick<KafkaFoundation, 'names' | 'settings'>;
}

/** Channels from this topic that read through a queue of their own (no `via`). */
export function ownQueueChannels(plan: DeliveryPlan, topic: string): Channel[] {
  return plan.channels.filter((c) => c.from.kind === 'topic' && c.from.name === topic && c.source.kind === 'queue' && c.source.own);
}

/** `herald:kafka:Topic`: the topic and its subscribers' own queues. */
export class KafkaTopic extends pulumi.ComponentResource {
  readonly topic: kafka.Topic;
  /** By subscription name. */
  readonly subscriberQueues: Readonly<Record<string, KafkaQueueTopics>>;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: KafkaTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:kafka:Topic', name, {}, opts);
    this.topic = declareTopic(name, args.cluster.names.topic(args.spec.name), args.cluster.settings, {}, this);
    const queues: Record<string, KafkaQueueTopics> = {};
    for (const c of ownQueueChannels(args.plan, args.spec.name)) {
      if (c.source.kind !== 'queue') continue;
      queues[c.subscription] = queueTopics(c.source.queue, DEFAULTS.queue, args.cluster, this);
    }
    this.subscriberQueues = queues;
    this.outputs = { name: this.topic.name };
    this.registerOutputs(this.outputs);
  }
}
