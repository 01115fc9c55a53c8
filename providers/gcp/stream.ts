/**
 * stream → on Pub/Sub, per-key order is a property of a subscription (`enableMessageOrdering`) over
 * messages published with an ordering key, so a stream is realized as what it adds to the push
 * subscriptions that read through it: ordering, its attempts, and its dead letters (a dead-letter topic,
 * its pull subscription, the service agent's grant). A dead-lettered event leaves its key's sequence,
 * so the ones behind it are not blocked; `maxEventAge` is checked in the function.
 * @see https://cloud.google.com/pubsub/docs/ordering
 */
import * as pulumi from '@pulumi/pulumi';
import type * as pubsub from '@pulumi/gcp/pubsub';
import { DEFAULTS, toSeconds, type StreamSpec } from '../../contracts';
import type { Labels } from './labels';
import { subscriptionRetention } from './limits';
import { deadLetterTopic, type DeadLetterTopic } from './queue';

export interface GcpStreamArgs {
  readonly spec: StreamSpec;
  readonly agentMember: pulumi.Input<string>;
  readonly labels: Labels;
}

/** `herald:gcp:Stream`: a stream's dead letters and the retention of the subscriptions that read it. */
export class GcpStream extends pulumi.ComponentResource implements DeadLetterTopic {
  readonly topic: pubsub.Topic;
  readonly subscription: pubsub.Subscription;
  readonly agentPublisher: pubsub.TopicIAMMember;
  readonly retention: string;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: GcpStreamArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:gcp:Stream', name, {}, opts);
    this.retention = subscriptionRetention(toSeconds(args.spec.retention));
    ({ topic: this.topic, subscription: this.subscription, agentPublisher: this.agentPublisher } = deadLetterTopic(name, {
      retentionSeconds: toSeconds(DEFAULTS.queue.deadLetterRetention), agentMember: args.agentMember, labels: args.labels,
    }, this));
    this.outputs = { deadLetterTopic: this.topic.id, deadLetterSubscription: this.subscription.id };
    this.registerOutputs(this.outputs);
  }
}
