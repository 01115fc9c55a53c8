/**
 * A local queue in front of one consumer: deliveries pass the function's concurrency gate, a delivery
 * not settled within the visibility timeout is made visible again (and counts as an attempt), a retry
 * waits out the pipeline's backoff (exponential, full jitter), a delivery deferred (another copy of the
 * event held it) comes back after its delay without counting an attempt, and an event given up on goes to
 * the dead-letter store with its reason, attempts and last error. What a successful delivery published is
 * forwarded before the delivery is settled (the outbox). Ordered by key when given `orderKey` (FIFO
 * queues, streams). Direct subscriptions use one too, with no visibility timeout. Several subscriptions
 * of one function may read one declared queue: each event is delivered to the consumer it was sent for.
 * Both transports use it: the memory transport as is, the durable one with a journal that records each
 * change of a message's state (and commits the outbox with the settlement).
 */
import type { Envelope, Ref } from '../../contracts';
import { describe, type Outcome } from '../../runtime';
import { FifoBuffer, KeyedBuffer, type Message, type MessageBuffer } from './buffers';
import type { DeadLetter } from './dead-letters';
import type { Consumer, Undelivered } from './transport';
import type { WorkTracker } from './work';

/** Where events enter a delivery channel. */
export interface Inlet {
  /** Accepts one event; it is owed (see WorkTracker) until settled. */
  send(envelope: Envelope): void;
}

/** What a successful delivery published, and where it goes (its consumer's `publishTo`). */
export interface Published {
  readonly to: Ref<'bus' | 'topic'>;
  readonly events: readonly Envelope[];
}

/**
 * What a durable transport records of a queue's messages (sqlite/sqlite-transport.ts); the memory
 * transport has none. The queue keeps deciding everything in memory and tells the journal.
 */
export interface QueueJournal {
  /** A delivery of `m` at `m.attempt` is about to start: resolves once recorded, so a crash while it runs counts the attempt. */
  started(m: Message): Promise<void>;
  /** `m` is owed again at `m.attempt`: a retry not before `notBefore` (epoch ms), or at once after a lost lease. */
  waiting(m: Message, notBefore?: number): void;
  /**
   * `m` is settled (handled, a duplicate, filtered or dead-lettered); `published` is accepted with it, in
   * one commit (the outbox). Resolves once committed and the published events are owed.
   */
  settled(m: Message, published?: Published): Promise<void>;
}

/** The state a durable transport kept a message in, as `restore` takes it back. */
export type RestoredState = 'queued' | 'retrying' | 'in-flight';

export interface LocalQueueOptions {
  /** For reports: `queue payments`, `direct send-confirmation-shop`, `stream order-audit`. */
  readonly name: string;
  /** Receives what is sent without naming a consumer. Every consumer of one queue is one function's, so they share its gate. */
  readonly consumer: Consumer;
  /** Attempts before dead-lettering: bounds visibility expiries, and retries a consumer answers on its last attempt. */
  readonly maxAttempts: number;
  /** How long a delivered event stays invisible. @default no limit (the function timeout still applies) */
  readonly visibilityMs?: number;
  /** Delivers one event per key at a time, in order. @default unordered */
  readonly orderKey?: (envelope: Envelope) => string;
  readonly deadLetter: (letter: DeadLetter) => void;
  /**
   * A restored message found in flight (its process died mid-delivery): its attempt counts, and is
   * retried at once or, when it was the last, given up (`gaveUp`; `deadLetter` follows). For the trace.
   */
  readonly interrupted?: (m: Message, consumer: Consumer, reason: string, gaveUp: boolean) => void;
  /** Sends what a successful delivery published to its consumer's `publishTo`. @default dropped */
  readonly forward?: (to: Ref<'bus' | 'topic'>, events: readonly Envelope[]) => void;
  readonly work: WorkTracker;
  /** Records every change of a message's state (a durable transport). @default none: nothing is kept */
  readonly journal?: QueueJournal;
}

export class LocalQueue implements Inlet {
  readonly name: string;
  private readonly buffer: MessageBuffer;
  private readonly inFlight = new Set<Message>();
  private readonly delayed = new Set<Message>();
  /** Settled, waiting for the journal to commit it: owed until then, but no longer undelivered. */
  private readonly settling = new Set<Message>();
  private closed = false;
  private readonly pump = () => this.drive();

