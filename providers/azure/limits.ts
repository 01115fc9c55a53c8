/**
 * Azure's own limits, as data with the doc each comes from, the settings derived from them (a queue's
 * lock duration, a function's Flex memory size), and `validateForAzure`: the topology checked against
 * them, every problem at once in the same named-error form as `validateTopology`, field path included.
 * Portable limits stay in contracts/limits.ts. No Pulumi here.
 */
import {
  InvalidOptionError, TimeoutMismatchError, deliveryPlan, isDuration, toSeconds,
  type Channel, type DeliveryTarget, type QueueSpec, type Topology, type TopologyIssue,
} from '../../contracts';
import { lockDuration, MAX_LOCK_SECONDS } from './host';
import { isoSeconds, isoToSeconds } from './iso-duration';

/**
 * Service Bus: a lock lasts at most 5 minutes (the Functions host renews it up to
 * `maxAutoLockRenewalDuration`, written into host.json from the function timeout: Azure's form of the
 * timeout-coupling rule); duplicate detection looks back 20 s to 7 days; dead letters are kept until
 * read (no time-to-live applies in the dead-letter sub-queue), 14 days being Herald's contract.
 * @see https://learn.microsoft.com/azure/service-bus-messaging/service-bus-quotas
 * @see https://learn.microsoft.com/azure/service-bus-messaging/message-transfers-locks-settlement#peeklock
 * @see https://learn.microsoft.com/azure/service-bus-messaging/duplicate-detection
 */
export const SERVICE_BUS_LIMITS = {
  maxLockSeconds: MAX_LOCK_SECONDS,
  minLockSeconds: 5,
  duplicateDetectionWindow: 'PT10M',
  maxSubscriptionsPerTopic: 2_000,
  deadLetterRetentionDays: 14,
} as const;

/**
 * Event Grid: 1–30 delivery attempts, an event kept at most 1440 minutes, and a push endpoint must
 * answer within 30 s or the delivery counts as failed (and is retried: a duplicate).
 * @see https://learn.microsoft.com/azure/event-grid/delivery-and-retry
 */
export const EVENT_GRID_LIMITS = { maxDeliveryAttempts: 30, maxEventTtlMinutes: 1_440, responseTimeoutSeconds: 30 } as const;

/**
 * Event Hubs Standard: 1–32 partitions, retention 1–168 hours, 20 consumer groups per hub.
 * @see https://learn.microsoft.com/azure/event-hubs/event-hubs-quotas
 */
export const EVENT_HUBS_LIMITS = { minPartitions: 1, maxPartitions: 32, defaultPartitions: 4, maxRetentionHours: 168, maxConsumerGroups: 20 } as const;

/**
 * Flex Consumption: instance memory is one of three sizes; the maximum instance count is 40–1000
 * (100 by default); an HTTP request is cut at 230 s by the front end whatever the function timeout.
 * @see https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#instance-memory
 * @see https://learn.microsoft.com/azure/azure-functions/flex-consumption-how-to#set-instance-memory
 * @see https://learn.microsoft.com/azure/azure-functions/functions-scale#timeout
 */
export const FLEX_LIMITS = {
  instanceMemoryMb: [512, 2_048, 4_096] as readonly number[],
  minMaximumInstances: 40,
  maxMaximumInstances: 1_000,
  defaultMaximumInstances: 100,
  httpTimeoutSeconds: 230,
} as const;

/**
 * Service Bus has no metric for the age of the oldest message, only counts: a queue's default age alarm
 * watches its backlog (`ActiveMessages`) over this many events instead.
 * @see https://learn.microsoft.com/azure/service-bus-messaging/monitor-service-bus-reference#supported-metrics
 */
export const ALARM_SUBSTITUTE_DEPTH = { metric: 'depth', threshold: 1_000 } as const;

/** The smallest Flex instance size that holds `memory` MB, or undefined when none does. */
export function flexMemoryMb(memory: number): number | undefined {
  return FLEX_LIMITS.instanceMemoryMb.find((size) => size >= memory);
}

/** A Flex app's maximum instance count for a function's concurrency (Flex takes no fewer than 40). */
export function flexMaximumInstances(concurrency: number | undefined): number {
  if (concurrency === undefined) return FLEX_LIMITS.defaultMaximumInstances;
  return Math.min(FLEX_LIMITS.maxMaximumInstances, Math.max(FLEX_LIMITS.minMaximumInstances, concurrency));
}

/** The lock duration a user set through `overrides.azure.lockDuration`, if any. */
export function lockOverride(spec: Pick<QueueSpec, 'overrides'>): string | undefined {
  const value = spec.overrides?.azure?.lockDuration;
  return typeof value === 'string' ? value : undefined;
}

/** Channels reading a queue (declared or a topic subscriber's own). */
export function readersOf(t: Topology, target: DeliveryTarget, queue: string): Channel[] {
  return deliveryPlan(t, target).channels.filter((c) => c.source.kind === 'queue' && c.source.queue === queue);
}

/**
 * The lock a declared queue needs (ISO 8601): its readers' longest timeout plus the time to settle, at
 * most Service Bus's 5 minutes (the host renews the lock for the whole invocation, see host.ts), for
 * 30 s functions when nothing reads it yet.
 */
