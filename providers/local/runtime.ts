/**
 * The embedded runtime: a topology running on this machine behind a transport (transport.ts; the memory
 * transport unless told otherwise). Each subscription's channel in the delivery plan is consumed by a
 * pipeline, the same one the clouds run (timeouts, attempts and publish rights from the topology); the
 * transport routes, orders, retries and dead-letters, and sends what a handler publishes onto its
 * function's bus or topic. Schedules and upload triggers publish through the same transport.
 */
import * as path from 'node:path';
import {
  HeraldError, assertValidTopology, deliveryPlan, type DeliveryTarget, type Envelope, type HandlerDefinition, type Logger, type Ref, type Topology,
} from '../../contracts';
import {
  EventRegistry, InMemoryClaimCheckStore, InMemoryIdempotencyStore, createLogger, describe, loadHandler, pipelineFor,
  type BackoffOptions, type IdempotencyStore, type Pipeline, type Publisher,
} from '../../runtime';
import { systemClock, type Clock } from './clock';
import { DeadLetterStore, type DeadLetterQuery } from './dead-letters';
import { LOCAL_DELIVERY } from './delivery';
import { LocalFunction, type DeliveryListener, type DeliveryRecord } from './function';
import { memoryTransport } from './memory-transport';
import { LocalScheduler } from './schedule';
import { LocalTables } from './tables';
import { TraceStore } from './traces';
import type { ChannelName, CloseReport, TransportFactory } from './transport';
import { LocalBuckets } from './uploads';
import { LOCAL_LIMITS } from './limits';
import { describeChanges, topologyDiff } from './topology-diff';

export interface LocalRuntimeOptions {
  /** The folder function handler paths are relative to. @default process.cwd() */
  readonly root?: string;
  /** Drives the schedules. @default the system clock */
  readonly clock?: Clock;
  /** Retry backoff (the base is what `herald dev --backoff-base-ms` sets). @default base 1 s, cap 300 s, full jitter */
  readonly backoff?: BackoffOptions;
  /** Handlers' `ctx.log` and the pipeline's warnings. @default JSON lines on stderr */
  readonly logger?: Logger;
  /** Handlers by function name, used instead of loading the function's module (tests, benchmarks). */
  readonly handlers?: Readonly<Record<string, HandlerDefinition>>;
  /** Where uploaded objects are stored. @default <root>/.herald/buckets */
  readonly bucketsDir?: string;
  /** Whether schedules run. @default true */
  readonly schedules?: boolean;
  /** Where deliveries are traced (a durable store: sqlite/traces.ts). @default in memory, within LOCAL_LIMITS */
  readonly traces?: TraceStore;
  /** Where each function's claims on events are kept (a durable store: sqlite/idempotency.ts). @default in memory, within LOCAL_LIMITS */
  readonly idempotency?: IdempotencyStore;
  /** How events travel between publishers and subscriptions. @default memoryTransport() */
  readonly transport?: TransportFactory;
  /** Where dead letters are kept (a durable store: sqlite/dead-letters.ts). @default in memory */
  readonly deadLetters?: DeadLetterStore;
  /** The target whose delivery plan the transport is given (Kafka's: every filter left to the consumer). @default LOCAL_DELIVERY */
  readonly delivery?: DeliveryTarget;
  /** The functions whose subscriptions this runtime consumes (a worker's `--functions`). @default every function */
  readonly functions?: readonly string[];
  /** Deliveries each function runs at once, over what the topology says (a worker's `--concurrency`). @default the function's own */
  readonly concurrency?: number;
}

/** What `stop` left behind: whether the grace period ran out, and every event not delivered, per subscription. */
export type StopReport = CloseReport;

/** Publishing after `stop` began. */
export class RuntimeStoppedError extends HeraldError {
  constructor() {
    super('the runtime is shutting down and accepts no new events');
  }
}

