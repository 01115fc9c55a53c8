/**
 * queue → a Service Bus queue: `maxDeliveryCount` = maxAttempts (then the message moves to the built-in
 * dead-letter sub-queue), a lock as long as the reading function's timeout (≤ PT5M; the host renews it
 * up to `maxAutoLockRenewalDuration`), expired messages dead-lettered rather than dropped, and duplicate
 * detection on the message id, which the Event Grid subscription sets from the CloudEvent `id`. An
 * ordered queue is a session queue (the session id is the order key); Event Grid can set only one of
 * SessionId and MessageId, so an ordered queue dedupes in the function instead (reported as degraded).
 * @see https://learn.microsoft.com/azure/service-bus-messaging/service-bus-dead-letter-queues
 * @see https://learn.microsoft.com/azure/service-bus-messaging/message-sessions
 */
import * as pulumi from '@pulumi/pulumi';
import * as servicebus from '@pulumi/azure-native/servicebus';
import { toSeconds, type DeliveryTarget, type QueueSpec, type Topology } from '../../contracts';
import type { AzureFoundation } from './foundation';
import { isoSeconds } from './iso-duration';
import { queueLockDuration, SERVICE_BUS_LIMITS } from './limits';
import { physicalName } from './names';

/** What every Service Bus entity a function reads (a queue or a topic subscription) is given. */
export interface EntitySettings {
  readonly maxDeliveryCount: number;
  readonly lockDuration: string;
  readonly deadLetteringOnMessageExpiration: true;
  readonly defaultMessageTimeToLive: string;
  readonly requiresSession: boolean;
}

/** The settings of an entity read by a function, from the channel's attempts, lease and retention. */
export function entitySettings(s: { maxAttempts: number; lockDuration: string; retentionSeconds: number; ordered: boolean }): EntitySettings {
  return {
    maxDeliveryCount: Math.trunc(s.maxAttempts),
    lockDuration: s.lockDuration,
    // An event that outlives its retention is a dead letter, not silently dropped.
    deadLetteringOnMessageExpiration: true,
    defaultMessageTimeToLive: isoSeconds(s.retentionSeconds),
    requiresSession: s.ordered,
  };
}

export interface AzureQueueArgs {
  readonly spec: QueueSpec;
  readonly topology: Topology;
  readonly delivery: DeliveryTarget;
  readonly foundation: AzureFoundation;
}

/** `herald:azure:Queue`: a declared queue. */
export class AzureQueue extends pulumi.ComponentResource {
  readonly queue: servicebus.Queue;
  readonly ordered: boolean;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  /** The lock override was checked by `validateForAzure` (limits.ts). */
  constructor(name: string, args: AzureQueueArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:azure:Queue', name, {}, opts);
    const { spec, foundation: f } = args;
    this.ordered = spec.orderBy !== undefined;
    const { lockDuration: _override, ...overrides } = spec.overrides?.azure ?? {};
    this.queue = new servicebus.Queue(name, {
      resourceGroupName: f.resourceGroupName,
      namespaceName: f.serviceBus!.name,
      queueName: physicalName('serviceBusEntity', spec.name),
      ...entitySettings({
        maxAttempts: spec.maxAttempts,
        lockDuration: queueLockDuration(args.topology, args.delivery, spec),
        retentionSeconds: toSeconds(spec.retention),
        ordered: this.ordered,
      }),
      // The message id is the event id (set by Event Grid or the publisher): a resend within the window is dropped.
      requiresDuplicateDetection: !this.ordered,
      ...(this.ordered ? {} : { duplicateDetectionHistoryTimeWindow: SERVICE_BUS_LIMITS.duplicateDetectionWindow }),
      enableBatchedOperations: true,
      ...overrides,
    }, { parent: this });
    this.outputs = { name: this.queue.name, id: this.queue.id };
    this.registerOutputs(this.outputs);
  }
}
