/**
 * The delivery plan: which channel feeds which function, with what attempts, backoff, filter (native and
 * residual), order key, batching and dead-letter target. It is computed once from the topology and a
 * target's filter compilers; deploy on every cloud, `herald invoke`, `herald dev` and the Kafka workers
 * read it, and the per-function runtime config is serialised from it (`runtimeChannels`). Nothing else
 * derives a channel.
 *
 * A channel is one subscription: a function with several subscriptions has several channels, each with
 * its own residual and attempts. Channels that read the same source (two subscriptions through one queue,
 * or several direct ones) share a `sourceKey`; the runtime tells them apart by their types and residuals.
 *
 * Timeout coupling, the one rule every target enforces in its own form: a delivery's lease on an event
 * (a visibility timeout, an ack deadline, a lock, a poll interval) must outlast the function's timeout
 * plus the time a batch waits to fill, or the event is handed to a second consumer while the first still
 * runs it. `minLeaseSeconds` is that bound; each provider adds its platform's margin (AWS: SQS visibility
 * ≥ 6 × the Lambda timeout + the window, in providers/aws/limits.ts).
 */
import { DEFAULTS } from './builder';
import { toClauses, type Clause } from './filter';
import { toMillis, toSeconds } from './duration';
import type { CompiledFilter, FilterCompiler, FilterInput } from './filter-compiler';
import type { FunctionSpec, Ref, SubscriptionSpec, Topology } from './topology';

/** What the function reads for a channel. */
export type ChannelSource =
  /** Nothing durable between the bus and the function: the platform pushes each event. */
  | { readonly kind: 'direct'; readonly bus: string }
  /** A queue: a declared one, or the subscriber's own queue of a topic subscription (`own`). */
  | { readonly kind: 'queue'; readonly queue: string; readonly own: boolean }
  | { readonly kind: 'stream'; readonly stream: string };

/** Where a channel's events go once given up: the dead-letter queue, failure destination or direct-failure queue of its owner. */
export interface DeadLetterTarget {
  readonly owner: 'queue' | 'stream' | 'fn';
  /** The queue (declared or own), stream or function. */
  readonly name: string;
}

export interface Backoff {
  readonly baseMs: number;
  readonly capMs: number;
}

/** Retry backoff when a target sets none: exponential from 1 s, capped at 5 min, full jitter. */
export const DEFAULT_BACKOFF: Backoff = { baseMs: 1_000, capMs: 300_000 };

/** One subscription, as delivered on one target. */
export interface Channel {
  readonly subscription: string;
  readonly function: string;
  /** Where its events are published. */
  readonly from: Ref<'bus' | 'topic' | 'stream'>;
  readonly source: ChannelSource;
  /** Names the source the function reads (`queue:<name>`, `stream:<name>`, `direct:<bus>`); shared by channels reading the same one. */
  readonly sourceKey: string;
  /** Wire types delivered: each subscribed type and every older version it upcasts. */
  readonly types: readonly string[];
  /** The subscription's filter in normal form (what native and residual split between them). */
  readonly clauses: readonly Clause[];
  /** The filter compiled by the target's compiler for this hop. */
  readonly filter: CompiledFilter;
  readonly maxAttempts: number;
  readonly backoff: Backoff;
  /** The ordering key (a queue's `orderBy`, a stream's `key`): events with the same key are handled in order. */
  readonly orderKey?: string;
  readonly batch: { readonly size: number; readonly windowSeconds: number };
  readonly deadLetter: DeadLetterTarget;
  /** The function's timeout. */
  readonly timeoutMs: number;
}

/** What a target contributes to the plan. */
export interface DeliveryTarget {
  readonly name: string;
  /** The compiler for the broker between publishers and a subscription reading from this kind of source. */
  compiler(from: 'bus' | 'topic' | 'stream'): FilterCompiler;
  /** Attempts of a direct (queue-less) delivery: what the platform's push retries allow. */
  readonly directAttempts: number;
  /** @default DEFAULT_BACKOFF */
  readonly backoff?: Backoff;
}

export interface DeliveryPlan {
  readonly target: string;
  /** Every channel, in topology order. */
  readonly channels: readonly Channel[];
  /** The channel of a subscription. @throws Error naming it when there is none */
  channel(subscription: string): Channel;
  /** A function's channels, in topology order (empty for a function nothing subscribes). */
  channelsOf(fn: string): readonly Channel[];
}

const plans = new WeakMap<Topology, Map<DeliveryTarget, DeliveryPlan>>();

