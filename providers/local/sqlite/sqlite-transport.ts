/**
 * The `sqlite` transport: the memory transport's routing and queues (routing.ts, channel-queue.ts,
 * queue.ts), with every accepted event and each subscription's delivery state kept in the state database
 * (state.ts, deliveries.ts). Accepted means stored: `publish` and `redrive` resolve once their rows are
 * committed, a successful delivery's published events are committed with its settlement (the outbox), and
 * a delivery's attempt is recorded before its handler runs, so a crash mid-delivery counts it.
 *
 * The hot path stays in memory: the queues hold what is owed (loaded from the database at start) and
 * decide everything; each change of state is written through the group commit, which turns the writes of
 * one event-loop turn into one transaction. Nothing polls the database. A settled delivery's row is
 * deleted, and its event's row with the last one.
 *
 * After a restart on the same file (a crash, or a close that left work), every delivery still owed is
 * restored for its own subscription once that subscription is consumed, at the attempt it had reached: a
 * retry waits out what is left of its backoff; a delivery in flight at the stop counts as an attempt (so
 * does one whose start was being recorded when a close cut the grace period short). Rows of a
 * subscription the topology no longer has stay in the file, undelivered.
 * Across a restart, per-key order holds within a subscription; two subscriptions sharing one ordered queue
 * get their kept events back one subscription after the other.
 */
import { deliveryPlan, type Channel, type DeliveryPlan, type DeliveryTarget, type Envelope, type Ref } from '../../../contracts';
import { describe } from '../../../runtime';
import { channelQueue, queueName, type QueueSettings } from '../channel-queue';
import type { DeadLetter } from '../dead-letters';
import { LOCAL_DELIVERY } from '../delivery';
import type { Message, StoredEvent } from '../buffers';
import { LocalQueue, type Published, type QueueJournal, type RestoredState } from '../queue';
import {
  TransportClosedError, type CloseReport, type Consumer, type Transport, type TransportContext, type TransportFactory, type Undelivered,
} from '../transport';
import { WorkTracker } from '../work';
import { DeliveryTables } from './deliveries';
import { TurnBatches } from './turn-batches';
import { RouteCollector, type Refused, type Routed } from './route-collector';
import { openState, type StateDb } from './state';

export interface SqliteTransportOptions {
  /** The state database: a file to open (the transport closes it), or one already open (its opener closes it). */
  readonly state: string | StateDb;
  /** The target whose delivery plan the runtime consumes. @default LOCAL_DELIVERY */
  readonly target?: DeliveryTarget;
  /** The group-commit window (state.ts). @default 0: one commit per event-loop turn */
  readonly commitWindowMs?: number;
}

/** The durable transport on SQLite. Opening the database happens when the runtime makes the transport. */
export function sqliteTransport(options: SqliteTransportOptions): TransportFactory {
  return (context) => new SqliteTransport(context, options);
}

/** A delivery owed to a subscription not consumed yet: restored into its queue once it is. */
interface Waiting {
  readonly envelope: Envelope;
  readonly stored: { readonly row: number; readonly event: StoredEvent };
  readonly state: RestoredState;
  readonly attempt: number;
  readonly notBefore: number;
}

/** Where a consumed subscription's deliveries go. */
interface Inlet {
  readonly queue: LocalQueue;
  readonly consumer: Consumer;
}

class SqliteTransport implements Transport, QueueJournal {
  readonly name = 'sqlite';
  private readonly work = new WorkTracker();
  private readonly state: StateDb;
  private readonly owned: boolean;
  private readonly tables: DeliveryTables;
  private readonly plan: DeliveryPlan;
  /** The subscriptions of the plan: what the file may owe a delivery to. */
  private readonly subscriptions: ReadonlySet<string>;
  private readonly routes: RouteCollector;
  private readonly queues: LocalQueue[] = [];
  private readonly named = new Map<string, LocalQueue>();
  private readonly inlets = new Map<string, Inlet>();
  /** Per subscription not consumed yet, in acceptance order. */
  private readonly unconsumed = new Map<string, Waiting[]>();
  private closing: Promise<CloseReport> | undefined;
  private failure: Error | undefined;
  private readonly batches: TurnBatches;

