/**
 * The shared driver every cloud runs through: validate the whole topology → check the cloud's
 * capabilities → call the provider kind by kind in dependency order → collect the outputs. It owns the
 * lookups by logical name, so providers only say how one kind becomes cloud resources.
 */
import {
  assertValidTopology, DEFAULTS, DuplicateNameError, featuresOf, TopologyError, toSeconds, UnsupportedFeatureError,
  type AlarmSpec, type AppModule, type CloudProvider, type ProviderKind, type RealizeContext, type RealizedKinds,
  type SpecOf, type Topology,
} from '../contracts';

/**
 * The order kinds are realized in. Each phase only reads resources of earlier phases:
 * brokers first; then the shared stores; then buckets and tables, whose ingress functions publish to a
 * broker through the stores; then user functions (their roles name the queues and streams they read);
 * then what connects them (subscriptions, schedules, webhooks); alarms last, on everything.
 */
export const REALIZE_ORDER: readonly ProviderKind[] = [
  'bus', 'topic', 'queue', 'stream', 'stores', 'bucket', 'table', 'fn', 'subscription', 'schedule', 'webhook', 'alarm',
];

export interface RealizeOptions {
  readonly app: AppModule;
  /** @default 'dev' */
  readonly stack?: string;
}

/** Outputs by kind (plural) and logical name, e.g. `outputs.queues.payments.url`. */
export type RealizeOutputs = Record<string, Record<string, Readonly<Record<string, unknown>>>>;

export interface RealizeResult<M extends RealizedKinds> {
  /** Every realized resource, by kind and logical name. */
  readonly resources: { readonly [K in ProviderKind]: ReadonlyMap<string, M[K]> };
  readonly outputs: RealizeOutputs;
}

const PLURAL: Record<ProviderKind, string> = {
  stores: 'stores', bus: 'buses', topic: 'topics', queue: 'queues', stream: 'streams', bucket: 'buckets', table: 'tables',
  fn: 'functions', subscription: 'subscriptions', schedule: 'schedules', webhook: 'webhooks', alarm: 'alarms',
};

/** Lets the event loop run: Pulumi registers the resources declared so far (one RPC each) before more are declared. */
const yieldToPulumi = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Realizes a topology on one cloud. Between provider calls it yields to the event loop, so resources are
 * registered as they are declared: memory and garbage collection then stay proportional to one kind's
 * resources, not to the whole topology's (declaring 17 000 resources before registering any made a plan
 * superlinear in time).
 * @throws TopologyError with every problem of the topology at once (as a rejection, like every error here).
 * @throws UnsupportedFeatureError naming the cloud, the kind and the option, before any resource is created.
 */
export async function realize<M extends RealizedKinds>(t: Topology, provider: CloudProvider<M>, options: RealizeOptions): Promise<RealizeResult<M>> {
  assertValidTopology(t);
  assertSupported(t, provider);
  const alarms = [...t.alarms, ...defaultAlarms(t)];
  const registry = Object.fromEntries(REALIZE_ORDER.map((k) => [k, new Map()])) as { [K in ProviderKind]: Map<string, M[K]> };
  const ctx: RealizeContext<M> = {
    cloud: provider.name, topology: t, app: options.app, stack: options.stack ?? 'dev',
    find: (kind, name) => registry[kind].get(name),
    get: (kind, name) => {
      const found = registry[kind].get(name);
      if (!found) throw new Error(`${kind} "${name}" is not realized yet; realize order is ${REALIZE_ORDER.join(' → ')}`);
      return found;
    },
  };
  const specs: { [K in ProviderKind]: readonly SpecOf[K][] } = {
    stores: [{ kind: 'stores', name: t.name }], bus: t.buses, topic: t.topics, queue: t.queues, stream: t.streams,
    bucket: t.buckets, table: t.tables, fn: t.functions, subscription: t.subscriptions, schedule: t.schedules,
    webhook: t.webhooks, alarm: alarms,
  };
  // One call site per kind keeps the spec and result types paired without casts.
  const call: { [K in ProviderKind]: (spec: SpecOf[K]) => M[K] } = {
    stores: (s) => provider.stores(s, ctx), bus: (s) => provider.bus(s, ctx), topic: (s) => provider.topic(s, ctx),
    queue: (s) => provider.queue(s, ctx), stream: (s) => provider.stream(s, ctx), bucket: (s) => provider.bucket(s, ctx),
    table: (s) => provider.table(s, ctx), fn: (s) => provider.fn(s, ctx), subscription: (s) => provider.subscription(s, ctx),
    schedule: (s) => provider.schedule(s, ctx), webhook: (s) => provider.webhook(s, ctx), alarm: (s) => provider.alarm(s, ctx),
  };
  const step = async <K extends ProviderKind>(kind: K) => {
    for (const spec of specs[kind]) {
      registry[kind].set(spec.name, call[kind](spec));
      await yieldToPulumi();
    }
  };
  for (const kind of REALIZE_ORDER) await step(kind);
  const outputs: RealizeOutputs = {};
  for (const kind of REALIZE_ORDER) {
    if (!registry[kind].size) continue;
    outputs[PLURAL[kind]] = Object.fromEntries([...registry[kind]].map(([name, r]) => [name, r.outputs]));
  }
  return { resources: registry, outputs };
}

