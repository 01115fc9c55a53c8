/**
 * stream → a Kafka topic partitioned by the stream's key (the worker keys each record by it, so one key
 * stays in one partition, in order) and the dead-letter topic its failed events go to after `maxAttempts`
 * in-place retries. Kept at least the stream's `retention`; dead letters as long as a queue's by default.
 */
import * as pulumi from '@pulumi/pulumi';
import type * as kafka from '@pulumi/kafka';
import { DEFAULTS, type StreamSpec } from '../../contracts';
import type { KafkaFoundation } from './foundation';
import { declareTopic } from './declare-topic';

export interface KafkaStreamArgs {
  readonly spec: StreamSpec;
  readonly cluster: Pick<KafkaFoundation, 'names' | 'settings'>;
}

/** `herald:kafka:Stream`: the stream's topic and its dead-letter topic. */
export class KafkaStream extends pulumi.ComponentResource {
  readonly topic: kafka.Topic;
  readonly deadLetterTopic: kafka.Topic;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: KafkaStreamArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:kafka:Stream', name, {}, opts);
    const { names, settings } = args.cluster;
    this.topic = declareTopic(name, names.stream(args.spec.name), settings, { retention: args.spec.retention }, this);
    this.deadLetterTopic = declareTopic(`${name}-dlq`, names.deadLetter({ deadLetter: { owner: 'stream', name: args.spec.name } }), settings,
      { retention: DEFAULTS.queue.deadLetterRetention }, this);
    this.outputs = { name: this.topic.name, deadLetterTopic: this.deadLetterTopic.name };
    this.registerOutputs(this.outputs);
  }
}
