/**
 * The deploy-side contract every cloud implements: one method per kind, so a provider that lacks a kind
 * fails to compile. It is generic over what a realized resource is (a Pulumi component on AWS), so this
 * file never imports `@pulumi/*`. `providers/realize.ts` owns the order of the calls and the lookups by
 * logical name; a provider owns only how each kind becomes cloud resources.
 */
import type { DeliveryPlan, DeliveryTarget } from './delivery';
import { toSeconds } from './duration';
import type { TopologyIssue } from './errors';
import type {
  AlarmMetric, AlarmSpec, BucketSpec, BusSpec, FunctionSpec, QueueSpec, ScheduleSpec, StreamSpec, SubscriptionSpec,
  TableSpec, Topology, TopicSpec, WebhookSpec,
} from './topology';

export const CLOUD_NAMES = ['aws', 'azure', 'gcp', 'kafka'] as const;
/** A cloud `herald:cloud` may name (Kafka, a self-hosted cluster, is one such target). */
export type CloudName = (typeof CLOUD_NAMES)[number];

/** The stores every realization shares: the idempotency store and the claim-check store. One per topology. */
export interface StoresSpec {
  readonly kind: 'stores';
  /** The topology's name. */
  readonly name: string;
}

/**
 * What a stack needs once, before any kind: a resource group, a namespace shared by queues, enabled
 * APIs, a service agent's grants. One per topology.
 */
export interface FoundationSpec {
  readonly kind: 'foundation';
  /** The topology's name. */
  readonly name: string;
}

/** The spec each provider method takes, by kind. */
export interface SpecOf {
  readonly foundation: FoundationSpec;
  readonly stores: StoresSpec;
  readonly bus: BusSpec;
  readonly topic: TopicSpec;
  readonly queue: QueueSpec;
  readonly stream: StreamSpec;
  readonly bucket: BucketSpec;
  readonly table: TableSpec;
  readonly fn: FunctionSpec;
  readonly subscription: SubscriptionSpec;
  readonly schedule: ScheduleSpec;
  readonly webhook: WebhookSpec;
  readonly alarm: AlarmSpec;
}
export type ProviderKind = keyof SpecOf;

/** What every realized resource exposes: the values a stack exports (names, ARNs, URLs), possibly not yet known. */
export interface Realized {
  readonly outputs: Readonly<Record<string, unknown>>;
}

/** A provider's realized type per kind. */
export type RealizedKinds = { readonly [K in ProviderKind]: Realized };

/** Where the application's topology module is, for ingress functions that load it at run time. */
export interface AppModule {
  /** Absolute path of the module that exports the topology. */
  readonly module: string;
  /** The name of the export holding the `Topology`. */
  readonly exportName: string;
  /** The folder function handler paths are relative to. */
  readonly root: string;
}

/** What a provider method receives besides its spec. */
export interface RealizeContext<M extends RealizedKinds = RealizedKinds> {
  readonly cloud: CloudName;
  /** The whole (valid) topology, for the settings one kind derives from others (e.g. a lease from its readers' timeouts). */
  readonly topology: Topology;
  readonly app: AppModule;
  /** The stack name, for tags. */
  readonly stack: string;
  /** The delivery plan on this cloud: every channel, computed once (`contracts/delivery.ts`). */
  readonly plan: DeliveryPlan;
  /** A resource realized earlier. @throws Error naming it when it is not realized (yet): an ordering bug. */
  get<K extends ProviderKind>(kind: K, name: string): M[K];
  /** A resource realized earlier, or undefined. */
  find<K extends ProviderKind>(kind: K, name: string): M[K] | undefined;
}

/**
 * Features a topology uses, by key: `<kind>` for the kind itself, `<kind>.<option>` for an option, and
 * `alarm.<metric>.<target kind>` for alarms. Providers list the ones they cannot honour.
 */
