/**
 * The embedded runtime: a topology wired into a running in-memory system. Buses and topics route by the
 * portable filters, each subscription reads through its queue, stream or direct channel, every delivery
 * runs the same pipeline the clouds run (timeouts, attempts and publish rights from the topology), and
 * what a handler publishes goes back onto its function's bus or topic.
 */
import * as path from 'node:path';
import {
  HeraldError, assertValidTopology, deliveryPlan, type Envelope, type HandlerDefinition, type Logger, type Ref, type Topology,
} from '../../contracts';
import {
  EventRegistry, InMemoryClaimCheckStore, InMemoryIdempotencyStore, createLogger, loadHandler, pipelineFor,
  type BackoffOptions, type Pipeline, type Publisher,
} from '../../runtime';
import { Router, type Route } from './bus';
import { systemClock, type Clock } from './clock';
import { DeadLetterStore } from './dead-letters';
import { LOCAL_DELIVERY, leaseMs } from './delivery';
import { LocalFunction, type Consumer, type DeliveryListener, type DeliveryRecord } from './function';
import { LocalQueue, type Undelivered } from './queue';
import { LocalScheduler } from './schedule';
import { LocalStream, keyReader } from './stream';
import { LocalTables } from './tables';
import { LocalTopic } from './topic';
import { TraceStore, type TraceStoreOptions } from './traces';
import { LocalBuckets } from './uploads';
import { WorkTracker } from './work';

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
  readonly traces?: TraceStoreOptions;
}

/** What `stop` left behind. */
export interface StopReport {
  /** Whether the grace period ran out before everything was settled. */
  readonly timedOut: boolean;
  /** Every event not delivered, per function, with the state it was in. */
  readonly undelivered: readonly Undelivered[];
}

/** Publishing after `stop` began. */
export class RuntimeStoppedError extends HeraldError {
  constructor() {
    super('the runtime is shutting down and accepts no new events');
  }
}

export interface LocalRuntime {
  readonly topology: Topology;
  readonly registry: EventRegistry;
  readonly traces: TraceStore;
  readonly deadLetters: DeadLetterStore;
  readonly buckets: LocalBuckets;
  readonly tables: LocalTables;
  readonly scheduler: LocalScheduler;
  /** False once `stop` began. */
  readonly accepting: boolean;
  /** Events owed: queued, in flight or waiting to be retried. */
  readonly pending: number;
  /**
   * Publishes checked envelopes to a bus or topic (default: the first bus, else the first topic).
   * @throws RuntimeStoppedError after `stop` began; Error for an unknown target
   */
  publish(envelopes: readonly Envelope[], to?: Ref<'bus' | 'topic'>): void;
  /** Sends dead letters (all, or those of one event id) back to their subscription, from attempt 1. */
  redrive(id?: string): number;
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
  const registry = new EventRegistry(t.events);
  const work = new WorkTracker();
  const traces = new TraceStore(options.traces);
  const deadLetters = new DeadLetterStore();
  const listeners = new Set<DeliveryListener>();
  const report = (record: DeliveryRecord) => {
    traces.record(record);
    for (const listener of listeners) listener(record);
  };
  const filtered = (route: Route, e: Envelope) => report({
    function: route.function, subscription: route.subscription, type: e.type, id: e.id,
    correlationid: e.correlationid ?? e.id, attempt: 0, outcome: 'filtered', durationMs: 0, at: Date.now(),
  });

  const routers = new Map<string, Router>();
  for (const b of t.buses) routers.set(`bus:${b.name}`, new Router(`bus ${b.name}`, filtered));
  for (const tp of t.topics) routers.set(`topic:${tp.name}`, new LocalTopic(tp.name, filtered));
  const streams = new Map(t.streams.map((s) => [s.name, new LocalStream(s, filtered)] as const));
  const route = (to: Ref<'bus' | 'topic'>, envelopes: readonly Envelope[]) => {
    const router = routers.get(`${to.kind}:${to.name}`);
    if (!router) throw new Error(`no ${to.kind} "${to.name}" in topology ${t.name}`);
    for (const e of envelopes) router.publish(e);
  };

  const shared = {
    idempotency: new InMemoryIdempotencyStore(),
    claimCheck: new InMemoryClaimCheckStore(),
    logger,
    ...(options.backoff ? { backoff: options.backoff } : {}),
  };
  const functions = new Map(t.functions.map((f) => {
    const to = f.publishes?.to;
    return [f.name, new LocalFunction(f.name, f.concurrency, report, to ? (events) => route(to, events) : undefined)] as const;
  }));
  const handlers = new Map<string, HandlerDefinition>();
  const handlerOf = (name: string) => {
    let h = handlers.get(name) ?? options.handlers?.[name];
    if (!h) h = loadHandler(root, t.functions.find((f) => f.name === name)!);
    handlers.set(name, h);
    return h;
  };