/**
 * Throws for the first feature the cloud cannot honour, listing the others in the message so the user
 * sees them all at once.
 */
export function assertSupported(t: Topology, provider: Pick<CloudProvider, 'name' | 'capabilities'>): void {
  const blocked = featuresOf(t).filter((u) => provider.capabilities.unsupported[u.key] !== undefined);
  if (!blocked.length) return;
  const [first, ...rest] = blocked;
  const reason = provider.capabilities.unsupported[first!.key]!;
  const others = rest.length ? `; also ${rest.map((u) => `[${u.field}] ${u.option}`).join(', ')}` : '';
  throw new UnsupportedFeatureError(provider.name, first!.kind, first!.option, `[${first!.field}] ${reason}${others}`);
}

/**
 * The alarms every queue and stream gets unless turned off (`alarmOnAge: false`): the age of the oldest
 * event, and dead letters > 0. A user alarm on the same target and metric replaces the default one.
 * @throws TopologyError when a user alarm takes a default alarm's name for another target or metric.
 */
export function defaultAlarms(t: Topology): AlarmSpec[] {
  const declared = new Set(t.alarms.map((a) => `${a.on.kind}:${a.on.name}:${a.metric}`));
  const byName = new Map(t.alarms.map((a) => [a.name, a]));
  const out: AlarmSpec[] = [];
  const add = (on: AlarmSpec['on'], metric: AlarmSpec['metric'], suffix: string, threshold: number) => {
    if (declared.has(`${on.kind}:${on.name}:${metric}`)) return;
    out.push({ kind: 'alarm', name: `${on.name}-${suffix}`, on, metric, threshold, period: DEFAULTS.alarm.period });
  };
  for (const q of t.queues) {
    if (q.alarmOnAge === false) continue;
    add({ kind: 'queue', name: q.name }, 'oldestMessageAge', 'age', toSeconds(q.alarmOnAge));
    add({ kind: 'queue', name: q.name }, 'deadLetters', 'dead-letters', 0);
  }
  for (const s of t.streams) {
    if (s.alarmOnAge === false) continue;
    add({ kind: 'stream', name: s.name }, 'iteratorAge', 'iterator-age', toSeconds(s.alarmOnAge));
    add({ kind: 'stream', name: s.name }, 'deadLetters', 'dead-letters', 0);
  }
  const clashes = out.filter((a) => byName.has(a.name));
  if (clashes.length) {
    throw new TopologyError(clashes.map((a) => new DuplicateNameError(`alarms[${a.name}].name`,
      `"${a.name}" is the name of ${a.on.kind} ${a.on.name}'s default ${a.metric} alarm; rename your alarm`)));
  }
  return out;
}