export type FeatureKey =
  | Exclude<ProviderKind, 'stores' | 'foundation'>
  | 'queue.orderBy' | 'queue.batch.window' | 'stream.batch.window' | 'fn.concurrency' | 'fn.publishes.topic'
  | 'subscription.where' | 'subscription.via.queue' | 'subscription.via.stream' | 'subscription.from.topic'
  | 'subscription.from.stream' | 'subscription.from.topic.via.orderedQueue' | 'subscription.from.bus.via.orderedQueue'
  | 'webhook.method.PUT' | 'bucket.onUpload' | 'table.onChange' | 'table.sortKey'
  | `alarm.${AlarmMetric}.${'queue' | 'stream' | 'fn'}`;

/** One use of a feature, naming the topology field that uses it. */
export interface FeatureUse {
  readonly key: FeatureKey;
  readonly kind: Exclude<ProviderKind, 'stores' | 'foundation'>;
  /** The option as the user wrote it, e.g. `orderBy` or `metric=deadLetters on fn`. */
  readonly option: string;
  /** The offending field, e.g. `queues[payments].orderBy`. */
  readonly field: string;
}

/**
 * What a cloud can realize: together, its portability report. A feature missing from both maps is
 * honoured as the contract defines it.
 */
export interface Capabilities {
  /** Features the cloud cannot honour, each with the reason shown to the user: refused at deploy. */
  readonly unsupported: Readonly<Partial<Record<FeatureKey, string>>>;
  /** Features the cloud can only approximate, each with what is lost: deployed with that warning. */
  readonly degraded: Readonly<Partial<Record<FeatureKey, string>>>;
  /**
   * For the default alarms (every queue's and stream's): the metric to alarm on instead of one the cloud
   * does not have, with its threshold (e.g. `depth` over 1000 for `oldestMessageAge` where a queue has no
   * age metric). A default alarm whose metric is unsupported and has no substitute is left out, with a warning.
   */
  readonly alarmSubstitutes?: Readonly<Partial<Record<AlarmMetric, { readonly metric: AlarmMetric; readonly threshold: number }>>>;
}

/**
 * A cloud's deploy side: one method per kind, each realizing one spec (and its dependent resources) and
 * returning the realized resource. Called by `realize` in dependency order, never directly.
 */
export interface CloudProvider<M extends RealizedKinds = RealizedKinds> {
  readonly name: CloudName;
  readonly capabilities: Capabilities;
  /** The cloud's filter compilers and direct-delivery bound, from which the delivery plan is computed. */
  readonly delivery: DeliveryTarget;
  /**
   * The cloud's own limits (sizes, ranges, timeout coupling), every problem at once in the form of
   * `validateTopology`, field path included. Called only on a topology `validateTopology` accepts.
   */
  validate(t: Topology): TopologyIssue[];
  /** What the stack needs once, before any kind (may create nothing). */
  foundation(spec: FoundationSpec, ctx: RealizeContext<M>): M['foundation'];
  /** The idempotency and claim-check stores, once per topology. */
  stores(spec: StoresSpec, ctx: RealizeContext<M>): M['stores'];
  bus(spec: BusSpec, ctx: RealizeContext<M>): M['bus'];
  topic(spec: TopicSpec, ctx: RealizeContext<M>): M['topic'];
  queue(spec: QueueSpec, ctx: RealizeContext<M>): M['queue'];
  stream(spec: StreamSpec, ctx: RealizeContext<M>): M['stream'];
  /** A bucket and, with `onUpload`, its upload trigger (an ingress function publishing the declared event). */
  bucket(spec: BucketSpec, ctx: RealizeContext<M>): M['bucket'];
  /** A table and, with `onChange`, its change trigger (an ingress function publishing the declared event). */
  table(spec: TableSpec, ctx: RealizeContext<M>): M['table'];
  fn(spec: FunctionSpec, ctx: RealizeContext<M>): M['fn'];
  /** The route from a bus, topic or stream to a function, through its queue or stream if any. */
  subscription(spec: SubscriptionSpec, ctx: RealizeContext<M>): M['subscription'];
  schedule(spec: ScheduleSpec, ctx: RealizeContext<M>): M['schedule'];
  webhook(spec: WebhookSpec, ctx: RealizeContext<M>): M['webhook'];
  alarm(spec: AlarmSpec, ctx: RealizeContext<M>): M['alarm'];
}

