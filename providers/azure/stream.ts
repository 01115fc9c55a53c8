/**
 * stream → an Event Hub in the stack's Event Hubs namespace (partitions from `overrides.azure.partitionCount`,
 * 4 by default; the publisher's partition key is the stream's key, so order holds per key), one consumer
 * group per function that reads it (each keeps its own checkpoints). Event Hubs has no dead-letter queue
 * and its Functions trigger checkpoints even when the function fails, so the runtime retries in place and
 * writes what it gives up on, with the reason, to the reading function's dead-letter container (a degraded
 * capability: a failed event no longer blocks its key, and the hub never redelivers it).
 * @see https://learn.microsoft.com/azure/azure-functions/functions-bindings-event-hubs-trigger#checkpointing
 */
import * as pulumi from '@pulumi/pulumi';
import * as eventhub from '@pulumi/azure-native/eventhub';
import { toSeconds, type DeliveryPlan, type StreamSpec } from '../../contracts';
import type { AzureFoundation } from './foundation';
import { EVENT_HUBS_LIMITS, partitionCount } from './limits';
import { physicalName } from './names';

/** The functions reading a stream, in plan order: one consumer group each, named after the function. */
export function streamReaders(plan: DeliveryPlan, stream: string): string[] {
  return [...new Set(plan.channels.filter((c) => c.source.kind === 'stream' && c.source.stream === stream).map((c) => c.function))];
}

export interface AzureStreamArgs {
  readonly spec: StreamSpec;
  readonly plan: DeliveryPlan;
  readonly foundation: AzureFoundation;
}

/** `herald:azure:Stream`: an Event Hub and a consumer group per reader. */
export class AzureStream extends pulumi.ComponentResource {
  readonly hub: eventhub.EventHub;
  /** By function name. */
  readonly consumerGroups: Readonly<Record<string, eventhub.ConsumerGroup>>;
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
    this.outputs = { name: this.hub.name, id: this.hub.id };
    this.registerOutputs(this.outputs);
  }
}
