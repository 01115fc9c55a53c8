/**
 * The transport seam of the embedded runtime: how events travel from publishers to each subscription's
 * consumer, and how each delivery is settled. The runtime (runtime.ts) owns the rest: it builds one
 * pipeline per channel, reports deliveries, keeps traces and dead letters. A transport is written in terms
 * of the delivery plan (contracts/delivery.ts): one channel per subscription, with its source, types,
 * filter, attempts, order key and lease.
 *
 * `memory` (memory-transport.ts) keeps everything in this process (tests, benchmarks). A durable transport
 * (on an embedded database) and a Kafka transport implement the same interface; each must pass the
 * conformance suite in test/providers/local/transport-conformance.ts, and the comments below say what
 * each of them must guarantee beyond it.
 */
import { HeraldError, type Channel, type Envelope, type EventDefinition, type Ref, type Topology } from '../../contracts';
import type { Outcome, Publisher } from '../../runtime';
import type { DeadLetter } from './dead-letters';
import type { Gate } from './gate';

/** What a transport delivers to: one subscription's pipeline, behind its function's gate. */
export interface Consumer {
  readonly function: string;
  readonly subscription: string;
  /** The function's concurrency gate, shared by its channels: entered before each delivery, left once it is answered. */
  readonly gate: Gate;
  /**
   * Where the events a successful handler published (an `ok` outcome's `published`) go: the function's
   * `publishes.to`. The transport sends them there before it acknowledges the delivery (the outbox).
   */
  readonly publishTo?: Ref<'bus' | 'topic'>;
  /**
   * Runs one delivery (`attempt` is 1-based) and answers its outcome. Never rejects. `checkedBy`: the
   * definition the transport checked the envelope against as it decoded it (the pipeline's `Delivery`).
   */
  deliver(envelope: Envelope, attempt: number, checkedBy?: EventDefinition<any>): Promise<Outcome>;
}

/** An event a closed transport had not settled for one subscription. */
export interface Undelivered {
  /** The channel's source, for reports: `queue payments`, `stream order-audit → audit-orders`, `direct send-confirmation-shop`. */
  readonly queue: string;
  readonly function: string;
  readonly subscription: string;
  readonly state: 'queued' | 'retrying' | 'in-flight';
  /** The attempt it was at. */
  readonly attempt: number;
  readonly event: Envelope;
}

/** What `close` left behind. */
export interface CloseReport {
  /** Whether the grace period ran out (or was cut short) before everything was settled. */
  readonly timedOut: boolean;
  /** Every event not settled, per subscription, with the state it was in. */
  readonly undelivered: readonly Undelivered[];
  /**
   * Set when the stop gave up on closing what it holds outside this process (a Kafka cluster it could not reach
   * to commit and leave its groups in time): what was left, in words. Nothing is lost by it: what was not
   * committed is delivered again.
   */
  readonly unclosed?: string;
}

/** Publishing or redriving after `close` began. */
export class TransportClosedError extends HeraldError {
  constructor(transport: string) {
    super(`the ${transport} transport is closing and accepts no new events`);
  }
}

/** A subscription, as the runtime's reports name it. */
export type ChannelName = Pick<Channel, 'function' | 'subscription'>;

/** What the runtime gives a transport when it makes one. */
export interface TransportContext {
  readonly topology: Topology;
  /**
   * An event a subscription receives by type but whose filter refused it: the runtime traces it as
   * `filtered`, which is what tells a user why a function was not reached. Once per subscription and event.
   */
  filtered(channel: ChannelName, envelope: Envelope): void;
  /** An event given up on, with its reason and attempts. The runtime keeps it for `herald dlq`. */
  deadLettered(letter: DeadLetter): void;
  /**
   * A delivery a durable transport found started and never answered when it opened (the process died
   * mid-delivery). It counts as attempt `attempt`: retried at once, or given up when it was the last
   * (`gaveUp`; `deadLettered` follows). The runtime traces it, so a trace shows every attempt made.
   */
  interrupted?(channel: ChannelName, envelope: Envelope, attempt: number, reason: string, gaveUp: boolean): void;
}

/** Makes a transport for one runtime (a durable one opens its storage here; Kafka makes its clients). */
export type TransportFactory = (context: TransportContext) => Transport;

export interface Transport {
  /** For messages: `memory`, `sqlite`, `kafka`. */
  readonly name: string;

