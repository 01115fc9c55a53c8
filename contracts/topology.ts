/**
 * The topology: a plain, readonly declaration of a system, built by a small builder. References between
 * resources are names and event wire types (strings), so `validateTopology` and tests read it synchronously
 * and a hand-written topology can be checked the same way. Every option has a production default.
 */
import type { Duration } from './duration';
import type { EventDefinition } from './events';
import type { Filter } from './filter';

export const RESOURCE_KINDS = ['bus', 'queue', 'topic', 'stream', 'fn', 'schedule', 'webhook', 'bucket', 'table', 'alarm'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** A reference to a declared resource. */
export interface Ref<K extends ResourceKind = ResourceKind> {
  readonly kind: K;
  readonly name: string;
}

/** Per-cloud escape hatch: values passed through to that cloud's resources as they are. */
export interface Overrides {
  readonly aws?: Readonly<Record<string, unknown>>;
  readonly azure?: Readonly<Record<string, unknown>>;
  readonly gcp?: Readonly<Record<string, unknown>>;
}

/** An event bus: routes published events to subscriptions by filter. */
export interface BusSpec extends Ref<'bus'> {
  readonly overrides?: Overrides;
}

/** A durable queue between a source and one function: retries, then a dead-letter queue. */
export interface QueueSpec extends Ref<'queue'> {
  /** Deliveries before an event is dead-lettered, 5–30. @default 10 */
  readonly maxAttempts: number;
  /** How long an undelivered event is kept. @default '4d' */
  readonly retention: Duration;
  /** Dead-letter retention; never shorter than `retention`. @default '14d' */
  readonly deadLetterRetention: Duration;
  /** Deliver in order per key (an envelope attribute or `data.<path>`). @default undefined (unordered) */
  readonly orderBy?: string;
  /** Events per invocation and how long to wait to fill a batch. @default { size: 10, window: '0s' } */
  readonly batch: { readonly size: number; readonly window: Duration };
  /** Alarm when the oldest event is older than this. `false` turns it off. @default '5m' */
  readonly alarmOnAge: Duration | false;
  readonly overrides?: Overrides;
}

/** A fan-out topic: every subscriber gets its own copy through its own queue. */
export interface TopicSpec extends Ref<'topic'> {
  readonly overrides?: Overrides;
}

/** An ordered stream: events with the same key are delivered one at a time, in order. */
export interface StreamSpec extends Ref<'stream'> {
  /** The ordering key: an envelope attribute (`subject`) or `data.<path>`. */
  readonly key: string;
  /** @default '24h' */
  readonly retention: Duration;
  /** Attempts per event before it goes to the failure destination, 5–30. @default 10 */
  readonly maxAttempts: number;
  /** Events older than this go to the failure destination instead of blocking their key. @default '1h' */
  readonly maxEventAge: Duration;
  /** @default { size: 100, window: '0s' } */
  readonly batch: { readonly size: number; readonly window: Duration };
  /** Alarm when the consumer lags by more than this. `false` turns it off. @default '5m' */
  readonly alarmOnAge: Duration | false;
  readonly overrides?: Overrides;
}

/** Which events a function may publish, and where to (least privilege on every target). */
export interface PublishSpec {
  readonly to: Ref<'bus' | 'topic'>;
  /** Wire types. */
  readonly events: readonly string[];
}

/** A function: a handler module and how it runs. */
export interface FunctionSpec extends Ref<'fn'> {
  /** Path of the module, relative to the topology's root, that exports `handler` (made with `on`). */
  readonly handler: string;
  /** @default '30s' */
  readonly timeout: Duration;
  /** MB. @default 256 */
  readonly memory: number;
  /** Most concurrent invocations. @default undefined (the platform's default) */
  readonly concurrency?: number;
  readonly publishes?: PublishSpec;
  /** Extra environment variables. @default {} */
  readonly environment: Readonly<Record<string, string>>;
  readonly overrides?: Overrides;
}

/** Events from a bus, topic or stream to a function, optionally filtered, directly or through a queue or stream. */
export interface SubscriptionSpec {
  readonly kind: 'subscription';
  /** @default `<function>-<from>` */
  readonly name: string;
  readonly function: string;
  readonly from: Ref<'bus' | 'topic' | 'stream'>;
  /** Wire types the function reads; older versions are delivered too and upcast. */
  readonly events: readonly string[];
  /** @default undefined (every event of those types) */
  readonly where?: Filter;
  /** A queue (retries, DLQ) or stream (order per key) between the source and the function. @default direct */
  readonly via?: Ref<'queue' | 'stream'>;
}

/** Emits an event on a cron, UTC. String values of `data` may contain `{{scheduledTime}}` (ISO 8601). */
export interface ScheduleSpec extends Ref<'schedule'> {
  /** 5 fields: minute hour day-of-month month day-of-week, UTC. */
  readonly cron: string;
  readonly emits: string;
  readonly to: Ref<'bus' | 'topic'>;
  /** @default {} */
  readonly data: Readonly<Record<string, unknown>>;
}

export const SIGNATURE_SCHEMES = ['herald', 'github', 'stripe'] as const;
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];

