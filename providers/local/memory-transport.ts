/**
 * The `memory` transport: everything in this process, nothing kept across a restart (tests, benchmarks,
 * and `herald dev` until a durable transport is its default). Buses and topics are routers that evaluate
 * each channel's whole filter (its native clauses: LOCAL_DELIVERY compiles a filter to clauses and leaves
 * no residual); each channel reads through a local queue: its declared queue (shared by the subscriptions
 * reading it, so per-key order holds across them), a topic subscriber's own queue, a stream reader's
 * ordered queue, or a direct one. `publish` routes synchronously, so by the time it resolves every event
 * is in its queues.
 */
import type { Channel, Envelope, Ref } from '../../contracts';
import { Router, type Route } from './bus';
import type { DeadLetter } from './dead-letters';
import { leaseMs } from './delivery';
import { LocalQueue } from './queue';
import { LocalStream, keyReader } from './stream';
import { LocalTopic } from './topic';
import {
  TransportClosedError, type CloseReport, type Consumer, type Transport, type TransportContext, type TransportFactory,
} from './transport';
import { WorkTracker } from './work';

/** The memory transport. */
export function memoryTransport(): TransportFactory {
  return (context) => new MemoryTransport(context);
}

const ACCEPTED = Promise.resolve();

class MemoryTransport implements Transport {
  readonly name = 'memory';
  private readonly work = new WorkTracker();
  private readonly routers = new Map<string, Router>();
  private readonly streams = new Map<string, LocalStream>();
  private readonly queues: LocalQueue[] = [];
  /** Declared and own queues by name: one per queue, whichever subscriptions read it. */
  private readonly named = new Map<string, LocalQueue>();
  /** Where each consumed subscription's events enter. */
  private readonly inlets = new Map<string, { queue: LocalQueue; consumer: Consumer }>();
  private closing: Promise<CloseReport> | undefined;
  private readonly forward = (to: Ref<'bus' | 'topic'>, events: readonly Envelope[]) => this.route(to, events);

  constructor(private readonly context: TransportContext) {
    const t = context.topology;
    const filtered = (route: Route, e: Envelope) => context.filtered(route, e);
    for (const b of t.buses) this.routers.set(`bus:${b.name}`, new Router(`bus ${b.name}`, filtered));
    for (const tp of t.topics) this.routers.set(`topic:${tp.name}`, new LocalTopic(tp.name, filtered));
    for (const s of t.streams) this.streams.set(s.name, new LocalStream(s, filtered));
  }

  get pending(): number {
    return this.work.count;
  }

  idle(): Promise<void> {
    return this.work.idle();
  }

  publish(to: Ref<'bus' | 'topic'>, events: readonly Envelope[]): Promise<void> {
    if (this.closing) return Promise.reject(new TransportClosedError(this.name));
    try {
      this.route(to, events);
    } catch (error) {
      return Promise.reject(error);
    }
    return ACCEPTED;
  }

  consume(channel: Channel, consumer: Consumer): Promise<void> {
    if (this.closing) return Promise.reject(new TransportClosedError(this.name));
    if (this.inlets.has(channel.subscription)) return Promise.reject(new Error(`subscription "${channel.subscription}" is already consumed`));
    const { source, types, from } = channel;
    const clauses = channel.filter.native as Route['clauses'];
    const settings = { maxAttempts: channel.maxAttempts, ...(channel.orderKey ? { orderKey: keyReader(channel.orderKey) } : {}) };
    let queue: LocalQueue;
    if (source.kind === 'stream') {
      queue = this.queue(`stream ${source.stream} → ${channel.function}`, consumer, settings);
      // Through a stream, the bus already filtered; reading from one, the stream filters.
      this.streams.get(source.stream)!.add({
        subscription: channel.subscription, function: channel.function, types, clauses: from.kind === 'stream' ? clauses : [], inlet: queue,
      });
    } else if (source.kind === 'queue') {
      queue = this.named.get(source.queue) ?? this.queue(`queue ${source.queue}`, consumer, { ...settings, visibilityMs: leaseMs(channel) });
      // Validation lets only one function read a queue; its consumers then share its gate.
      if (queue.consumer.function !== consumer.function) {
        return Promise.reject(new Error(`queue ${source.queue} is read by ${queue.consumer.function}; ${consumer.function} cannot read it too`));
      }
      this.named.set(source.queue, queue);
    } else {
      queue = this.queue(`direct ${channel.subscription}`, consumer, settings);
    }
    this.inlets.set(channel.subscription, { queue, consumer });
    if (from.kind !== 'stream') {
      // Another subscription reading a shared queue sends its events there for its own consumer.
      const own = queue.consumer === consumer ? queue : { send: (e: Envelope) => queue.enqueue(e, 1, consumer) };
      const inlet = source.kind === 'stream' ? this.streams.get(source.stream)! : own;
      this.routers.get(`${from.kind}:${from.name}`)!.add({ subscription: channel.subscription, function: channel.function, types, clauses, inlet });
    }
    return ACCEPTED;
  }

  redrive(letters: readonly DeadLetter[]): Promise<void> {
    if (this.closing) return Promise.reject(new TransportClosedError(this.name));
    const unknown = letters.find((l) => !this.inlets.has(l.subscription));
    if (unknown) return Promise.reject(new Error(`no subscription "${unknown.subscription}" is consumed`));
    for (const letter of letters) {
      const { queue, consumer } = this.inlets.get(letter.subscription)!;
      queue.enqueue(letter.event, 1, consumer);
    }
    return ACCEPTED;
  }

  close(graceMs: number, hurry?: AbortSignal): Promise<CloseReport> {
    this.closing ??= this.drain(graceMs, hurry);
    return this.closing;
  }

  private async drain(graceMs: number, hurry?: AbortSignal): Promise<CloseReport> {
    let timer: NodeJS.Timeout | undefined;
    let cut: (() => void) | undefined;
    const timedOut = await Promise.race([
      this.work.idle().then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), graceMs);
        cut = () => resolve(true);
        if (hurry?.aborted) cut();
        else hurry?.addEventListener('abort', cut);
      }),
    ]);
    clearTimeout(timer);
    if (cut) hurry?.removeEventListener('abort', cut);
    return { timedOut, undelivered: this.queues.flatMap((q) => q.close()) };
  }

  /** Sends events to a bus or topic's routes; also what deliveries publish, which goes on while closing. */
  private route(to: Ref<'bus' | 'topic'>, events: readonly Envelope[]): void {
    const router = this.routers.get(`${to.kind}:${to.name}`);
    if (!router) throw new Error(`no ${to.kind} "${to.name}" in topology ${this.context.topology.name}`);
    for (const e of events) router.publish(e);
  }

  private queue(name: string, consumer: Consumer, settings: { maxAttempts: number; visibilityMs?: number; orderKey?: (e: Envelope) => string }): LocalQueue {
    const q = new LocalQueue({
      name, consumer, deadLetter: (letter) => this.context.deadLettered(letter), forward: this.forward, work: this.work, ...settings,
    });
    this.queues.push(q);
    return q;
  }
}
