/**
 * bus → one Kafka topic. Publishers write every event of the bus to it, keyed by the order key or the
 * event id; the broker routes nothing, so each subscription reading the bus directly has its own consumer
 * group and evaluates its filter (event types included) in the consumer.
 */
import * as pulumi from '@pulumi/pulumi';
import type * as kafka from '@pulumi/kafka';
import type { BusSpec } from '../../contracts';
import type { KafkaFoundation } from './foundation';
import { declareTopic } from './declare-topic';

export interface KafkaBusArgs {
  readonly spec: BusSpec;
  readonly cluster: Pick<KafkaFoundation, 'names' | 'settings'>;
}

/** `herald:kafka:Bus`: the bus's topic. */
export class KafkaBus extends pulumi.ComponentResource {
  readonly topic: kafka.Topic;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: KafkaBusArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:kafka:Bus', name, {}, opts);
    const { names, settings } = args.cluster;
    this.topic = declareTopic(name, names.bus(args.spec.name), settings, {}, this);
    this.outputs = { name: this.topic.name };
    this.registerOutputs(this.outputs);
  }
}
