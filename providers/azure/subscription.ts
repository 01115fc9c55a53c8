/**
 * subscription → the route from a source to a function:
 * - bus, direct: an Event Grid event subscription pushing CloudEvents to the function (`AzureFunction`
 *   destination `<app id>/functions/<name>`), created after the app so Event Grid can validate it;
 * - bus via a queue: an event subscription delivering to the Service Bus queue with the topic's identity
 *   (`deliveryWithResourceIdentity`), the message id set from the CloudEvent `id` (duplicate detection),
 *   or on an ordered queue the session id from the order key; Event Grid's identity gets Service Bus
 *   Data Sender on exactly that queue;
 * - bus via a stream: the same to the Event Hub, the partition key from the stream's key;
 * - every event subscription: delivery schema CloudEvents 1.0, `includedEventTypes` and advanced
 *   filters as the filter compiler made them, a retry policy of the channel's attempts and a day's TTL,
 *   and dead letters written to the bus's container with the topic's identity;
 * - topic: the subscriber's topic subscription (its own queue, or one auto-forwarding to the declared
 *   queue) gets its SQL rule as the `$Default` rule (`servicebus:DefaultRule`), which otherwise passes
 *   everything (1=1); the rule also routes the runtime's resent retries to their one subscription;
 * - stream: nothing here (the consumer group is the stream's).
 * Filters the broker cannot evaluate are reported with `pulumi.log.warn` and evaluated in the function.
 * @see https://learn.microsoft.com/azure/event-grid/handler-service-bus
 * @see https://learn.microsoft.com/azure/event-grid/delivery-properties
 * @see https://learn.microsoft.com/azure/service-bus-messaging/topic-filters
 */
import * as pulumi from '@pulumi/pulumi';
import type * as authorization from '@pulumi/azure-native/authorization';
import * as eventgrid from '@pulumi/azure-native/eventgrid';
import * as servicebus from '@pulumi/azure-native/servicebus';
import type { Channel } from '../../contracts';
import type { AzureBus } from './bus';
import type { EventGridFilter, ServiceBusRule } from './filter';
import type { AzureFoundation } from './foundation';
import type { AzureFunction } from './function';
import { EVENT_GRID_HANDLER_MS } from './host';
import { roleAssignment } from './iam';
import { EVENT_GRID_LIMITS } from './limits';
import { eventSubscriptionName, physicalName } from './names';
import { FUNCTION_NAMES } from './runtime/config';
import { subscriptionRuleSql } from './runtime/wire';

/** The Event Grid delivery attribute a queue or hub gets: the message id, the session id or the partition key. */
export interface DeliveryAttribute {
  readonly name: 'MessageId' | 'SessionId' | 'PartitionKey';
  /** A CloudEvent field (`id`, `subject`, `data.orderId`). */
  readonly sourceField: string;
}

/**
 * What a broker destination of a channel is told to set: on a plain queue, the message id from the
 * event id (duplicate detection); on an ordered queue, the session id from the order key (Event Grid
 * sets one of the two, not both); on a hub, the partition key from the stream's key.
 */
export function deliveryAttribute(destination: 'queue' | 'hub', orderKey: string | undefined): DeliveryAttribute {
  if (destination === 'hub') return { name: 'PartitionKey', sourceField: orderKey! };
  return orderKey ? { name: 'SessionId', sourceField: orderKey } : { name: 'MessageId', sourceField: 'id' };
}

/** The filter of an Event Grid subscription on the subject of a blob under `prefix` in `container`. */
export function blobSubjectPrefix(container: string, prefix: string): string {
  return `/blobServices/default/containers/${container}/blobs/${prefix}`;
}

/** Retry and dead-letter settings every Event Grid subscription Herald makes takes. */
export function eventGridDelivery(attempts: number, deadLetters: { storageId: pulumi.Input<string>; container: pulumi.Input<string> }) {
  return {
    eventDeliverySchema: 'CloudEventSchemaV1_0',
    retryPolicy: { maxDeliveryAttempts: Math.min(attempts, EVENT_GRID_LIMITS.maxDeliveryAttempts), eventTimeToLiveInMinutes: EVENT_GRID_LIMITS.maxEventTtlMinutes },
    // Written with the topic's own identity (no SAS or key): it holds Blob Data Contributor on this container only.
    deadLetterWithResourceIdentity: {
      identity: { type: 'SystemAssigned' },
      deadLetterDestination: { endpointType: 'StorageBlob' as const, resourceId: deadLetters.storageId, blobContainerName: deadLetters.container },
    },
  };
}

/** Where a bus subscription delivers. */
export type BusInto =
  | { readonly kind: 'function' }
  | { readonly kind: 'queue'; readonly id: pulumi.Input<string>; readonly name: string; readonly grantSender: boolean }
  | { readonly kind: 'hub'; readonly id: pulumi.Input<string>; readonly name: string; readonly grantSender: boolean };

export interface AzureSubscriptionArgs {
  /** The subscription's channel in the delivery plan. */
  readonly channel: Channel;
  readonly foundation: AzureFoundation;
  readonly fn: AzureFunction;
  readonly source:
    | { readonly kind: 'bus'; readonly bus: AzureBus; readonly into: BusInto }
    /** The topic subscription the rule goes on: the subscriber's own, or one made here forwarding to the declared queue. */
    | { readonly kind: 'topic'; readonly topicName: pulumi.Output<string>; readonly own?: servicebus.Subscription; readonly forwardTo?: pulumi.Input<string> }
    | { readonly kind: 'stream' };
}