  constructor(private readonly context: TransportContext, options: SqliteTransportOptions) {
    this.owned = typeof options.state === 'string';
    this.state = typeof options.state === 'string' ? openState(options.state, { windowMs: options.commitWindowMs ?? 0 }) : options.state;
    try {
      this.tables = new DeliveryTables(this.state);
    } catch (error) {
      if (this.owned) this.state.close();
      throw error;
    }
    this.batches = new TurnBatches(this.state, this.tables, (error) => this.broken(error));
    this.plan = deliveryPlan(context.topology, options.target ?? LOCAL_DELIVERY);
    this.subscriptions = new Set(this.plan.channels.map((c) => c.subscription));
    this.routes = new RouteCollector(context.topology, this.plan.channels);
    this.load();
  }

  get pending(): number {
    return this.work.count;
  }

  idle(): Promise<void> {
    return this.work.idle();
  }

  publish(to: Ref<'bus' | 'topic'>, events: readonly Envelope[]): Promise<void> {
    if (this.closing) return Promise.reject(new TransportClosedError(this.name));
    if (this.failure) return Promise.reject(this.failure);
    return this.accept(to, events);
  }

  consume(channel: Channel, consumer: Consumer): Promise<void> {
    if (this.closing) return Promise.reject(new TransportClosedError(this.name));
    if (this.inlets.has(channel.subscription)) return Promise.reject(new Error(`subscription "${channel.subscription}" is already consumed`));
    if (!this.subscriptions.has(channel.subscription)) {
      return Promise.reject(new Error(`subscription "${channel.subscription}" is not in the delivery plan of topology ${this.context.topology.name}`));
    }
    let queue: LocalQueue;
    try {
      queue = channelQueue(channel, consumer, this.named, (settings) => this.queue(consumer, settings));
    } catch (error) {
      return Promise.reject(error);
    }
    this.inlets.set(channel.subscription, { queue, consumer });
    const kept = this.unconsumed.get(channel.subscription) ?? [];
    this.unconsumed.delete(channel.subscription);
    for (const w of kept) {
      const m: Message = queue.consumer === consumer
        ? { envelope: w.envelope, attempt: w.attempt, receipt: 0, stored: w.stored }
        : { envelope: w.envelope, attempt: w.attempt, receipt: 0, stored: w.stored, consumer };
      queue.restore(m, w.state, w.notBefore);
    }
    // Counted while waiting; the queue counts them now (added before this, so pending never reads 0 between).
    this.work.done(kept.length);
    return Promise.resolve();
  }

  redrive(letters: readonly DeadLetter[]): Promise<void> {
    if (this.closing) return Promise.reject(new TransportClosedError(this.name));
    if (this.failure) return Promise.reject(this.failure);
    const unknown = letters.find((l) => !this.inlets.has(l.subscription));
    if (unknown) return Promise.reject(new Error(`no subscription "${unknown.subscription}" is consumed`));
    // Each letter is its own event row, even when several letters carry one event.
    return this.store(letters.map((l) => [l.event, [l.subscription]]), []);
  }

  close(graceMs: number, hurry?: AbortSignal): Promise<CloseReport> {
    this.closing ??= this.drain(graceMs, hurry);
    return this.closing;
  }

  // QueueJournal: how the queues' decisions reach the database.

  started(m: Message): Promise<void> {
    return this.batches.current().start(m.stored!.row, m.attempt);
  }

  waiting(m: Message, notBefore?: number): void {
    // Not awaited: until it commits, the row says in flight at the attempt before, which a restart counts
    // the same way (the next attempt is this one); only the backoff's end would be lost.
    this.batches.current().wait(m.stored!.row, m.attempt, notBefore);
  }

  settled(m: Message, published?: Published): Promise<void> {
    const { row, event } = m.stored!;
    const last = --event.owed === 0;
    if (!published) return this.batches.current().settle(row, last ? event.seq : undefined);
    let routing: ReturnType<RouteCollector['route']>;
    try {
      routing = this.routes.route(published.to, published.events);
    } catch (error) {
      event.owed++;
      return Promise.reject(error);
    }
    return this.store(routing.routed, routing.refused, () => this.tables.settle(row, event.seq, last));
  }

