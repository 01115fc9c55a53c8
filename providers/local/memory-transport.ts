/**
 * The `memory` transport: everything in this process, nothing kept across a restart (tests, benchmarks,
 * and `herald dev --memory`). Routing is routing.ts; each channel reads through a local queue
 * (channel-queue.ts): its declared queue (shared by the subscriptions reading it, so per-key order holds
 * across them), a topic subscriber's own queue, a stream reader's ordered queue, or a direct one.
 * `publish` routes synchronously, so by the time it resolves every event is in its queues.
 */
import type { Channel, Envelope, Ref } from '../../contracts';
import { channelQueue, type QueueSettings } from './channel-queue';
import type { DeadLetter } from './dead-letters';
import { LocalQueue } from './queue';
import { Routing } from './routing';
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
  private readonly routing: Routing;
  private readonly queues: LocalQueue[] = [];
  /** Declared and own queues by name: one per queue, whichever subscriptions read it. */
  private readonly named = new Map<string, LocalQueue>();
  /** Where each consumed subscription's events enter. */
  private readonly inlets = new Map<string, { queue: LocalQueue; consumer: Consumer }>();
  private closing: Promise<CloseReport> | undefined;
  private readonly forward = (to: Ref<'bus' | 'topic'>, events: readonly Envelope[]) => this.route(to, events);

  constructor(private readonly context: TransportContext) {
    this.routing = new Routing(context.topology, (channel, e) => context.filtered(channel, e));
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
    let queue: LocalQueue;
    try {
      queue = channelQueue(channel, consumer, this.named, (settings) => this.queue(consumer, settings));
    } catch (error) {
      return Promise.reject(error);
    }
    this.inlets.set(channel.subscription, { queue, consumer });
    // Another subscription reading a shared queue sends its events there for its own consumer.
    this.routing.add(channel, queue.consumer === consumer ? queue : { send: (e: Envelope) => queue.enqueue(e, 1, consumer) });
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
    const timedOut = await this.work.idleWithin(graceMs, hurry);
    return { timedOut, undelivered: this.queues.flatMap((q) => q.close()) };
  }

  /** Sends events to a bus or topic's routes; also what deliveries publish, which goes on while closing. */
  private route(to: Ref<'bus' | 'topic'>, events: readonly Envelope[]): void {
    this.routing.publish(to, events);
  }

  private queue(consumer: Consumer, settings: QueueSettings): LocalQueue {
    const q = new LocalQueue({
      consumer, deadLetter: (letter) => this.context.deadLettered(letter), forward: this.forward, work: this.work, ...settings,
    });
    this.queues.push(q);
    return q;
  }
}
