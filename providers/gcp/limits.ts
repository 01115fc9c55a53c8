/**
 * GCP's own limits, as data with the doc each comes from, the settings derived from them (a push
 * subscription's ack deadline, retry policy and retention), and `validateForGcp`: the topology checked
 * against them, every problem at once in the same named-error form as `validateTopology`, field path
 * included. Portable limits stay in contracts/limits.ts. No Pulumi here.
 */
import {
  AttemptsOutOfRangeError, InvalidNameError, InvalidOptionError, TimeoutMismatchError, deliveryPlan, isDuration, minLeaseSeconds, toSeconds,
  type Channel, type DeliveryTarget, type Topology, type TopologyIssue,
} from '../../contracts';
import { PUBSUB_MAX_DELIVERY_ATTEMPTS, PUBSUB_MIN_DELIVERY_ATTEMPTS } from './filter';
import { publishOrderKeys } from './function-config';

/**
 * A push subscription's ack deadline, which is also the push request's timeout: 10–600 s. GCP's form of
 * the timeout-coupling rule (contracts/delivery.ts): it must outlast the function's timeout, or Pub/Sub
 * pushes the event again while the first delivery still runs.
 * @see https://cloud.google.com/pubsub/docs/push#ack_deadline
 */
export const ACK_DEADLINE_SECONDS = { min: 10, max: 600 } as const;
/** Added to the function's timeout: the push request also waits for a cold start before the function's clock starts. */
export const ACK_DEADLINE_MARGIN_SECONDS = 10;

/**
 * How long a subscription keeps unacknowledged messages: 10 minutes to 31 days (default 7 days).
 * @see https://cloud.google.com/pubsub/docs/subscription-properties#retention_duration
 */
export const SUBSCRIPTION_RETENTION_SECONDS = { min: 600, max: 2_678_400, default: 604_800 } as const;

/**
 * Cloud Functions (gen2) memory, MB.
 * @see https://cloud.google.com/functions/docs/configuring/memory
 */
export const FUNCTION_MEMORY_MB = { min: 128, max: 32_768 } as const;

/**
 * Most instances a gen2 function may scale to (Cloud Run's per-service limit without a quota increase).
 * @see https://cloud.google.com/run/docs/configuring/max-instances
 */
export const MAX_INSTANCE_COUNT = 1_000;

/**
 * Names Google reserves: Pub/Sub topic and subscription names may not start with `goog`, and bucket names
 * may not start with `goog` nor contain `google` (or a close misspelling).
 * @see https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names
 * @see https://cloud.google.com/storage/docs/buckets#naming
 */
export const RESERVED_NAMES = { pubsubPrefix: /^goog/i, bucket: /^goog|g[o0][o0]gle/i } as const;

/** The ack deadline a channel's push subscription gets: its lease (the function's timeout) plus the margin, in 10–600 s. */
export function ackDeadlineSeconds(channel: Pick<Channel, 'timeoutMs' | 'batch'>): number {
  return Math.min(ACK_DEADLINE_SECONDS.max, Math.max(ACK_DEADLINE_SECONDS.min, minLeaseSeconds(channel) + ACK_DEADLINE_MARGIN_SECONDS));
}

/** A duration as Pub/Sub and Cloud Scheduler write one: seconds with an `s`, e.g. `"600s"`, `"0.5s"`. */
export function protoDuration(seconds: number): string {
  return `${Number(seconds.toFixed(3))}s`;
}

/** A retention in Pub/Sub's range (the portable durations may be shorter or longer). */
export function subscriptionRetention(seconds: number): string {
  return protoDuration(Math.min(SUBSCRIPTION_RETENTION_SECONDS.max, Math.max(SUBSCRIPTION_RETENTION_SECONDS.min, seconds)));
}