  /** Routes events and commits their rows; resolves once committed and owed. */
  private accept(to: Ref<'bus' | 'topic'>, events: readonly Envelope[]): Promise<void> {
    let routing: ReturnType<RouteCollector['route']>;
    try {
      routing = this.routes.route(to, events);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.store(routing.routed, routing.refused);
  }

  /**
   * Commits the routed events' rows (with `also`, in the same transaction), then hands each delivery to its
   * queue and reports what filters refused. Owed from the call on, so `idle` cannot pass in between.
   */
  private store(routed: Routed, refused: readonly Refused[], also?: () => void): Promise<void> {
    const report = () => {
      for (const { channel, envelope } of refused) this.context.filtered(channel, envelope);
    };
    if (!routed.length && !also) {
      report();
      return Promise.resolve();
    }
    this.work.add();
    const write = () => {
      also?.();
      return this.tables.insertAll(routed);
    };
    return this.state.write(write).then(
      (stored) => {
        stored.forEach(({ event, rows }, i) => {
          const [envelope, subscriptions] = routed[i]!;
          const shared: StoredEvent = { seq: event, owed: rows.length };
          rows.forEach((row, j) => this.deliver(subscriptions[j]!, envelope, { row, event: shared }, 'queued', 1, 0));
        });
        report();
        this.work.done();
      },
      (error: unknown) => {
        this.work.done();
        throw this.broken(error);
      },
    );
  }

  /** Hands one owed delivery to its subscription's queue, or keeps it until the subscription is consumed. */
  private deliver(subscription: string, envelope: Envelope, stored: Waiting['stored'], state: RestoredState, attempt: number, notBefore: number): void {
    const inlet = this.inlets.get(subscription);
    if (!inlet) {
      this.work.add();
      const list = this.unconsumed.get(subscription);
      const w: Waiting = { envelope, stored, state, attempt, notBefore };
      if (list) list.push(w);
      else this.unconsumed.set(subscription, [w]);
      return;
    }
    const { queue, consumer } = inlet;
    const m: Message = queue.consumer === consumer
      ? { envelope, attempt, receipt: 0, stored }
      : { envelope, attempt, receipt: 0, stored, consumer };
    if (state === 'queued' && attempt === 1 && notBefore === 0) queue.add(m);
    else queue.restore(m, state, notBefore);
  }

  /** Reads what the database owes, as at the last stop. */
  private load(): void {
    const envelopes = new Map<number, { envelope: Envelope; stored: StoredEvent }>();
    for (const row of this.tables.load()) {
      let event = envelopes.get(row.event);
      if (!event) envelopes.set(row.event, (event = { envelope: JSON.parse(row.envelope) as Envelope, stored: { seq: row.event, owed: 0 } }));
      // An orphaned row still owes its event: the event row stays with it.
      event.stored.owed++;
      if (!this.subscriptions.has(row.subscription)) continue;
      this.deliver(row.subscription, event.envelope, { row: row.seq, event: event.stored }, row.state, row.attempt, row.nextAt ?? 0);
    }
  }

  /** A write failed: the database cannot be trusted to keep more, so nothing more is accepted. */
  private broken(error: unknown): Error {
    this.failure ??= new Error(`the state database ${this.state.file} failed: ${describe(error)}`, { cause: error });
    return this.failure;
  }

  private queue(consumer: Consumer, settings: QueueSettings): LocalQueue {
    const q = new LocalQueue({
      consumer, deadLetter: (letter) => this.context.deadLettered(letter),
      interrupted: (m, by, reason, gaveUp) => this.context.interrupted?.(by, m.envelope, m.attempt, reason, gaveUp),
      // A late success's published events (after its lease ran out) are accepted on their own.
      forward: (to, events) => void this.accept(to, events).catch(() => {}),
      work: this.work, journal: this, ...settings,
    });
    this.queues.push(q);
    return q;
  }

  private async drain(graceMs: number, hurry?: AbortSignal): Promise<CloseReport> {
    const timedOut = await this.work.idleWithin(graceMs, hurry);
    const undelivered: Undelivered[] = this.queues.flatMap((q) => q.close());
    for (const [subscription, kept] of this.unconsumed) {
      const channel = this.plan.channel(subscription);
      for (const w of kept) {
        undelivered.push({ queue: queueName(channel), function: channel.function, subscription, state: w.state, attempt: w.attempt, event: w.envelope });
      }
      this.work.done(kept.length);
    }
    this.unconsumed.clear();
    // What is queued for the next commit (settlements answered in time) is committed before the file closes.
    if (this.owned) this.state.close();
    else this.state.flush();
    return { timedOut, undelivered };
  }
}
