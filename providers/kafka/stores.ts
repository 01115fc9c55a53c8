/**
 * The stores every worker shares, once per app and stack: the outcomes topic (what every worker settled,
 * read by the dev server's `/traces` and `/dlq`, so they show every worker's work) and the claims topic,
 * the idempotency changelog (transport/claims.ts). Both carry bundles keyed by the process that wrote them,
 * so neither is compacted: records are deleted after the stack's retention, which bounds them while a
 * duplicate from a source topic (kept as long) is still recognised.
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
    this.claimsTopic = declareTopic(`${name}-claims`, names.claims, settings, {}, this);
    this.outputs = { outcomesTopic: this.outcomesTopic.name, claimsTopic: this.claimsTopic.name };
    this.registerOutputs(this.outputs);
  }
}