/** How a webhook verifies requests: the scheme and the environment variable holding the secret. */
export interface VerifySpec {
  readonly scheme: SignatureScheme;
  readonly secretEnv: string;
}

/** `Herald-Signature: t=…,v1=…` with the secret in an environment variable. */
export function hmacSha256(secretEnv: string, scheme: SignatureScheme = 'herald'): VerifySpec {
  return { scheme, secretEnv };
}

/** An HTTP endpoint that verifies a signature, takes the JSON body as the event's data and publishes it. */
export interface WebhookSpec extends Ref<'webhook'> {
  readonly path: string;
  /** @default 'POST' */
  readonly method: 'POST' | 'PUT';
  readonly verify: VerifySpec;
  readonly emits: string;
  readonly to: Ref<'bus' | 'topic'>;
}

/** Upload trigger: an object created under `prefix` emits `{ bucket, key, size, contentType }` as the event's data. */
export interface UploadTrigger {
  readonly prefix: string;
  readonly emits: string;
  readonly to: Ref<'bus' | 'topic'>;
}

export interface BucketSpec extends Ref<'bucket'> {
  readonly onUpload?: UploadTrigger;
  readonly overrides?: Overrides;
}

/** Change trigger: a written row emits `{ table, op, keys, newImage?, oldImage? }` as the event's data. */
export interface ChangeTrigger {
  readonly emits: string;
  readonly to: Ref<'bus' | 'topic'>;
}

export interface TableSpec extends Ref<'table'> {
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly onChange?: ChangeTrigger;
  readonly overrides?: Overrides;
}

/**
 * `oldestMessageAge` (seconds the oldest waiting event has waited), `deadLetters` (dead letters waiting),
 * `iteratorAge` (seconds a stream's reader lags), `errors` (failed invocations), `depth` (events waiting).
 */
export const ALARM_METRICS = ['oldestMessageAge', 'deadLetters', 'iteratorAge', 'errors', 'depth'] as const;
export type AlarmMetric = (typeof ALARM_METRICS)[number];

/** An alarm beyond the defaults each queue and stream gets. */
export interface AlarmSpec extends Ref<'alarm'> {
  readonly on: Ref<'queue' | 'stream' | 'fn'>;
  readonly metric: AlarmMetric;
  /** Seconds for ages; a count otherwise. */
  readonly threshold: number;
  /** @default '5m' */
  readonly period: Duration;
}

/** The whole declaration. */
export interface Topology {
  readonly name: string;
  /** Every event definition the topology names, by wire type. */
  readonly events: readonly EventDefinition<any>[];
  readonly buses: readonly BusSpec[];
  readonly queues: readonly QueueSpec[];
  readonly topics: readonly TopicSpec[];
  readonly streams: readonly StreamSpec[];
  readonly functions: readonly FunctionSpec[];
  readonly subscriptions: readonly SubscriptionSpec[];
  readonly schedules: readonly ScheduleSpec[];
  readonly webhooks: readonly WebhookSpec[];
  readonly buckets: readonly BucketSpec[];
  readonly tables: readonly TableSpec[];
  readonly alarms: readonly AlarmSpec[];
}
