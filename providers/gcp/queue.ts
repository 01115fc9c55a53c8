/**
 * queue → on Pub/Sub a subscription is the durable queue: what a declared queue adds is its retries and
 * dead letters. So a queue is realized as its dead-letter topic, a pull subscription on it that keeps the
 * dead letters (a dead-letter topic without a subscription drops them), and the Pub/Sub service agent's
 * `roles/pubsub.publisher` on that topic (it forwards a message there after `maxDeliveryAttempts`). Each
 * subscription through the queue is a push subscription on its source with the queue's attempts,
 * retention, ordering and this dead-letter topic (subscription.ts); nothing publishes to a queue itself.
 * @see https://cloud.google.com/pubsub/docs/handling-failures#dead_letter_topic
 */
import * as pulumi from '@pulumi/pulumi';
import * as pubsub from '@pulumi/gcp/pubsub';
import { toSeconds, type QueueSpec } from '../../contracts';
import { ROLES, topicMember } from './iam';
import type { Labels } from './labels';
import { subscriptionRetention } from './limits';
import { resourceName } from './names';

/** A dead-letter topic, the pull subscription that keeps its messages, and the service agent's grant to publish to it. */
export interface DeadLetterTopic {
  readonly topic: pubsub.Topic;
  readonly subscription: pubsub.Subscription;
  readonly agentPublisher: pubsub.TopicIAMMember;
}

export interface DeadLetterSettings {
  /** How long dead letters are kept (Pub/Sub keeps at most 31 days). */
  readonly retentionSeconds: number;
  /** The Pub/Sub service agent's IAM member. */
  readonly agentMember: pulumi.Input<string>;
  readonly labels: Labels;
}

/** Acknowledging a dead letter while inspecting or republishing it. */
export const DEAD_LETTER_ACK_DEADLINE_SECONDS = 60;

/** Creates `<name>-dlq` (topic), `<name>-dead-letters` (its pull subscription) and the agent's grant under `parent`. */
export function deadLetterTopic(name: string, s: DeadLetterSettings, parent: pulumi.Resource): DeadLetterTopic {
  const topic = new pubsub.Topic(resourceName('pubsubTopic', `${name}-dlq`), { labels: s.labels }, { parent });
  const subscription = new pubsub.Subscription(resourceName('pubsubSubscription', `${name}-dead-letters`), {
    topic: topic.id,
    messageRetentionDuration: subscriptionRetention(s.retentionSeconds),
    ackDeadlineSeconds: DEAD_LETTER_ACK_DEADLINE_SECONDS,
    // Never deleted for being idle: dead letters may sit unread for weeks.
    expirationPolicy: { ttl: '' },
    labels: s.labels,
  }, { parent });
  const agentPublisher = topicMember(`${name}-dlq-agent-publisher`, topic.id, ROLES.publisher, s.agentMember, parent);
  return { topic, subscription, agentPublisher };
}

export interface GcpQueueArgs {
  readonly spec: QueueSpec;
  readonly agentMember: pulumi.Input<string>;
  readonly labels: Labels;
}

/** `herald:gcp:Queue`: a declared queue's dead letters. */
export class GcpQueue extends pulumi.ComponentResource implements DeadLetterTopic {
  readonly topic: pubsub.Topic;
  readonly subscription: pubsub.Subscription;
  readonly agentPublisher: pubsub.TopicIAMMember;
  /** What the push subscriptions through it keep undelivered events for (retention was checked by `validateForGcp`). */
  readonly retention: string;
  readonly ordered: boolean;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: GcpQueueArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:gcp:Queue', name, {}, opts);
    const { spec } = args;
    this.retention = subscriptionRetention(toSeconds(spec.retention));
    this.ordered = spec.orderBy !== undefined;
    ({ topic: this.topic, subscription: this.subscription, agentPublisher: this.agentPublisher } = deadLetterTopic(name, {
      retentionSeconds: Math.max(toSeconds(spec.deadLetterRetention), toSeconds(spec.retention)), agentMember: args.agentMember, labels: args.labels,
    }, this));
    this.outputs = { deadLetterTopic: this.topic.id, deadLetterSubscription: this.subscription.id };
    this.registerOutputs(this.outputs);
  }
}
