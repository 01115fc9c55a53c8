/**
 * Stand-ins for what only a deployed stack has, for `herald invoke --cloud gcp`: full resource names made
 * from the logical names in a placeholder project, so a function's config, the sample requests and the
 * recorded client calls all name the same resources. Nothing here reaches Google Cloud.
 */
import type { Channel, DeliveryPlan, Ref, Topology } from '../../contracts';
import type { GcpFunctionResources, GcpIngressResources } from './function-config';

/** The placeholder project. */
export const OFFLINE_PROJECT = 'herald-offline';

export const offlineTopic = (name: string) => `projects/${OFFLINE_PROJECT}/topics/${name}`;
export const offlineSubscription = (name: string) => `projects/${OFFLINE_PROJECT}/subscriptions/${name}`;

/** A channel's push subscription (named after the plan's subscription) and its dead-letter topic, offline. */
export function offlineChannel(channel: Pick<Channel, 'subscription'>): { readonly subscription: string; readonly deadLetterTopic: string } {
  return { subscription: offlineSubscription(channel.subscription), deadLetterTopic: offlineTopic(`${channel.subscription}-dead-letter`) };
}

/** The topic of a bus or topic, offline. */
export function offlinePublishTopic(to: Ref<'bus' | 'topic'>): string {
  return offlineTopic(to.name);
}

/** The claim-check bucket, offline. */
export const offlineClaimCheckBucket = (t: Topology) => `${t.name}-claim-check`;

/** The resources of a user function's config, offline (the deploy side passes Pulumi's instead). */
export function offlineResources(t: Topology, plan: DeliveryPlan, fn: string): GcpFunctionResources {
  const spec = t.functions.find((f) => f.name === fn)!;
  return {
    project: OFFLINE_PROJECT,
    channels: Object.fromEntries(plan.channelsOf(fn).map((c) => [c.subscription, offlineChannel(c)])),
    ...(spec.publishes ? { publishTopic: offlinePublishTopic(spec.publishes.to) } : {}),
    idempotency: { database: '(default)', collection: `${t.name}-idempotency` },
    claimCheckBucket: offlineClaimCheckBucket(t),
  };
}

/** The resources every ingress config is written with, offline. */
export function offlineIngressResources(t: Topology, to: Ref<'bus' | 'topic'>): GcpIngressResources {
  return { project: OFFLINE_PROJECT, publishTopic: offlinePublishTopic(to), claimCheckBucket: offlineClaimCheckBucket(t) };
}

/** An upload trigger's notification subscription and its dead-letter topic, offline. */
export function offlineUploadSubscription(bucket: string): { readonly subscription: string; readonly deadLetterTopic: string } {
  return offlineChannel({ subscription: `${bucket}-uploads` });
}

/** A change trigger's dead-letter topic, offline. */
export const offlineChangeDeadLetterTopic = (table: string) => offlineTopic(`${table}-changes-dead-letter`);
