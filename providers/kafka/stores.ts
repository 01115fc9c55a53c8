/**
 * The stores every worker shares, once per app and stack: the outcomes topic (what every worker settled,
 * read by the dev server's `/traces` and `/dlq`, so they show every worker's work) and the claims topic,
 * the idempotency changelog. Claims are compacted, as a Kafka Streams changelog is: the broker keeps the
 * latest record per key (event and subscription), and deletes keys older than the stack's retention, so the
 * changelog stays bounded while a duplicate delivered within that window is still recognised.
 * @see https://kafka.apache.org/documentation/#compaction
 */
import * as pulumi from '@pulumi/pulumi';
import type * as kafka from '@pulumi/kafka';
import type { KafkaFoundation } from './foundation';
import { declareTopic } from './declare-topic';

export interface KafkaStoresArgs {
  readonly cluster: Pick<KafkaFoundation, 'names' | 'settings'>;
}

/** `herald:kafka:Stores`: the outcomes and claims topics. */
export class KafkaStores extends pulumi.ComponentResource {
  readonly outcomesTopic: kafka.Topic;
  readonly claimsTopic: kafka.Topic;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: KafkaStoresArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:kafka:Stores', name, {}, opts);
    const { names, settings } = args.cluster;
    this.outcomesTopic = declareTopic(`${name}-outcomes`, names.outcomes, settings, {}, this);
    this.claimsTopic = declareTopic(`${name}-claims`, names.claims, settings, { compact: true }, this);
    this.outputs = { outcomesTopic: this.outcomesTopic.name, claimsTopic: this.claimsTopic.name };
    this.registerOutputs(this.outputs);
  }
}