  constructor(private readonly options: LocalQueueOptions) {
    this.name = options.name;
    this.buffer = options.orderKey ? new KeyedBuffer(options.orderKey) : new FifoBuffer();
  }

  send(envelope: Envelope): void {
    this.enqueue(envelope, 1);
  }

  /** Accepts an event at a given attempt (a redrive starts again at 1), for `consumer` (default: the queue's own). */
  enqueue(envelope: Envelope, attempt: number, consumer?: Consumer): void {
    this.add(consumer && consumer !== this.options.consumer ? { envelope, attempt, receipt: 0, consumer } : { envelope, attempt, receipt: 0 });
  }

  /** Accepts a message as built (a durable transport's carries its rows). */
  add(m: Message): void {
    this.options.work.add();
    this.buffer.add(m);
    this.drive();
  }

  /**
   * Takes back a message a durable transport kept across a restart, in the order it accepted them: queued;
   * retrying, due at `notBefore` (first of its key meanwhile); or in flight when the process stopped,
   * which counts as an attempt, as a lost lease does.
   */
  restore(m: Message, state: RestoredState, notBefore = 0): void {
    this.options.work.add();
    if (state === 'in-flight') {
      const reason = `delivery interrupted on attempt ${m.attempt} (the process stopped before it was answered)`;
      this.options.interrupted?.(m, m.consumer ?? this.options.consumer, reason, m.attempt >= this.options.maxAttempts);
      this.lost(m, reason);
    } else if (state === 'retrying' && notBefore > Date.now()) {
      this.buffer.hold(m);
      this.wait(m, notBefore - Date.now());
    } else {
      this.buffer.add(m);
      this.drive();
    }
  }

  /** Who receives what is sent without naming a consumer. */
  get consumer(): Consumer {
    return this.options.consumer;
  }

  /** Events held, retrying, in flight or being settled. */
  get depth(): number {
    return this.buffer.size + this.delayed.size + this.inFlight.size + this.settling.size;
  }

  /**
   * Stops delivering and returns everything not yet settled. Late results of deliveries still running
   * are ignored from now on. What the journal is committing is settled, not returned: it stays owed until
   * the journal's commit lands (the durable transport commits before it closes its database).
   */
  close(): Undelivered[] {
    this.closed = true;
    const left: Undelivered[] = [];
    const add = (m: Message, state: Undelivered['state']) => {
      clearTimeout(m.timer);
      const consumer = m.consumer ?? this.options.consumer;
      left.push({
        queue: this.name, function: consumer.function, subscription: consumer.subscription,
        state, attempt: m.attempt, event: m.envelope,
      });
    };
    for (const m of this.inFlight) add(m, 'in-flight');
    for (const m of this.delayed) add(m, 'retrying');
    for (const m of this.buffer.drain()) add(m, 'queued');
    this.inFlight.clear();
    this.delayed.clear();
    this.options.work.done(left.length);
    return left;
  }

  private drive(): void {
    const { gate } = this.options.consumer;
    while (!this.closed && this.buffer.hasReady()) {
      // Take an event only when the function can run it, so its visibility timeout starts at delivery.
      if (!gate.tryEnter()) {
        gate.wait(this.pump);
        return;
      }
      this.deliver(this.buffer.take()!);
    }
  }

  private deliver(m: Message): void {
    const receipt = ++m.receipt;
    this.inFlight.add(m);
    const { journal } = this.options;
    if (!journal) {
      this.run(m, receipt);
      return;
    }
    const consumer = m.consumer ?? this.options.consumer;
    journal.started(m).then(
      () => {
        if (this.closed) consumer.gate.leave();
        else this.run(m, receipt);
      },
      // Not recorded: not delivered. It stays in flight, reported at close and delivered after a restart.
      () => consumer.gate.leave(),
    );
  }

  private run(m: Message, receipt: number): void {
    const { visibilityMs } = this.options;
    if (visibilityMs !== undefined) m.timer = setTimeout(() => this.expire(m, receipt), visibilityMs);
    const consumer = m.consumer ?? this.options.consumer;
    consumer.deliver(m.envelope, m.attempt).then((outcome) => {
      consumer.gate.leave();
      if (this.closed) return;
      if (m.receipt === receipt) this.settle(m, outcome, consumer);
      // A late success still sends what it published: the event is recorded as handled, so its redelivery is a duplicate.
      else if (outcome.kind === 'ok') this.forward(outcome, consumer);
      this.drive();
    });
  }