/** Every way the topology exceeds what GCP takes; empty when it fits. */
export function validateForGcp(t: Topology, target: DeliveryTarget): TopologyIssue[] {
  const issues: TopologyIssue[] = [];
  const retention = (field: string, value: string) => {
    if (!isDuration(value)) return;
    const s = toSeconds(value);
    if (s < SUBSCRIPTION_RETENTION_SECONDS.min || s > SUBSCRIPTION_RETENTION_SECONDS.max) {
      issues.push(new InvalidOptionError(field, `${value} is outside Pub/Sub's 10 min–31 d subscription retention`));
    }
  };
  // Push subscription names start with the topology's name; topics, dead-letter topics and buckets with their own.
  if (RESERVED_NAMES.pubsubPrefix.test(t.name)) issues.push(new InvalidNameError('name', `"${t.name}" starts with "goog", which Pub/Sub reserves for its subscription names`));
  for (const [list, plural] of [[t.buses, 'buses'], [t.topics, 'topics'], [t.queues, 'queues'], [t.streams, 'streams'], [t.functions, 'functions']] as const) {
    for (const r of list) {
      if (RESERVED_NAMES.pubsubPrefix.test(r.name)) issues.push(new InvalidNameError(`${plural}[${r.name}].name`, `"${r.name}" starts with "goog", which Pub/Sub reserves for topic names`));
    }
  }
  for (const b of t.buckets) {
    if (RESERVED_NAMES.bucket.test(b.name)) issues.push(new InvalidNameError(`buckets[${b.name}].name`, `"${b.name}" starts with "goog" or contains "google", which Cloud Storage refuses in bucket names`));
  }
  for (const fn of t.functions) {
    const f = `functions[${fn.name}]`;
    if (fn.memory < FUNCTION_MEMORY_MB.min || fn.memory > FUNCTION_MEMORY_MB.max) {
      issues.push(new InvalidOptionError(`${f}.memory`, `${fn.memory} MB is outside Cloud Functions' ${FUNCTION_MEMORY_MB.min}–${FUNCTION_MEMORY_MB.max} MB`));
    }
    if (fn.concurrency !== undefined && fn.concurrency > MAX_INSTANCE_COUNT) {
      issues.push(new InvalidOptionError(`${f}.concurrency`, `${fn.concurrency} is over ${MAX_INSTANCE_COUNT}, the most instances a Cloud Run service scales to`));
    }
  }
  for (const q of t.queues) {
    retention(`queues[${q.name}].retention`, q.retention);
    retention(`queues[${q.name}].deadLetterRetention`, q.deadLetterRetention);
  }
  for (const s of t.streams) retention(`streams[${s.name}].retention`, s.retention);
  for (const c of deliveryPlan(t, target).channels) {
    const field = `subscriptions[${c.subscription}]`;
    const lease = minLeaseSeconds(c);
    if (lease > ACK_DEADLINE_SECONDS.max) {
      issues.push(new TimeoutMismatchError(`functions[${c.function}].timeout`, `${lease}s is over ${ACK_DEADLINE_SECONDS.max}s, the longest ack deadline a push subscription has (${field})`));
    }
    if (c.maxAttempts < PUBSUB_MIN_DELIVERY_ATTEMPTS || c.maxAttempts > PUBSUB_MAX_DELIVERY_ATTEMPTS) {
      issues.push(new AttemptsOutOfRangeError(`${field}.maxAttempts`, `${c.maxAttempts} is outside Pub/Sub's ${PUBSUB_MIN_DELIVERY_ATTEMPTS}–${PUBSUB_MAX_DELIVERY_ATTEMPTS} delivery attempts before dead-lettering`));
    }
  }
  // Ordered readers are subscriptions on the publisher's own topic: every message there carries one ordering key.
  const plan = deliveryPlan(t, target);
  for (const [kind, list, plural] of [['bus', t.buses, 'buses'], ['topic', t.topics, 'topics']] as const) {
    for (const r of list) {
      const keys = publishOrderKeys(plan, { kind, name: r.name });
      if (keys.length > 1) {
        issues.push(new InvalidOptionError(`${plural}[${r.name}]`, `ordered subscriptions read it by ${keys.join(' and ')}; a Pub/Sub message carries one ordering key, so its ordered queues and streams must share one key`));
      }
    }
  }
  return issues;
}
