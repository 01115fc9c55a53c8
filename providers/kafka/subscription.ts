/**
 * subscription → its consumer group (Kafka creates a group when its first member joins, so the group is a
 * name and an ACL, not a resource) and its retry topic, which the same group reads beside its source: an
 * unordered channel's failed event waits there for its next attempt (attempt and not-before headers), so it
 * never blocks the events behind it, and a redrive from the dead letters comes in there on every channel
 * (an ordered one retries in place, pausing its partition).
 */
import * as pulumi from '@pulumi/pulumi';
import type * as kafka from '@pulumi/kafka';
import type { Channel } from '../../contracts';
import type { KafkaFoundation } from './foundation';
import { declareTopic } from './declare-topic';

export interface KafkaSubscriptionArgs {
  readonly channel: Channel;
  readonly cluster: Pick<KafkaFoundation, 'names' | 'settings'>;
}

/** `herald:kafka:Subscription`: the retry topic, and the names a worker reads the channel by. */
export class KafkaSubscription extends pulumi.ComponentResource {
  readonly retryTopic: kafka.Topic;
  readonly outputs: Readonly<Record<string, pulumi.Input<string>>>;

  constructor(name: string, args: KafkaSubscriptionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:kafka:Subscription', name, {}, opts);
    const { channel, cluster: { names, settings } } = args;
    this.retryTopic = declareTopic(`${name}-retry`, names.retry(channel), settings, {}, this);
    this.outputs = {
      group: names.group(channel), source: names.source(channel), retryTopic: this.retryTopic.name, deadLetterTopic: names.deadLetter(channel),
    };
    this.registerOutputs(this.outputs);
  }
}