export interface LocalRuntime {
  /** What the runtime runs: the topology it was made with, or the one its code was last swapped to. */
  readonly topology: Topology;
  readonly registry: EventRegistry;
  readonly traces: TraceStore;
  readonly deadLetters: DeadLetterStore;
  readonly buckets: LocalBuckets;
  readonly tables: LocalTables;
  readonly scheduler: LocalScheduler;
  /** The target whose delivery plan this runtime consumes (the console draws its channels). */
  readonly delivery: DeliveryTarget;
  /** False once `stop` began. */
  readonly accepting: boolean;
  /** Events owed: queued, in flight or waiting to be retried. */
  readonly pending: number;
  /** Resolves once every subscription is consumed (at once on the memory transport); rejects when the transport cannot start. */
  readonly ready: Promise<void>;
  /**
   * Publishes checked envelopes to a bus or topic (default: the first bus, else the first topic).
   * Resolves once the transport accepted them (memory: routed into its queues; a durable transport: committed).
   * @rejects RuntimeStoppedError after `stop` began; Error for an unknown target
   */
  publish(envelopes: readonly Envelope[], to?: Ref<'bus' | 'topic'>): Promise<void>;
  /**
   * Sends dead letters (all, or those of one event id) back through the transport to the subscription
   * each came from, from attempt 1; resolves to how many. A refused redrive keeps them in the store.
   * @rejects RuntimeStoppedError after `stop` began
   */
  redrive(query?: DeadLetterQuery): Promise<number>;
  /**
   * Runs a schedule now: publishes the event it emits, built for the current time, to its target;
   * resolves to it once the transport accepted it.
   * @rejects UnknownScheduleError for a name the topology does not declare; RuntimeStoppedError after `stop` began
   */
  fire(schedule: string): Promise<Envelope>;
  /**
   * Runs new code on the same declarations (herald dev's hot reload, after the app's modules were loaded
   * afresh): `next` must declare exactly what this runtime runs (see topology-diff.ts), only its code may
   * differ (handlers, upcasters, extensions). Every consumed subscription gets a new pipeline with
   * `next`'s events and its function's handler, loaded anew from its module (or taken from `handlers`),
   * which takes the next delivery; deliveries in flight finish on the old code. Queues, retries, dead
   * letters, traces and claims are untouched. All or nothing: when a handler fails to load, nothing changes.
   * @throws HeraldError naming what `next` declares differently; whatever loading a handler throws
   */
  swapCode(next: Topology, handlers?: Readonly<Record<string, HandlerDefinition>>): void;
  /** Calls `listener` after every delivery and every filtered-out event. Returns the unsubscriber. */
  onDelivery(listener: DeliveryListener): () => void;
  /** Resolves when nothing is owed. */
  idle(): Promise<void>;
  /**
   * Stops accepting, lets what is owed finish for up to `graceMs` (less if `hurry` aborts), then reports
   * what is left. Later calls return the same report.
   */
  stop(graceMs: number, hurry?: AbortSignal): Promise<StopReport>;
}

/**
 * Wires a topology into a running local system.
 * @throws TopologyError when the topology is invalid; TypeError when a handler module exports no handler
 */