export function requiredLock(t: Topology, target: DeliveryTarget, spec: Pick<QueueSpec, 'name'>): string {
  const readers = readersOf(t, target, spec.name);
  return lockDuration(readers.length ? readers.map((c) => c.timeoutMs) : [30_000]);
}

/** The lock duration a declared queue gets: the override, else the required one. */
export function queueLockDuration(t: Topology, target: DeliveryTarget, spec: QueueSpec): string {
  return lockOverride(spec) ?? requiredLock(t, target, spec);
}

/** Event Hubs partitions of a stream: `overrides.azure.partitionCount`, else 4. */
export function partitionCount(spec: { readonly overrides?: QueueSpec['overrides'] }): number {
  const value = spec.overrides?.azure?.partitionCount;
  return typeof value === 'number' ? value : EVENT_HUBS_LIMITS.defaultPartitions;
}

/** Every way the topology exceeds what Azure takes; empty when it fits. */
export function validateForAzure(t: Topology, target: DeliveryTarget): TopologyIssue[] {
  const issues: TopologyIssue[] = [];
  for (const fn of t.functions) {
    if (flexMemoryMb(fn.memory) === undefined) {
      issues.push(new InvalidOptionError(`functions[${fn.name}].memory`, `${fn.memory} MB is over ${Math.max(...FLEX_LIMITS.instanceMemoryMb)} MB, the largest Flex Consumption instance`));
    }
    if (fn.concurrency !== undefined && fn.concurrency > FLEX_LIMITS.maxMaximumInstances) {
      issues.push(new InvalidOptionError(`functions[${fn.name}].concurrency`, `${fn.concurrency} is over ${FLEX_LIMITS.maxMaximumInstances}, the most instances a Flex Consumption app scales to`));
    }
  }
  for (const c of deliveryPlan(t, target).channels) {
    if (c.source.kind === 'direct' && c.maxAttempts > EVENT_GRID_LIMITS.maxDeliveryAttempts) {
      issues.push(new InvalidOptionError(`subscriptions[${c.subscription}]`, `${c.maxAttempts} attempts is over Event Grid's ${EVENT_GRID_LIMITS.maxDeliveryAttempts}`));
    }
  }
  for (const q of t.queues) {
    const f = `queues[${q.name}]`;
    const override = lockOverride(q);
    if (override === undefined) continue;
    const seconds = isoToSeconds(override);
    const need = isoToSeconds(requiredLock(t, target, q));
    if (Number.isNaN(seconds)) {
      issues.push(new InvalidOptionError(`${f}.overrides.azure.lockDuration`, `"${override}" is not an ISO 8601 duration such as PT1M`));
    } else if (seconds > SERVICE_BUS_LIMITS.maxLockSeconds || seconds < SERVICE_BUS_LIMITS.minLockSeconds) {
      issues.push(new TimeoutMismatchError(`${f}.overrides.azure.lockDuration`, `${override} is outside Service Bus's PT5S–PT5M`));
    } else if (seconds < need) {
      issues.push(new TimeoutMismatchError(`${f}.overrides.azure.lockDuration`, `${override} is under ${isoSeconds(need)}, the reading function's timeout plus settling (at most PT5M; the host renews the lock beyond it)`));
    }
  }
  for (const s of t.streams) {
    const f = `streams[${s.name}]`;
    if (isDuration(s.retention) && toSeconds(s.retention) > EVENT_HUBS_LIMITS.maxRetentionHours * 3_600) {
      issues.push(new InvalidOptionError(`${f}.retention`, `${s.retention} is over Event Hubs Standard's ${EVENT_HUBS_LIMITS.maxRetentionHours / 24} days`));
    }
    const partitions = partitionCount(s);
    if (!Number.isInteger(partitions) || partitions < EVENT_HUBS_LIMITS.minPartitions || partitions > EVENT_HUBS_LIMITS.maxPartitions) {
      issues.push(new InvalidOptionError(`${f}.overrides.azure.partitionCount`, `${partitions} is outside Event Hubs Standard's ${EVENT_HUBS_LIMITS.minPartitions}–${EVENT_HUBS_LIMITS.maxPartitions} partitions`));
    }
    const readers = new Set(deliveryPlan(t, target).channels.filter((c) => c.source.kind === 'stream' && c.source.stream === s.name).map((c) => c.function));
    if (readers.size > EVENT_HUBS_LIMITS.maxConsumerGroups) {
      issues.push(new InvalidOptionError(f, `${readers.size} functions read it; an Event Hub takes at most ${EVENT_HUBS_LIMITS.maxConsumerGroups} consumer groups`));
    }
  }
  for (const topic of t.topics) {
    const subscribers = deliveryPlan(t, target).channels.filter((c) => c.from.kind === 'topic' && c.from.name === topic.name).length;
    if (subscribers > SERVICE_BUS_LIMITS.maxSubscriptionsPerTopic) {
      issues.push(new InvalidOptionError(`topics[${topic.name}]`, `${subscribers} subscriptions; a Service Bus topic takes at most ${SERVICE_BUS_LIMITS.maxSubscriptionsPerTopic}`));
    }
  }
  return issues;
}
