/**
 * topic → a Service Bus topic (duplicate detection on the message id, which publishers set to the event
 * id) and, for each subscriber that names no queue of its own, a topic subscription that is that
 * subscriber's queue: its own `maxDeliveryCount`, lock, expiry dead-lettering and dead-letter sub-queue.
 * Its filter rule (replacing `$Default`) is the subscription's (subscription.ts). The topic's default
 * alarms watch dead letters and backlog across its subscriptions (Service Bus metrics split by queue or
 * topic, not by subscription).
 * @see https://learn.microsoft.com/azure/service-bus-messaging/service-bus-queues-topics-subscriptions#topics-and-subscriptions
 */
import * as pulumi from '@pulumi/pulumi';
import type * as monitor from '@pulumi/azure-native/monitor';
import * as servicebus from '@pulumi/azure-native/servicebus';
import { DEFAULTS, toSeconds, type Channel, type DeliveryPlan, type TopicSpec } from '../../contracts';
import { activeMessagesCondition, deadLetteredCondition, metricAlert } from './alarm';
import type { AzureFoundation } from './foundation';
import { lockDuration } from './host';
import { isoSeconds } from './iso-duration';
import { ALARM_SUBSTITUTE_DEPTH, SERVICE_BUS_LIMITS } from './limits';
import { physicalName } from './names';
import { entitySettings } from './queue';
import type { Tags } from './tags';

export interface AzureTopicArgs {
  readonly spec: TopicSpec;
  readonly plan: DeliveryPlan;
  readonly foundation: AzureFoundation;
  readonly tags: Tags;
}

/** Channels from this topic that read through a queue of their own (no `via`): a topic subscription each. */
export function ownQueueChannels(plan: DeliveryPlan, topic: string): Channel[] {
  return plan.channels.filter((c) => c.from.kind === 'topic' && c.from.name === topic && c.source.kind === 'queue' && c.source.own);
}

/** The settings of a subscriber's own topic subscription, from its channel (the queue defaults, its reader's timeout). */
export function ownSubscriptionSettings(c: Channel) {
  return entitySettings({
    maxAttempts: c.maxAttempts,
    lockDuration: lockDuration([c.timeoutMs]),
    retentionSeconds: toSeconds(DEFAULTS.queue.retention),
    ordered: false,
  });
}

/** `herald:azure:Topic`: a Service Bus topic and the subscriptions of its queue-less subscribers. */
export class AzureTopic extends pulumi.ComponentResource {
  readonly topic: servicebus.Topic;
  /** By Herald subscription name. */
  readonly subscriptions: Readonly<Record<string, servicebus.Subscription>>;
  readonly alerts: readonly monitor.MetricAlert[];
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AzureTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:azure:Topic', name, {}, opts);
    const f = args.foundation;
    const namespace = f.serviceBus!;
    this.topic = new servicebus.Topic(name, {
      resourceGroupName: f.resourceGroupName,
      namespaceName: namespace.name,
      topicName: physicalName('serviceBusEntity', args.spec.name),
      requiresDuplicateDetection: true,
      duplicateDetectionHistoryTimeWindow: SERVICE_BUS_LIMITS.duplicateDetectionWindow,
      defaultMessageTimeToLive: isoSeconds(toSeconds(DEFAULTS.queue.retention)),
      enableBatchedOperations: true,
      ...args.spec.overrides?.azure,
    }, { parent: this });
    const subscriptions: Record<string, servicebus.Subscription> = {};
    const own = ownQueueChannels(args.plan, args.spec.name);
    for (const c of own) {
      subscriptions[c.subscription] = new servicebus.Subscription(`${name}-${c.subscription}`, {
        resourceGroupName: f.resourceGroupName,
        namespaceName: namespace.name,
        topicName: this.topic.name,
        subscriptionName: physicalName('serviceBusSubscription', c.subscription),
        ...ownSubscriptionSettings(c),
        // A rule that cannot be evaluated on a message dead-letters it instead of losing it.
        deadLetteringOnFilterEvaluationExceptions: true,
        enableBatchedOperations: true,
      }, { parent: this });
    }
    this.subscriptions = subscriptions;
    // The production defaults a declared queue gets from realize(), for the subscribers' own queues.
    const tags = args.tags;
    this.alerts = own.length ? [
      metricAlert(`${name}-dead-letters`, deadLetteredCondition(namespace.id, this.topic.name), f, tags, this),
      metricAlert(`${name}-depth`, activeMessagesCondition(namespace.id, this.topic.name, ALARM_SUBSTITUTE_DEPTH.threshold), f, tags, this),
    ] : [];
    this.outputs = { name: this.topic.name, id: this.topic.id };
    this.registerOutputs(this.outputs);
  }
}