/** `herald:azure:Subscription`: one route from a source to a function. */
export class AzureSubscription extends pulumi.ComponentResource {
  readonly eventSubscription?: eventgrid.TopicEventSubscription;
  /** Event Grid's right to send to the queue or hub (the first subscription of a bus into it makes it). */
  readonly senderRole?: authorization.RoleAssignment;
  readonly topicSubscription?: servicebus.Subscription;
  readonly rule?: servicebus.DefaultRule;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AzureSubscriptionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:azure:Subscription', name, {}, opts);
    const { channel, source, fn, foundation: f } = args;
    for (const d of channel.filter.diagnostics) {
      const log = d.severity === 'warning' ? pulumi.log.warn : pulumi.log.info;
      log(`subscription ${channel.subscription}: ${d.message}`, this);
    }
    const rg = f.resourceGroupName;
    if (source.kind === 'bus') {
      const bus = source.bus;
      const into = source.into;
      const common = {
        resourceGroupName: rg,
        topicName: bus.topic.name,
        eventSubscriptionName: eventSubscriptionName(channel.subscription),
        filter: channel.filter.native as EventGridFilter,
        ...eventGridDelivery(channel.maxAttempts, { storageId: f.storage.id, container: bus.deadLetters.container.name }),
      };
      const dependsOn: pulumi.Resource[] = [bus.deadLetters.grant];
      let delivery: Partial<eventgrid.TopicEventSubscriptionArgs>;
      if (into.kind === 'function') {
        if (channel.timeoutMs > EVENT_GRID_HANDLER_MS) {
          pulumi.log.warn(`subscription ${channel.subscription}: Event Grid waits ${EVENT_GRID_LIMITS.responseTimeoutSeconds}s for ${channel.function}, whose timeout is ${channel.timeoutMs / 1000}s; a pushed delivery's handler is cut at ${EVENT_GRID_HANDLER_MS / 1000}s: subscribe through a queue for longer work`, this);
        }
        // Event Grid validates a function destination when it is created: the app and its code first.
        dependsOn.push(fn.app, fn.package);
        delivery = {
          destination: {
            endpointType: 'AzureFunction',
            resourceId: pulumi.interpolate`${fn.app.id}/functions/${FUNCTION_NAMES.eventGrid}`,
            // One event per invocation: a batch is all-or-nothing on Event Grid.
            maxEventsPerBatch: 1,
          },
        };
      } else {
        if (into.grantSender) {
          this.senderRole = roleAssignment(`${name}-sender`, bus.principalId, {
            role: into.kind === 'queue' ? 'serviceBusDataSender' : 'eventHubsDataSender',
            scope: into.id,
            purpose: `Event Grid topic of bus ${channel.from.name} delivers to ${into.kind} ${into.name}`,
          }, this);
        }
        const attribute = deliveryAttribute(into.kind, channel.orderKey);
        const target = { resourceId: into.id, deliveryAttributeMappings: [{ name: attribute.name, type: 'Dynamic' as const, sourceField: attribute.sourceField }] };
        delivery = {
          deliveryWithResourceIdentity: {
            identity: { type: 'SystemAssigned' },
            destination: into.kind === 'queue' ? { endpointType: 'ServiceBusQueue', ...target } : { endpointType: 'EventHub', ...target },
          },
        };
        if (this.senderRole) dependsOn.push(this.senderRole);
      }
      this.eventSubscription = new eventgrid.TopicEventSubscription(name, { ...common, ...delivery } as eventgrid.TopicEventSubscriptionArgs, { parent: this, dependsOn });
    } else if (source.kind === 'topic') {
      let subscriptionName: pulumi.Input<string>;
      if (source.own) {
        subscriptionName = source.own.name;
      } else {
        // A subscription that forwards every matching message to the declared queue at once; the queue's own
        // delivery count, lock and dead-letter queue then apply.
        this.topicSubscription = new servicebus.Subscription(name, {
          resourceGroupName: rg,
          namespaceName: f.serviceBus!.name,
          topicName: source.topicName,
          subscriptionName: physicalName('serviceBusSubscription', channel.subscription),
          forwardTo: source.forwardTo!,
          deadLetteringOnFilterEvaluationExceptions: true,
          deadLetteringOnMessageExpiration: true,
        }, { parent: this });
        subscriptionName = this.topicSubscription.name;
      }
      this.rule = new servicebus.DefaultRule(`${name}-rule`, {
        resourceGroupName: rg,
        namespaceName: f.serviceBus!.name,
        topicName: source.topicName,
        subscriptionName,
        filterType: 'SqlFilter',
        // The compiled filter, and Herald's resend routing around it: a retry resent to the topic reaches only its subscription.
        sqlFilter: { sqlExpression: subscriptionRuleSql((channel.filter.native as ServiceBusRule).sqlExpression, channel.subscription) },
      }, { parent: this });
    }
    this.outputs = {
      ...(this.eventSubscription ? { eventSubscription: this.eventSubscription.id } : {}),
      ...(this.topicSubscription ? { topicSubscription: this.topicSubscription.name } : {}),
      ...(this.rule ? { rule: this.rule.id } : {}),
    };
    this.registerOutputs(this.outputs);
  }
}
