/**
 * The shared driver every cloud runs through: validate the whole topology (the portable rules, then the
 * cloud's own limits) → check the cloud's capabilities (refuse what it cannot honour, warn about what it
 * only approximates) → compute the delivery plan → call the provider kind by kind in dependency order →
 * collect the outputs. It owns the lookups by logical name, so providers only say how one kind becomes
 * cloud resources.
 */
import * as pulumi from '@pulumi/pulumi';
import {
  DEFAULTS, DuplicateNameError, deliveryPlan, featuresOf, TopologyError, toSeconds, UnsupportedFeatureError, validateTopology,
  type AlarmSpec, type AppModule, type Capabilities, type CloudProvider, type FeatureKey, type ProviderKind, type RealizeContext,
  type RealizedKinds, type SpecOf, type Topology,
} from '../contracts';
import { scheduleDataIssues } from '../runtime/ingress-events';

/**
 * The order kinds are realized in. Each phase only reads resources of earlier phases:
 * the stack's foundation first; then brokers; then the shared stores; then buckets and tables, whose ingress functions publish to a
 * broker through the stores; then user functions (their roles name the queues and streams they read);
 * then what connects them (subscriptions, schedules, webhooks); alarms last, on everything.
 */
export const REALIZE_ORDER: readonly ProviderKind[] = [
  'foundation', 'bus', 'topic', 'queue', 'stream', 'stores', 'bucket', 'table', 'fn', 'subscription', 'schedule', 'webhook', 'alarm',
];

export interface RealizeOptions {
  readonly app: AppModule;
  /** @default 'dev' */
  readonly stack?: string;
  /** Where deploy-time warnings go (degraded features, default alarms left out). @default pulumi.log.warn */
  readonly warn?: (message: string) => void;
}

/** Outputs by kind (plural) and logical name, e.g. `outputs.queues.payments.url`. */
export type RealizeOutputs = Record<string, Record<string, Readonly<Record<string, unknown>>>>;

export interface RealizeResult<M extends RealizedKinds> {
  /** Every realized resource, by kind and logical name. */
  readonly resources: { readonly [K in ProviderKind]: ReadonlyMap<string, M[K]> };
  readonly outputs: RealizeOutputs;
}

const PLURAL: Record<ProviderKind, string> = {
  foundation: 'foundation', stores: 'stores', bus: 'buses', topic: 'topics', queue: 'queues', stream: 'streams', bucket: 'buckets', table: 'tables',
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
  assertValid(t, provider);
  assertSupported(t, provider);
  const warn = options.warn ?? ((message: string) => pulumi.log.warn(message));
  for (const message of degradations(t, provider)) warn(message);
  const defaults = translateAlarms(defaultAlarms(t), provider);
  for (const message of defaults.notes) warn(message);
  const alarms = [...t.alarms, ...defaults.alarms];
  const registry = Object.fromEntries(REALIZE_ORDER.map((k) => [k, new Map()])) as { [K in ProviderKind]: Map<string, M[K]> };
  const ctx: RealizeContext<M> = {
    cloud: provider.name, topology: t, app: options.app, stack: options.stack ?? 'dev', plan: deliveryPlan(t, provider.delivery),
    find: (kind, name) => registry[kind].get(name),
    get: (kind, name) => {
      const found = registry[kind].get(name);
      if (!found) throw new Error(`${kind} "${name}" is not realized yet; realize order is ${REALIZE_ORDER.join(' → ')}`);
      return found;
    },
  };
  const specs: { [K in ProviderKind]: readonly SpecOf[K][] } = {
    foundation: [{ kind: 'foundation', name: t.name }], stores: [{ kind: 'stores', name: t.name }], bus: t.buses, topic: t.topics, queue: t.queues, stream: t.streams,
    bucket: t.buckets, table: t.tables, fn: t.functions, subscription: t.subscriptions, schedule: t.schedules,
    webhook: t.webhooks, alarm: alarms,
  };
  // One call site per kind keeps the spec and result types paired without casts.
  const call: { [K in ProviderKind]: (spec: SpecOf[K]) => M[K] } = {
    foundation: (s) => provider.foundation(s, ctx), stores: (s) => provider.stores(s, ctx), bus: (s) => provider.bus(s, ctx), topic: (s) => provider.topic(s, ctx),
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
    // A kind with nothing to report (no resources, or a foundation that made none) adds no output.
    if (![...registry[kind].values()].some((r) => Object.keys(r.outputs).length)) continue;
    outputs[PLURAL[kind]] = Object.fromEntries([...registry[kind]].map(([name, r]) => [name, r.outputs]));
  }
  return { resources: registry, outputs };
}

/**
 * The portable rules (a schedule's data must fit its event, checked with the builder every target uses)
 * and the cloud's own limits, every problem of them all at once.
 * @throws TopologyError carrying them all
 */
export function assertValid(t: Topology, provider: Pick<CloudProvider, 'validate'>): void {
  const portable = validateTopology(t);
  // The other checks read a topology the portable rules accept (references resolve, durations parse).
  const issues = portable.length ? portable : [
    ...scheduleDataIssues(t.schedules, (wireType) => t.events.find((e) => e.wireType === wireType)!),
    ...provider.validate(t),
  ];
  if (issues.length) throw new TopologyError(issues);
}

/** One warning per use of a feature the cloud only approximates, naming the field and what is lost. */
export function degradations(t: Topology, provider: Pick<CloudProvider, 'name' | 'capabilities'>): string[] {
  return featuresOf(t).filter((u) => provider.capabilities.degraded[u.key] !== undefined)
    .map((u) => `[${u.field}] ${u.option} is degraded on ${provider.name}: ${provider.capabilities.degraded[u.key]}`);
}

/**
 * The default alarms as the cloud can have them: a metric it lacks is replaced by its substitute (e.g.
 * queue depth for the oldest event's age), or, with none, the alarm is left out; either way a note says so.
 */
export function translateAlarms(defaults: readonly AlarmSpec[], provider: Pick<CloudProvider, 'name' | 'capabilities'>): { alarms: AlarmSpec[]; notes: string[] } {
  const caps: Capabilities = provider.capabilities;
  const supported = (a: AlarmSpec) => caps.unsupported[`alarm.${a.metric}.${a.on.kind}` as FeatureKey] === undefined;
  const alarms: AlarmSpec[] = [];
  const notes: string[] = [];
  for (const a of defaults) {
    if (supported(a)) {
      alarms.push(a);
      continue;
    }
    const substitute = caps.alarmSubstitutes?.[a.metric];
    const replaced = substitute ? { ...a, ...substitute } : undefined;
    if (replaced && supported(replaced)) {
      alarms.push(replaced);
      notes.push(`${a.on.kind} ${a.on.name}: ${provider.name} has no ${a.metric} metric; its default alarm ${a.name} watches ${replaced.metric} > ${replaced.threshold} instead`);
    } else {
      notes.push(`${a.on.kind} ${a.on.name}: ${provider.name} has no ${a.metric} metric; default alarm ${a.name} is left out`);
    }
  }
  return { alarms, notes };
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
