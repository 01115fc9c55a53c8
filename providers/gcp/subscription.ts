/**
 * subscription → one explicit Pub/Sub push subscription per channel of the delivery plan, on the topic
 * its events are published to (the bus's or the topic's), pushing to the function's Cloud Run URL:
 * - authenticated: an OIDC token minted as the function's push service account, which holds
 *   `roles/run.invoker` on that function's service only (function.ts); the audience is the URL;
 * - the channel's filter, compiled by GCP_DELIVERY to Pub/Sub's filter syntax (a changed filter is a new
 *   subscription: its name ends with the filter's hash, and the old backlog is not carried over);
 * - a dead-letter policy: the owner's dead-letter topic (queue, stream, topic subscriber or function)
 *   after the channel's attempts (5–100), and the Pub/Sub service agent's `roles/pubsub.subscriber` on
 *   this subscription so it can acknowledge what it forwards there;
 * - exponential backoff from the channel's backoff; an ack deadline (= the push timeout) that outlasts
 *   the function's timeout; never expiring; ordering for ordered channels.
 * Never a Cloud Functions `eventTrigger`: the subscription Eventarc makes can have no filter, dead-letter
 * topic or ordering.
 * @see https://cloud.google.com/pubsub/docs/push
 * @see https://cloud.google.com/pubsub/docs/handling-failures
 */
import * as pulumi from '@pulumi/pulumi';
import * as pubsub from '@pulumi/gcp/pubsub';
import type { Backoff, Channel } from '../../contracts';
import { ROLES, subscriptionMember } from './iam';
import type { Labels } from './labels';
import { pubsubFilterOf, pubsubRetryPolicy } from './filter';
import { ackDeadlineSeconds } from './limits';
import { pushSubscriptionName } from './names';

/** A channel's push subscription name: its subscription's, plus the hash of its filter. */
export function pushSubscriptionNameOf(prefix: string, channel: Pick<Channel, 'subscription' | 'filter'>): string {
  return pushSubscriptionName(prefix, channel.subscription, pubsubFilterOf(channel));
}

/** Where a push subscription delivers. */
export interface PushEndpoint {
  /** The function's Cloud Run URL: the push endpoint and the token's audience. */
  readonly url: pulumi.Input<string>;
  /** The service account whose OIDC token authenticates each push. */
  readonly serviceAccountEmail: pulumi.Input<string>;
}

export interface PushSettings {
  /** The physical name (carries the filter's hash). */
  readonly name: string;
  /** The source topic's id, `projects/<p>/topics/<t>`. */
  readonly topic: pulumi.Input<string>;
  readonly filter: string;
  readonly endpoint: PushEndpoint;
  readonly ackDeadlineSeconds: number;
  readonly deadLetterTopic: pulumi.Input<string>;
  readonly maxDeliveryAttempts: number;
  readonly backoff: Backoff;
  /** How long undelivered events are kept. */
  readonly retention: string;
  readonly ordered: boolean;
  readonly agentMember: pulumi.Input<string>;
  readonly labels: Labels;
}

/** A push subscription and the service agent's grant on it, under `parent`. */
export function pushSubscription(name: string, s: PushSettings, parent: pulumi.Resource): { subscription: pubsub.Subscription; agentSubscriber: pubsub.SubscriptionIAMMember } {
  const subscription = new pubsub.Subscription(name, {
    name: s.name,
    topic: s.topic,
    ...(s.filter ? { filter: s.filter } : {}),
    ackDeadlineSeconds: s.ackDeadlineSeconds,
    pushConfig: {
      pushEndpoint: s.endpoint.url,
      oidcToken: { serviceAccountEmail: s.endpoint.serviceAccountEmail, audience: s.endpoint.url },
    },
    deadLetterPolicy: { deadLetterTopic: s.deadLetterTopic, maxDeliveryAttempts: s.maxDeliveryAttempts },
    retryPolicy: pubsubRetryPolicy(s.backoff),
    // Without it, a subscription idle for 31 days is deleted, and with it every event that arrives later.
    expirationPolicy: { ttl: '' },
    messageRetentionDuration: s.retention,
    ...(s.ordered ? { enableMessageOrdering: true } : {}),
    labels: s.labels,
  }, { parent });
  const agentSubscriber = subscriptionMember(`${name}-agent-subscriber`, subscription.id, ROLES.subscriber, s.agentMember, parent);
  return { subscription, agentSubscriber };
}

export interface GcpSubscriptionArgs {
  readonly channel: Channel;
  readonly prefix: string;
  readonly topic: pulumi.Input<string>;
  readonly endpoint: PushEndpoint;
  readonly deadLetterTopic: pulumi.Input<string>;
  readonly retention: string;
  readonly agentMember: pulumi.Input<string>;
  readonly labels: Labels;
}

/** `herald:gcp:Subscription`: one channel's push subscription. */
export class GcpSubscription extends pulumi.ComponentResource {
  readonly subscription: pubsub.Subscription;
  readonly agentSubscriber: pubsub.SubscriptionIAMMember;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: GcpSubscriptionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:gcp:Subscription', name, {}, opts);
    const { channel } = args;
    for (const d of channel.filter.diagnostics) {
      const log = d.severity === 'warning' ? pulumi.log.warn : pulumi.log.info;
      log(`subscription ${channel.subscription}: ${d.message}`, this);
    }
    const filter = pubsubFilterOf(channel);
    if (filter) {
      pulumi.log.info(`subscription ${channel.subscription}: Pub/Sub cannot change a filter, so a changed filter deploys a new subscription (its name ends with the filter's hash) and the old one's backlog is not carried over`, this);
    }
    ({ subscription: this.subscription, agentSubscriber: this.agentSubscriber } = pushSubscription(name, {
      name: pushSubscriptionNameOf(args.prefix, channel),
      topic: args.topic,
      filter,
      endpoint: args.endpoint,
      ackDeadlineSeconds: ackDeadlineSeconds(channel),
      deadLetterTopic: args.deadLetterTopic,
      maxDeliveryAttempts: channel.maxAttempts,
      backoff: channel.backoff,
      retention: args.retention,
      ordered: channel.orderKey !== undefined,
      agentMember: args.agentMember,
      labels: args.labels,
    }, this));
    this.outputs = { name: this.subscription.name, id: this.subscription.id, filter: pulumi.output(filter) };
    this.registerOutputs(this.outputs);
  }
}