/** Every feature a topology uses, in topology order. Pure: the capability check and docs read it. */
export function featuresOf(t: Topology): FeatureUse[] {
  const uses: FeatureUse[] = [];
  const use = (key: FeatureKey, kind: FeatureUse['kind'], option: string, field: string) => uses.push({ key, kind, option, field });
  const kinds = [
    ['bus', t.buses, 'buses'], ['topic', t.topics, 'topics'], ['queue', t.queues, 'queues'], ['stream', t.streams, 'streams'],
    ['bucket', t.buckets, 'buckets'], ['table', t.tables, 'tables'], ['fn', t.functions, 'functions'],
    ['subscription', t.subscriptions, 'subscriptions'], ['schedule', t.schedules, 'schedules'], ['webhook', t.webhooks, 'webhooks'],
    ['alarm', t.alarms, 'alarms'],
  ] as const;
  for (const [kind, list, plural] of kinds) for (const r of list) use(kind, kind, kind, `${plural}[${r.name}]`);
  for (const q of t.queues) {
    if (q.orderBy) use('queue.orderBy', 'queue', 'orderBy', `queues[${q.name}].orderBy`);
    if (toSeconds(q.batch.window) > 0) use('queue.batch.window', 'queue', 'batch.window', `queues[${q.name}].batch.window`);
  }
  for (const s of t.streams) if (toSeconds(s.batch.window) > 0) use('stream.batch.window', 'stream', 'batch.window', `streams[${s.name}].batch.window`);
  for (const f of t.functions) {
    if (f.concurrency !== undefined) use('fn.concurrency', 'fn', 'concurrency', `functions[${f.name}].concurrency`);
    if (f.publishes?.to.kind === 'topic') use('fn.publishes.topic', 'fn', 'publishes.to', `functions[${f.name}].publishes.to`);
  }
  const ordered = new Set(t.queues.filter((q) => q.orderBy).map((q) => q.name));
  for (const s of t.subscriptions) {
    const field = `subscriptions[${s.name}]`;
    if (s.where) use('subscription.where', 'subscription', 'where', `${field}.where`);
    if (s.via) use(`subscription.via.${s.via.kind}`, 'subscription', `via ${s.via.kind}`, `${field}.via`);
    if (s.from.kind !== 'bus') use(`subscription.from.${s.from.kind}`, 'subscription', `from ${s.from.kind}`, `${field}.from`);
    if (s.via?.kind === 'queue' && ordered.has(s.via.name) && s.from.kind !== 'stream') {
      use(`subscription.from.${s.from.kind}.via.orderedQueue`, 'subscription', `via an ordered queue from a ${s.from.kind}`, `${field}.via`);
    }
  }
  for (const w of t.webhooks) if (w.method === 'PUT') use('webhook.method.PUT', 'webhook', 'method=PUT', `webhooks[${w.name}].method`);
  for (const b of t.buckets) if (b.onUpload) use('bucket.onUpload', 'bucket', 'onUpload', `buckets[${b.name}].onUpload`);
  for (const tb of t.tables) {
    if (tb.onChange) use('table.onChange', 'table', 'onChange', `tables[${tb.name}].onChange`);
    if (tb.sortKey) use('table.sortKey', 'table', 'sortKey', `tables[${tb.name}].sortKey`);
  }
  for (const a of t.alarms) use(`alarm.${a.metric}.${a.on.kind}`, 'alarm', `metric=${a.metric} on ${a.on.kind}`, `alarms[${a.name}].metric`);
  return uses;
}