  private settle(m: Message, outcome: Outcome, consumer: Consumer): void {
    clearTimeout(m.timer);
    this.inFlight.delete(m);
    switch (outcome.kind) {
      case 'retry':
        if (m.attempt >= this.options.maxAttempts) {
          this.bury(m, `gave up after ${m.attempt} attempts: ${outcome.reason}`, describe(outcome.error));
          return;
        }
        m.attempt++;
        this.options.journal?.waiting(m, Date.now() + outcome.delayMs);
        this.wait(m, outcome.delayMs);
        return;
      case 'deferred':
        // Another delivery of the event holds it: back after the delay, the attempt not counted.
        this.options.journal?.waiting(m, Date.now() + outcome.delayMs);
        this.wait(m, outcome.delayMs);
        return;
      case 'dead-letter':
        // The pipeline's count: copies of the event share attempts, so it may exceed this message's own.
        this.bury(m, outcome.reason, describe(outcome.error), outcome.attempt);
        return;
      case 'ok':
        if (this.options.journal) {
          const published = outcome.published.length && consumer.publishTo ? { to: consumer.publishTo, events: outcome.published } : undefined;
          this.commit(m, this.options.journal.settled(m, published));
          return;
        }
        // Before the event is settled, so the work owed never drops to zero between the two.
        this.forward(outcome, consumer);
        this.done(m);
        return;
      default:
        if (this.options.journal) this.commit(m, this.options.journal.settled(m));
        else this.done(m);
    }
  }

  /** Waits out a retry's backoff; the message stays first of its key meanwhile. */
  private wait(m: Message, delayMs: number): void {
    this.delayed.add(m);
    m.timer = setTimeout(() => {
      this.delayed.delete(m);
      this.buffer.again(m);
      this.drive();
    }, delayMs);
  }

  private done(m: Message): void {
    this.buffer.done(m);
    this.options.work.done();
  }

  /** Settles once the journal committed; until then the message's key stays busy and it is owed. */
  private commit(m: Message, committed: Promise<void>): void {
    this.settling.add(m);
    committed.then(
      () => {
        this.settling.delete(m);
        this.done(m);
        this.drive();
      },
      // Not committed: still owed. Kept in flight, so close reports it; its row is delivered after a restart.
      () => {
        this.settling.delete(m);
        this.inFlight.add(m);
      },
    );
  }

  private forward(outcome: Extract<Outcome, { kind: 'ok' }>, consumer: Consumer): void {
    if (outcome.published.length && consumer.publishTo) this.options.forward?.(consumer.publishTo, outcome.published);
  }

  /** The visibility timeout ran out before the delivery settled: like SQS, the event becomes visible again. */
  private expire(m: Message, receipt: number): void {
    if (this.closed || m.receipt !== receipt) return;
    m.receipt++; // the running delivery's result no longer counts, even if it comes before the redelivery
    this.inFlight.delete(m);
    this.lost(m, `visibility timeout of ${this.options.visibilityMs} ms expired on attempt ${m.attempt}`);
  }

  /** A delivery that was never answered counts as an attempt: the next one is owed at once, or the event is given up. */
  private lost(m: Message, reason: string): void {
    if (m.attempt >= this.options.maxAttempts) {
      this.bury(m, `gave up after ${m.attempt} attempts: ${reason}`, reason);
      return;
    }
    m.attempt++;
    this.options.journal?.waiting(m);
    this.buffer.again(m);
    this.drive();
  }

  private bury(m: Message, reason: string, lastError: string, attempts = m.attempt): void {
    const consumer = m.consumer ?? this.options.consumer;
    this.options.deadLetter({
      id: m.envelope.id, type: m.envelope.type, function: consumer.function, subscription: consumer.subscription,
      attempts, reason, lastError, at: new Date().toISOString(), event: m.envelope,
    });
    if (this.options.journal) this.commit(m, this.options.journal.settled(m));
    else this.done(m);
  }
}
