/**
 * stream → an Event Hub in the stack's Event Hubs namespace (partitions from `overrides.azure.partitionCount`,
 * 4 by default; the publisher's partition key is the stream's key, so order holds per key), one consumer
 * group per function that reads it (each keeps its own checkpoints), and a Service Bus queue for what
 * its readers give up on. Event Hubs has no dead-letter queue and its Functions trigger checkpoints even
 * when the function fails, so the runtime retries in place and sends the event there with the reason
 * (a degraded capability: a failed event no longer blocks its key, and is not redelivered by the hub).
 * @see https://learn.microsoft.com/azure/azure-functions/functions-bindings-event-hubs-trigger#checkpointing
 */
import * as pulumi from '@pulumi/pulumi';
import * as eventhub from '@pulumi/azure-native/eventhub';
import * as servicebus from '@pulumi/azure-native/servicebus';
import { toSeconds, type DeliveryPlan, type StreamSpec } from '../../contracts';
import type { AzureFoundation } from './foundation';
import { EVENT_HUBS_LIMITS, isoSeconds, partitionCount, SERVICE_BUS_LIMITS } from './limits';
import { physicalName } from './names';

/** The functions reading a stream, in plan order: one consumer group each, named after the function. */
export function streamReaders(plan: DeliveryPlan, stream: string): string[] {
  return [...new Set(plan.channels.filter((c) => c.source.kind === 'stream' && c.source.stream === stream).map((c) => c.function))];
}

/** The name of a stream's failure queue. */
export function failureQueueName(stream: string): string {
  return physicalName('serviceBusEntity', `${stream}-failures`);
}

export interface AzureStreamArgs {
  readonly spec: StreamSpec;
  readonly plan: DeliveryPlan;
  readonly foundation: AzureFoundation;
}

/** `herald:azure:Stream`: an Event Hub, a consumer group per reader, and the readers' failure queue. */
export class AzureStream extends pulumi.ComponentResource {
  readonly hub: eventhub.EventHub;
  /** By function name. */
  readonly consumerGroups: Readonly<Record<string, eventhub.ConsumerGroup>>;
  readonly failureQueue: servicebus.Queue;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  /** Retention and partitions were checked by `validateForAzure` (limits.ts). */
  constructor(name: string, args: AzureStreamArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:azure:Stream', name, {}, opts);
    const { spec, foundation: f } = args;
    const { partitionCount: _partitions, ...overrides } = spec.overrides?.azure ?? {};
    const hours = Math.min(EVENT_HUBS_LIMITS.maxRetentionHours, Math.max(1, Math.ceil(toSeconds(spec.retention) / 3_600)));
    this.hub = new eventhub.EventHub(name, {
      resourceGroupName: f.resourceGroupName,
      namespaceName: f.eventHubs!.name,
      eventHubName: physicalName('eventHub', spec.name),
      partitionCount: partitionCount(spec),
      retentionDescription: { cleanupPolicy: 'Delete', retentionTimeInHours: hours },
      ...overrides,
    }, { parent: this });
    const groups: Record<string, eventhub.ConsumerGroup> = {};
    for (const fn of streamReaders(args.plan, spec.name)) {
      groups[fn] = new eventhub.ConsumerGroup(`${name}-${fn}`, {
        resourceGroupName: f.resourceGroupName,
        namespaceName: f.eventHubs!.name,
        eventHubName: this.hub.name,
        consumerGroupName: physicalName('consumerGroup', fn),
        userMetadata: `Herald: function ${fn} reads stream ${spec.name}`,
      }, { parent: this });
    }
    this.consumerGroups = groups;
    this.failureQueue = new servicebus.Queue(`${name}-failures`, {
      resourceGroupName: f.resourceGroupName,
      namespaceName: f.serviceBus!.name,
      queueName: failureQueueName(spec.name),
      // Kept for an operator to inspect and replay; nothing reads it automatically.
      defaultMessageTimeToLive: isoSeconds(SERVICE_BUS_LIMITS.deadLetterRetentionDays * 86_400),
      deadLetteringOnMessageExpiration: true,
      enableBatchedOperations: true,
    }, { parent: this });
    this.outputs = { name: this.hub.name, id: this.hub.id, failureQueue: this.failureQueue.name };
    this.registerOutputs(this.outputs);
  }
}