/** The delivery plan of a (valid) topology on a target, computed once per pair. */
export function deliveryPlan(t: Topology, target: DeliveryTarget): DeliveryPlan {
  let byTarget = plans.get(t);
  if (!byTarget) plans.set(t, (byTarget = new Map()));
  let plan = byTarget.get(target);
  if (plan) return plan;
  const channels = t.subscriptions.map((s) => channelOf(t, s, target));
  const bySubscription = new Map(channels.map((c) => [c.subscription, c]));
  const byFunction = new Map<string, Channel[]>();
  for (const c of channels) byFunction.set(c.function, [...(byFunction.get(c.function) ?? []), c]);
  plan = {
    target: target.name,
    channels,
    channel(subscription) {
      const c = bySubscription.get(subscription);
      if (!c) throw new Error(`no subscription "${subscription}" in topology ${t.name}`);
      return c;
    },
    channelsOf: (fn) => byFunction.get(fn) ?? [],
  };
  byTarget.set(target, plan);
  return plan;
}

/** Wire types a subscription receives: each listed event and every older version it can upcast. */
export function receivedTypes(t: Topology, sub: Pick<SubscriptionSpec, 'events'>): string[] {
  const types = new Set<string>();
  for (const wireType of sub.events) {
    const d = t.events.find((e) => e.wireType === wireType);
    for (const r of d?.readableTypes ?? [wireType]) types.add(r);
  }
  return [...types];
}

/** The name of a topic subscriber's own queue (a topic subscription without `via`). */
export function ownQueueName(sub: Pick<SubscriptionSpec, 'from' | 'name'>): string {
  return `${sub.from.name}-${sub.name}`;
}

/** The shortest lease a source may give one delivery of this channel: the function's timeout plus the batch window. */
export function minLeaseSeconds(channel: Pick<Channel, 'timeoutMs' | 'batch'>): number {
  return Math.ceil(channel.timeoutMs / 1000) + channel.batch.windowSeconds;
}

function channelOf(t: Topology, sub: SubscriptionSpec, target: DeliveryTarget): Channel {
  const fn = functionOf(t, sub);
  const types = receivedTypes(t, sub);
  const input: FilterInput = { types, ...(sub.where ? { where: sub.where } : {}) };
  const streamName = sub.via?.kind === 'stream' ? sub.via.name : sub.from.kind === 'stream' ? sub.from.name : undefined;
  const common = {
    subscription: sub.name, function: fn.name, from: sub.from, types,
    clauses: sub.where ? toClauses(sub.where) : [],
    filter: target.compiler(sub.from.kind).compile(input),
    backoff: target.backoff ?? DEFAULT_BACKOFF,
    timeoutMs: toMillis(fn.timeout),
  };
  if (streamName) {
    const s = t.streams.find((x) => x.name === streamName)!;
    return {
      ...common, source: { kind: 'stream', stream: s.name }, sourceKey: `stream:${s.name}`, maxAttempts: s.maxAttempts, orderKey: s.key,
      batch: { size: s.batch.size, windowSeconds: toSeconds(s.batch.window) }, deadLetter: { owner: 'stream', name: s.name },
    };
  }
  if (sub.via?.kind === 'queue') {
    const q = t.queues.find((x) => x.name === sub.via!.name)!;
    return {
      ...common, source: { kind: 'queue', queue: q.name, own: false }, sourceKey: `queue:${q.name}`, maxAttempts: q.maxAttempts,
      ...(q.orderBy ? { orderKey: q.orderBy } : {}),
      batch: { size: q.batch.size, windowSeconds: toSeconds(q.batch.window) }, deadLetter: { owner: 'queue', name: q.name },
    };
  }
  if (sub.from.kind === 'topic') {
    // A topic subscriber always reads through a queue: its own, with the queue defaults.
    const name = ownQueueName(sub);
    const d = DEFAULTS.queue;
    return {
      ...common, source: { kind: 'queue', queue: name, own: true }, sourceKey: `queue:${name}`, maxAttempts: d.maxAttempts,
      batch: { size: d.batch.size, windowSeconds: toSeconds(d.batch.window) }, deadLetter: { owner: 'queue', name },
    };
  }
  return {
    ...common, source: { kind: 'direct', bus: sub.from.name }, sourceKey: `direct:${sub.from.name}`, maxAttempts: target.directAttempts,
    batch: { size: 1, windowSeconds: 0 }, deadLetter: { owner: 'fn', name: fn.name },
  };
}

function functionOf(t: Topology, sub: SubscriptionSpec): FunctionSpec {
  const fn = t.functions.find((f) => f.name === sub.function);
  if (!fn) throw new Error(`subscription ${sub.name}: no function "${sub.function}"`);
  return fn;
}

/** What a function's runtime needs of one channel: serialised into its config by every target. */
export interface RuntimeChannel {
  readonly subscription: string;
  readonly sourceKey: string;
  readonly types: readonly string[];
  readonly maxAttempts: number;
  readonly residual: readonly Clause[];
  readonly orderKey?: string;
  readonly backoff: Backoff;
}

/** The runtime form of a function's channels. */
export function runtimeChannels(channels: readonly Channel[]): RuntimeChannel[] {
  return channels.map((c) => ({
    subscription: c.subscription, sourceKey: c.sourceKey, types: c.types, maxAttempts: c.maxAttempts, residual: c.filter.residual,
    ...(c.orderKey ? { orderKey: c.orderKey } : {}), backoff: c.backoff,
  }));
}