  const queues: LocalQueue[] = [];
  const named = new Map<string, LocalQueue>();
  const bySubscription = new Map<string, LocalQueue>();
  const pipelines = new Map<string, Pipeline>();
  const deadLetter = deadLetters.add.bind(deadLetters);
  const make = (name: string, consumer: Consumer, settings: { maxAttempts: number; visibilityMs?: number; orderKey?: (e: Envelope) => string }) => {
    const q = new LocalQueue({ name, consumer, deadLetter, work, ...settings });
    queues.push(q);
    return q;
  };
  for (const channel of deliveryPlan(t, LOCAL_DELIVERY).channels) {
    const pipeline = pipelineFor(t, channel, { ...shared, handler: handlerOf(channel.function), publisher: accepted });
    pipelines.set(channel.subscription, pipeline);
    const consumer = functions.get(channel.function)!.consumer(channel.subscription, pipeline);
    const { source, types, from } = channel;
    // The local router evaluates the whole filter (LOCAL_DELIVERY compiles it to its clauses).
    const clauses = channel.filter.native as Route['clauses'];
    const settings = {
      maxAttempts: channel.maxAttempts,
      ...(channel.orderKey ? { orderKey: keyReader(channel.orderKey) } : {}),
    };
    let queue: LocalQueue;
    if (source.kind === 'stream') {
      const s = streams.get(source.stream)!;
      queue = make(`stream ${source.stream} → ${channel.function}`, consumer, settings);
      // Through a stream, the bus already filtered; reading from one, the stream filters.
      s.add({ subscription: channel.subscription, function: channel.function, types, clauses: from.kind === 'stream' ? clauses : [], inlet: queue });
    } else if (source.kind === 'queue') {
      // One queue per declared queue, shared by the subscriptions reading it; a topic subscriber's own queue is its alone.
      queue = named.get(source.queue) ?? make(`queue ${source.queue}`, consumer, { ...settings, visibilityMs: leaseMs(channel) });
      named.set(source.queue, queue);
    } else {
      queue = make(`direct ${channel.subscription}`, consumer, settings);
    }
    bySubscription.set(channel.subscription, queue);
    if (from.kind !== 'stream') {
      const inlet = source.kind === 'stream' ? streams.get(source.stream)! : queue;
      routers.get(`${from.kind}:${from.name}`)!.add({ subscription: channel.subscription, function: channel.function, types, clauses, inlet });
    }
  }

  let accepting = true;
  const ingress = (to: Ref<'bus' | 'topic'>, envelopes: readonly Envelope[]) => {
    if (!accepting) throw new RuntimeStoppedError();
    route(to, envelopes);
  };
  const scheduler = new LocalScheduler(t.schedules, {
    clock: options.clock ?? systemClock,
    definition: (w) => registry.get(w),
    emit: (s, e) => route(s.to, [e]),
    onError: (s, reason) => logger.error('schedule could not fire', { schedule: s.name, reason }),
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
    topology: t, registry, traces, deadLetters, buckets, tables, scheduler,
    get accepting() { return accepting; },
    get pending() { return work.count; },
    publish(envelopes, to = defaultTarget) {
      if (!to) throw new Error(`topology ${t.name} has no bus or topic to publish to`);
      ingress(to, envelopes);
    },
    redrive(id) {
      if (!accepting) throw new RuntimeStoppedError();
      const letters = deadLetters.take(id);
      for (const letter of letters) {
        // Its copies saw the event given up on (duplicates); the redrive runs it afresh. The in-memory store forgets at once.
        void pipelines.get(letter.subscription)!.forget(letter.event);
        bySubscription.get(letter.subscription)!.enqueue(letter.event, 1);
      }
      return letters.length;
    },
    onDelivery(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    idle: () => work.idle(),
    stop(graceMs, hurry) {
      stopping ??= (async () => {
        accepting = false;
        scheduler.stop();
        let timer: NodeJS.Timeout | undefined;
        let cut: (() => void) | undefined;
        const timedOut = await Promise.race([
          work.idle().then(() => false),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(true), graceMs);
            cut = () => resolve(true);
            if (hurry?.aborted) cut();
            else hurry?.addEventListener('abort', cut);
          }),
        ]);
        clearTimeout(timer);
        if (cut) hurry?.removeEventListener('abort', cut);
        return { timedOut, undelivered: queues.flatMap((q) => q.close()) };
      })();
      return stopping;
    },
  };
}

/**
 * The pipeline's publisher: accepts and holds nothing. The function sends the outcome's `published` on
 * once the delivery is reported (see LocalFunction), which keeps traces in causal order.
 */
const accepted: Publisher = { publish: async () => {} };
