/**
 * subscription → its consumer group (Kafka creates a group when its first member joins, so the group is a
 * name and an ACL, not a resource) and, on an unordered channel, its retry topic: a failed event is
 * written there with its attempt and not-before headers and read again by the same group, so it never
 * blocks the events behind it. An ordered channel retries in place and has none (`retriesThroughTopic`).
 */
import * as pulumi from '@pulumi/pulumi';
import type * as kafka from '@pulumi/kafka';
import type { Channel } from '../../contracts';
import type { KafkaFoundation } from './foundation';
import { declareTopic } from './topic-config';
import { retriesThroughTopic } from './topics';

export interface KafkaSubscriptionArgs {
  readonly channel: Channel;
  readonly cluster: Pick<KafkaFoundation, 'names' | 'settings'>;
}

/** `herald:kafka:Subscription`: the retry topic, and the names a worker reads the channel by. */
export class KafkaSubscription extends pulumi.ComponentResource {
  readonly retryTopic?: kafka.Topic;
  readonly outputs: Readonly<Record<string, pulumi.Input<string>>>;

  constructor(name: string, args: KafkaSubscriptionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:kafka:Subscription', name, {}, opts);
    const { channel, cluster: { names, settings } } = args;
    if (retriesThroughTopic(channel)) this.retryTopic = declareTopic(`${name}-retry`, names.retry(channel), settings, {}, this);
    this.outputs = {
      group: names.group(channel), source: names.source(channel), deadLetterTopic: names.deadLetter(channel),
      ...(this.retryTopic ? { retryTopic: this.retryTopic.name } : {}),
    };
    this.registerOutputs(this.outputs);
  }
}
