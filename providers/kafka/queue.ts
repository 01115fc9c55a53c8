/**
 * queue → a Kafka topic and its dead-letter topic, each kept at least as long as the queue declares
 * (`retention`, `deadLetterRetention`). Attempts, backoff and the order key come from the delivery plan
 * and are the worker's: an unordered queue's subscription retries through its retry topic, an ordered one
 * in place (see subscription.ts). The dead-letter topic is shared by every subscription reading the queue.
 */
import * as pulumi from '@pulumi/pulumi';
import type * as kafka from '@pulumi/kafka';
import type { Duration, QueueSpec } from '../../contracts';
import type { KafkaFoundation } from './foundation';
import { declareTopic } from './declare-topic';

/** A queue's topic and dead-letter topic: declared queues and a topic subscriber's own queue alike. */
export interface KafkaQueueTopics {
  readonly topic: kafka.Topic;
  readonly deadLetterTopic: kafka.Topic;
}

/** Declares queue `name`'s topics under `parent`. */
export function queueTopics(
  name: string, retention: { readonly retention: Duration; readonly deadLetterRetention: Duration },
  cluster: Pick<KafkaFoundation, 'names' | 'settings'>, parent: pulumi.Resource,
): KafkaQueueTopics {
  const { names, settings } = cluster;
  const topic = declareTopic(name, names.queue(name), settings, { retention: retention.retention }, parent);
  // A queue's dead letters live in the topic its owner names (`names.deadLetter` of a channel reading it).
  const deadLetterTopic = declareTopic(`${name}-dlq`, names.deadLetter({ deadLetter: { owner: 'queue', name } }), settings, { retention: retention.deadLetterRetention }, parent);
  return { topic, deadLetterTopic };
}

export interface KafkaQueueArgs {
  readonly spec: QueueSpec;
  readonly cluster: Pick<KafkaFoundation, 'names' | 'settings'>;
}

/** `herald:kafka:Queue`: a declared queue. */
export class KafkaQueue extends pulumi.ComponentResource implements KafkaQueueTopics {
  readonly topic: kafka.Topic;
  readonly deadLetterTopic: kafka.Topic;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: KafkaQueueArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:kafka:Queue', name, {}, opts);
    ({ topic: this.topic, deadLetterTopic: this.deadLetterTopic } = queueTopics(args.spec.name, args.spec, args.cluster, this));
    this.outputs = { name: this.topic.name, deadLetterTopic: this.deadLetterTopic.name };
    this.registerOutputs(this.outputs);
  }
}