export function createLocalRuntime(t: Topology, options: LocalRuntimeOptions = {}): LocalRuntime {
  assertValidTopology(t);
  const root = options.root ?? process.cwd();
  const logger = options.logger ?? createLogger();
  // Both change when the code is swapped (swapCode): everything below reads them when it runs.
  let topology = t;
  const { traces, deadLetters, idempotency } = keptStores(options);
  const listeners = new Set<DeliveryListener>();
  const report = (record: DeliveryRecord) => {
    traces.record(record);
    for (const listener of listeners) listener(record);
  };
  const filtered = (channel: ChannelName, e: Envelope) => report({
    function: channel.function, subscription: channel.subscription, type: e.type, id: e.id,
    correlationid: e.correlationid ?? e.id, causationid: e.causationid, attempt: 0, outcome: 'filtered', durationMs: 0, at: Date.now(),
  });
  const interrupted = (channel: ChannelName, e: Envelope, attempt: number, reason: string, gaveUp: boolean) => report({
    function: channel.function, subscription: channel.subscription, type: e.type, id: e.id, correlationid: e.correlationid ?? e.id,
    causationid: e.causationid, attempt, outcome: gaveUp ? 'dead-letter' : 'retry', durationMs: 0, at: Date.now(), delayMs: gaveUp ? undefined : 0, reason,
  });
  const transport = (options.transport ?? memoryTransport())({ topology: t, filtered, interrupted, deadLettered: (letter) => deadLetters.add(letter) });

  const shared = {
    idempotency,
    idempotencyTtlSeconds: LOCAL_LIMITS.idempotency.ttlSeconds,
    claimCheck: new InMemoryClaimCheckStore(),
    logger,
    ...(options.backoff ? { backoff: options.backoff } : {}),
  };
  // A transport that cannot settle a delivery and accept what it published together (Kafka) takes them
  // from the pipeline, before the event is marked handled; otherwise the transport sends them on.
  const outbox = transport.outbox?.bind(transport);
  const functions = new Map(t.functions.map((f) => [
    f.name, new LocalFunction(f.name, options.concurrency ?? f.concurrency, report, outbox ? undefined : f.publishes?.to),
  ] as const));
  const consumed = options.functions ? new Set(options.functions) : undefined;
  const unknown = options.functions?.filter((name) => !functions.has(name));
  if (unknown?.length) throw new HeraldError(`no function ${unknown.map((n) => `"${n}"`).join(', ')} in topology ${t.name}`);
  const delivery = options.delivery ?? LOCAL_DELIVERY;
  const channels = deliveryPlan(t, delivery).channels.filter((c) => !consumed || consumed.has(c.function));
  /** Each consumed subscription's pipeline, for `next`'s code: its function's handler loaded once per function. */
  const pipelinesFor = (next: Topology, given = options.handlers) => {
    const nextRegistry = new EventRegistry(next.events);
    const handlers = new Map<string, HandlerDefinition>();
    const handlerOf = (name: string) => {
      let h = handlers.get(name) ?? given?.[name];
      if (!h) h = loadHandler(root, next.functions.find((f) => f.name === name)!);
      handlers.set(name, h);
      return h;
    };
    const built = new Map<string, Pipeline>();
    for (const channel of channels) {
      const publishTo = next.functions.find((f) => f.name === channel.function)!.publishes?.to;
      const publisher = outbox && publishTo ? outbox(publishTo) : accepted;
      built.set(channel.subscription, pipelineFor(next, channel, { ...shared, registry: nextRegistry, handler: handlerOf(channel.function), publisher }));
    }
    return { registry: nextRegistry, pipelines: built };
  };
  let { registry, pipelines } = pipelinesFor(t);
  const consuming = channels.map((channel) => transport.consume(
    channel, functions.get(channel.function)!.consumer(channel.subscription, () => pipelines.get(channel.subscription)!),
  ));
  const ready = Promise.all(consuming).then(() => {});
  ready.catch(() => {}); // whoever awaits `ready` sees the failure; it is not an unhandled rejection meanwhile

  let accepting = true;
  const ingress = (to: Ref<'bus' | 'topic'>, envelopes: readonly Envelope[]) => (
    accepting ? transport.publish(to, envelopes) : Promise.reject(new RuntimeStoppedError())
  );
  const scheduleFailed = (s: { name: string }, reason: string) => logger.error('schedule could not fire', { schedule: s.name, reason });
  const scheduler = new LocalScheduler(t.schedules, {
    clock: options.clock ?? systemClock,
    definition: (w) => registry.get(w),
    emit: (s, e) => void transport.publish(s.to, [e]).catch((error: unknown) => scheduleFailed(s, describe(error))),
    onError: scheduleFailed,
  });
  const buckets = new LocalBuckets(t.buckets, {
    dir: options.bucketsDir ?? path.join(root, '.herald', 'buckets'),
    definition: (w) => registry.get(w),
    emit: (b, e) => ingress(b.onUpload!.to, [e]),
  });
  const tables = new LocalTables(t.tables, { definition: (w) => registry.get(w), emit: (tb, e) => ingress(tb.onChange!.to, [e]) });
  if (options.schedules !== false) scheduler.start();

  const defaultTarget: Ref<'bus' | 'topic'> | undefined = t.buses[0] ?? t.topics[0];
  let stopping: Promise<StopReport> | undefined;
  return {
    traces, deadLetters, buckets, tables, scheduler, delivery, ready,
    get topology() { return topology; },
    get registry() { return registry; },
    get accepting() { return accepting; },
    get pending() { return transport.pending; },
    publish(envelopes, to = defaultTarget) {
      if (!to) return Promise.reject(new Error(`topology ${t.name} has no bus or topic to publish to`));
      return ingress(to, envelopes);
    },
    async fire(name) {
      const { schedule, envelope } = scheduler.eventAt(name);
      await ingress(schedule.to, [envelope]);
      return envelope;
    },
    async redrive(query = {}) {
      if (!accepting) throw new RuntimeStoppedError();
      const found = deadLetters.list(query);
      if (!found.length) return 0;
      // Its copies saw the event given up on (duplicates); the redrive runs it afresh, from attempt 1.
      for (const letter of found) await pipelines.get(letter.subscription)?.forget(letter.event);
      // Taken and handed to the transport in one turn: a durable store and transport commit both together.
      const letters = deadLetters.take(query);
      try {
        await transport.redrive(letters);
      } catch (error) {
        deadLetters.restore(letters);
        throw error;
      }
      return letters.length;
    },
    swapCode(next, handlers) {
      const changed = topologyDiff(topology, next, delivery);
      if (changed.length) throw new HeraldError(`topology ${next.name} declares something else (${describeChanges(changed).join('; ')}); restart the runtime to run it`);
      // Built whole before anything is replaced: a handler that fails to load leaves the old code running.
      const swapped = pipelinesFor(next, handlers);
      topology = next;
      registry = swapped.registry;
      pipelines = swapped.pipelines;
    },
    onDelivery(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    idle: () => transport.idle(),
    stop(graceMs, hurry) {
      stopping ??= (() => {
        accepting = false;
        scheduler.stop();
        return transport.close(graceMs, hurry);
      })();
      return stopping;
    },
  };
}

/**
 * The stores a runtime keeps its state in: the given ones, else new in-memory ones within LOCAL_LIMITS. A
 * caller that restarts runtimes (herald dev's reload) makes them once here and hands them to each.
 */
export function keptStores(options: Pick<LocalRuntimeOptions, 'traces' | 'deadLetters' | 'idempotency'>) {
  return {
    traces: options.traces ?? new TraceStore(),
    deadLetters: options.deadLetters ?? new DeadLetterStore(),
    idempotency: options.idempotency ?? new InMemoryIdempotencyStore({ maxEntries: LOCAL_LIMITS.idempotency.maxEntriesPerFunction }),
  };
}

/**
 * The pipeline's publisher: accepts and holds nothing. The transport sends the outcome's `published` on
 * once the delivery is reported and answered (the outbox, see Consumer.publishTo), which keeps traces in
 * causal order and lets a durable transport commit them with the settlement.
 */
const accepted: Publisher = { publish: async () => {} };
