/**
 * AWS's own limits, as data with the doc each comes from, and `validateForAws`: the topology checked
 * against them, every problem at once in the same named-error form as `validateTopology`, field path
 * included. Portable limits stay in contracts/limits.ts. No Pulumi here: the Lambda runtime reads it too.
 */
import {
  InvalidOptionError, TimeoutMismatchError, deliveryPlan, isDuration, toSeconds,
  type Channel, type QueueSpec, type Topology, type TopologyIssue,
} from '../../contracts';
import type { DeliveryTarget } from '../../contracts';

/**
 * Attempts of a direct (queue-less) subscription: the first invocation plus Lambda's at most 2
 * asynchronous retries. Use a queue for more.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 */
export const DIRECT_MAX_ATTEMPTS = 3;

/**
 * SQS → Lambda: the queue's visibility timeout must be at least 6× the function timeout (AWS's form of
 * the timeout-coupling rule in contracts/delivery.ts), and SQS takes at most 12 h.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

/**
 * Retention SQS accepts, and the most receives a redrive policy takes.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 */
export const SQS_LIMITS = { minRetentionSeconds: 60, maxRetentionSeconds: 1_209_600, maxReceiveCount: 1_000 } as const;

/**
 * Batch sizes an event source mapping accepts (SQS standard and Kinesis 10 000, SQS FIFO 10) and the
 * longest batching window.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
 */
export const MAX_BATCH_SIZE = 10_000;
export const MAX_FIFO_BATCH_SIZE = 10;
export const MAX_BATCH_WINDOW_SECONDS = 300;

/**
 * Lambda memory, MB.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
 */
export const LAMBDA_MEMORY_MB = { min: 128, max: 10_240 } as const;

/**
 * The batching window an SQS mapping uses: none on FIFO queues (SQS refuses one), and at least 1 s when
 * a batch may hold more than 10 messages (Lambda requires it).
 */
export function batchingWindowSeconds(spec: Pick<QueueSpec, 'orderBy' | 'batch'>): number {
  if (spec.orderBy) return 0;
  const window = toSeconds(spec.batch.window);
  return spec.batch.size > 10 ? Math.max(1, window) : window;
}

/** The visibility timeout a user set through `overrides.aws.visibilityTimeoutSeconds`, if any. */
export function visibilityOverride(spec: Pick<QueueSpec, 'overrides'>): number | undefined {
  const value = spec.overrides?.aws?.visibilityTimeoutSeconds;
  return typeof value === 'number' ? value : undefined;
}

/**
 * The visibility timeout a queue needs: 6× the longest timeout of the functions reading it, plus the
 * batching window the mapping really uses (30 s functions when nothing reads it yet).
 */
export function requiredVisibilitySeconds(t: Topology, target: DeliveryTarget, spec: QueueSpec): number {
  const readers = deliveryPlan(t, target).channels.filter((c) => c.source.kind === 'queue' && c.source.queue === spec.name);
  const timeoutMs = readers.length ? Math.max(...readers.map((c) => c.timeoutMs)) : 30_000;
  return VISIBILITY_TIMEOUT_FACTOR * Math.ceil(timeoutMs / 1000) + batchingWindowSeconds(spec);
}

/** The visibility timeout of a topic subscriber's own queue: 6× its one reader's timeout plus its window. */
export function ownQueueVisibilitySeconds(channel: Pick<Channel, 'timeoutMs' | 'batch'>): number {
  return VISIBILITY_TIMEOUT_FACTOR * Math.ceil(channel.timeoutMs / 1000) + channel.batch.windowSeconds;
}

/** The visibility timeout a declared queue gets: the override, else the required one. */
export function queueVisibilitySeconds(t: Topology, target: DeliveryTarget, spec: QueueSpec): number {
  return visibilityOverride(spec) ?? requiredVisibilitySeconds(t, target, spec);
}

/** Every way the topology exceeds what AWS takes; empty when it fits. */
export function validateForAws(t: Topology, target: DeliveryTarget): TopologyIssue[] {
  const issues: TopologyIssue[] = [];
  const batch = (field: string, size: number, window: string, max: number) => {
    if (size > max) issues.push(new InvalidOptionError(`${field}.batch.size`, `${size} is over ${max}, the most a Lambda event source mapping takes here`));
    if (isDuration(window) && toSeconds(window) > MAX_BATCH_WINDOW_SECONDS) {
      issues.push(new InvalidOptionError(`${field}.batch.window`, `${window} is over ${MAX_BATCH_WINDOW_SECONDS}s, Lambda's longest batching window`));
    }
  };
  for (const fn of t.functions) {
    if (fn.memory < LAMBDA_MEMORY_MB.min || fn.memory > LAMBDA_MEMORY_MB.max) {
      issues.push(new InvalidOptionError(`functions[${fn.name}].memory`, `${fn.memory} MB is outside Lambda's ${LAMBDA_MEMORY_MB.min}–${LAMBDA_MEMORY_MB.max} MB`));
    }
  }
  for (const s of t.streams) batch(`streams[${s.name}]`, s.batch.size, s.batch.window, MAX_BATCH_SIZE);
  for (const q of t.queues) {
    const f = `queues[${q.name}]`;
    batch(f, q.batch.size, q.batch.window, q.orderBy ? MAX_FIFO_BATCH_SIZE : MAX_BATCH_SIZE);
    if (q.orderBy && isDuration(q.batch.window) && toSeconds(q.batch.window) > 0) {
      issues.push(new InvalidOptionError(`${f}.batch.window`, 'an ordered queue is an SQS FIFO queue, which takes no batching window'));
    }
    for (const [option, value] of [['retention', q.retention], ['deadLetterRetention', q.deadLetterRetention]] as const) {
      if (!isDuration(value)) continue;
      const seconds = toSeconds(value);
      if (seconds < SQS_LIMITS.minRetentionSeconds || seconds > SQS_LIMITS.maxRetentionSeconds) {
        issues.push(new InvalidOptionError(`${f}.${option}`, `${value} is outside SQS's 60 s–14 d`));
      }
    }
    const override = visibilityOverride(q);
    const need = requiredVisibilitySeconds(t, target, q);
    if (override !== undefined && override < need) {
      issues.push(new TimeoutMismatchError(`${f}.overrides.aws.visibilityTimeoutSeconds`, `${override}s is under ${need}s = ${VISIBILITY_TIMEOUT_FACTOR}× the consumer's timeout + the batch window`));
    }
    if ((override ?? need) > MAX_VISIBILITY_TIMEOUT_SECONDS) {
      issues.push(new TimeoutMismatchError(`${f}.overrides.aws.visibilityTimeoutSeconds`, `${override ?? need}s is over SQS's ${MAX_VISIBILITY_TIMEOUT_SECONDS}s maximum`));
    }
  }
  return issues;
}