  /**
   * Accepts events for a bus or topic and routes them as the topology says: each goes to every consumed
   * channel published from there whose types include the event's type and whose filter accepts it (the
   * channel's clauses; what the transport's broker cannot evaluate, its consumer does). A channel that
   * receives the type but refuses the event is reported through `context.filtered`, not delivered. A
   * subscription through a stream appends what it accepts to the stream, and every reader of the stream
   * receives it by type (and by its own filter when it subscribes to the stream itself).
   *
   * Resolves once the transport has accepted every event: from then on each is owed to its channels
   * (counted in `pending`) until settled. A durable transport resolves only once they are committed, so a
   * crash after that loses none; Kafka once the brokers acknowledged them (acks=all). A call is all or
   * nothing where the transport can make it so (a durable transport: one transaction).
   * @rejects TransportClosedError once `close` began; Error for a bus or topic the topology lacks
   */
  publish(to: Ref<'bus' | 'topic'>, events: readonly Envelope[]): Promise<void>;

  /**
   * Starts delivering one channel's events to `consumer`; resolves once it is consuming (Kafka: once its
   * consumer group is joined). Each subscription is its own consumer group: it receives every event it
   * matches, whatever other subscriptions read the same source. Events accepted before a channel is
   * consumed: a durable transport or Kafka delivers them (they were kept for the subscription); memory
   * has nowhere to keep them, so the runtime consumes every channel before it accepts an event.
   *
   * Every transport delivers and settles the same way:
   * - each delivery runs inside `consumer.gate`;
   * - with `channel.orderKey`, one event per key is in flight at a time, in the order accepted, and an
   *   event being retried stays first of its key (other keys go on);
   * - `ok`: the outcome's `published` go to `consumer.publishTo` (accepted before the delivery is
   *   acknowledged; a durable transport commits both together), then the event is settled;
   *   `duplicate` and `filtered` (the pipeline's residual refused it): settled;
   * - `deferred` (another delivery of the same event holds it): delivered again after `delayMs`, the
   *   attempt not counted;
   * - `retry`: delivered again after the outcome's `delayMs`, with the attempt counted; a retry answered
   *   on attempt `channel.maxAttempts` is dead-lettered instead (the transport bounds attempts even when a
   *   consumer does not);
   * - `dead-letter`: handed to `context.deadLettered` with its reason, attempts and last error, then settled;
   * - a queue channel's delivery is leased for `leaseMs(channel)`: one not answered by then is delivered
   *   again as the next attempt (dead-lettered once attempts are spent) and its late answer is ignored,
   *   except that a late `ok` still sends its `published` (the pipeline already recorded the event as
   *   handled, so the redelivery will answer `duplicate`).
   * A durable transport keeps each event's state and attempt count per subscription across restarts.
   * @rejects TransportClosedError once `close` began; Error when the subscription is already consumed
   */
  consume(channel: Channel, consumer: Consumer): Promise<void>;

  /**
   * Delivers each dead letter's event again to the subscription it was dead-lettered from, and to no
   * other, from attempt 1. Resolves once accepted (as `publish`). All or nothing: a letter whose
   * subscription is not consumed rejects the whole call.
   * @rejects TransportClosedError once `close` began; Error naming an unknown subscription
   */
  redrive(letters: readonly DeadLetter[]): Promise<void>;

  /**
   * Only a transport that cannot accept what a delivery published together with its settlement (Kafka,
   * whose offset commit and produce are separate): a publisher to `to` that the pipeline sends a handler's
   * events through before it marks the event handled, so a crash in between runs the handler again
   * rather than losing them. Consumers then have no `publishTo`, and the transport sends nothing on.
   */
  outbox?(to: Ref<'bus' | 'topic'>): Publisher;

  /** Events owed: accepted for a channel and not yet settled (queued, in flight or waiting to be retried). */
  readonly pending: number;

  /** Resolves when nothing is owed. */
  idle(): Promise<void>;

  /**
   * Stops accepting at once (`publish` and `redrive` reject), keeps delivering what is owed, including
   * what in-flight deliveries publish, until nothing is owed, `graceMs` passed or `hurry` aborted; then
   * stops delivering and reports what is left. Answers that come later are ignored. A durable transport
   * keeps what is left (it is delivered after a restart) and still reports it. Later calls return the
   * same report.
   */
  close(graceMs: number, hurry?: AbortSignal): Promise<CloseReport>;
}
