/**
 * One subscription's reader: a kafkajs consumer in the subscription's own consumer group, reading its
 * source topic (the bus's, the queue's or the stream's) and its retry topic, delivering each record to the
 * subscription's consumer and settling it as the transport seam says (providers/local/transport.ts):
 * - offsets are resolved only once a record's outcome is settled: ok (what it published sent first),
 *   filtered, duplicate, dead-lettered (the dead-letter record acknowledged first), or sent on to the retry
 *   topic; a record settled out of order waits for those before it; they are committed once the claims of
 *   those records are acknowledged too (offset-commits.ts), off the fetch cycle;
 * - an unordered channel retries through its retry topic (`herald-attempt`, `herald-not-before`), so a
 *   failing event does not hold up the partition; an ordered one (a queue's `orderBy`, a stream) retries
 *   in place, holding its key while other keys go on;
 * - a record that waits (a retry until it is due, a key's later events behind its retry) waits outside the
 *   batch that brought it, its partition paused meanwhile: kafkajs fetches again only once every batch of
 *   a fetch is done, so a batch that waited out a backoff (up to minutes) would hold up every partition of
 *   the subscription, first deliveries included;
 * - a queue's delivery is leased: unanswered after the lease, it counts as an attempt and goes again;
 * - a record no one can read as a CloudEvent goes to the dead-letter topic as it came, with the reason.
 * A stop (close, a rebalance) abandons what has not started and waits for nothing: what was not settled
 * is not committed, so the group's next owner of the partition delivers it again (the idempotency store
 * then answers `duplicate` for what had succeeded).
 */
import type { Consumer as KafkaConsumer, ConsumerConfig, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { Channel, Envelope, EventDefinition, Logger } from '../../../contracts';
import { describe, type EventRegistry, type Outcome } from '../../../runtime';
import type { IdempotencyKey } from '../../../runtime/idempotency';
import { leaseMs } from '../../local/delivery';
import type { Consumer, TransportContext } from '../../local/transport';
import type { KafkaNames } from '../topics';
import { BindingError, decodeRecord, encodeRecord } from './binding';
import { appendHistory, readDeliveryHeaders, writeDeadLetterHeaders, writeRetryHeaders, type AttemptEntry } from './delivery-headers';
import { enterGate } from './gate-entry';
import { OffsetCommits } from './offset-commits';
import { runKeptRunning } from './keep-running';
import type { Ledger, Owed } from './ledger';
import type { RecordSender } from './record-sender';
import { accepts, receives, recordKey } from './routing';

/** What a reader shares with the transport that made it. */
export interface ReaderDeps {
  readonly kafka: Kafka;
  readonly names: KafkaNames;
  readonly registry: EventRegistry;
  readonly sender: RecordSender;
  readonly ledger: Ledger;
  readonly context: TransportContext;
  readonly logger: Logger;
  /** Sends what a successful delivery published (the consumer's `publishTo`), as `publish` does. */
  forward(consumer: Consumer, events: readonly Envelope[]): Promise<void>;
  /** The idempotency store's log on the claims topic, when the runtime keeps one (claims.ts). */
  readonly claims?: ClaimsLog;
  /** Consumer settings (timeouts) over the defaults. */
  readonly consumerConfig?: Partial<ConsumerConfig>;
  /** Partitions of its topics handled at once. */
  readonly partitionsAtOnce: number;
}

/** What a reader needs of the claims topic (claims.ts `KafkaClaims`): the order of claims against offsets. */
export interface ClaimsLog {
  /** Resolves once this process knows every claim written before now. */
  caughtUp(): Promise<void>;
  /**
   * Resolves once every claim this process settled so far is acknowledged: a delivery's offset is committed
   * only after it (offset-commits.ts). Rejects when some could not be written (they are sent again: asking
   * again waits for them).
   */
  flushed(): Promise<void>;
  /** Journals a give-up once its dead letter is acknowledged. */
  buried(key: IdempotencyKey): Promise<void>;
  /**
   * The dead letter of a give-up could not be written: the give-up is withdrawn, so the event's next delivery
   * here runs again instead of answering `duplicate` with no dead letter anywhere.
   */
  notBuried(key: IdempotencyKey): void;
  /** Forgets a claim (everywhere, once the forgetting is acknowledged): the event's next delivery runs again. */
  forget(key: IdempotencyKey): Promise<void>;
}

/** One record of a batch, as read (a class: one shape, made once per record). */
class Item {
  done = false;
  constructor(
    readonly offset: string,
    readonly message: KafkaMessage,
    /** Not this subscription's (another's queue record or retry): settled without a word. */
    readonly skip: boolean,
    /** Whether the channel's filter still has to be applied here (records routed at publish were filtered there). */
    readonly filter: boolean,
    readonly attempt: number,
    readonly notBefore: number,
    /** The attempts made before this record, as its retry headers carry them. */
    readonly history: readonly AttemptEntry[] | undefined,
    readonly envelope: Envelope | undefined,
    /** The definition its envelope was checked against as it was read (the pipeline does not check it again). */
    readonly checkedBy: EventDefinition<any> | undefined,
    /** Why it could not be read. */
    readonly unreadable: string | undefined,
  ) {}
}

/** A partition's records under way across batches (an ordered channel's, the retry topic's: see `heldBatch`). */
class PartitionState {
  /** Not yet resolved (settled in order), in offset order. */
  readonly items: Item[] = [];
  /** Offsets of `items`: a fetch that returns them again does not deliver them twice. */
  readonly seen = new Set<string>();
  /** The last offset settled (and resolved): anything at or before it is done. */
  settledUpTo = -1;
  /** Per key, the end of its chain of deliveries (false once one was abandoned: the rest wait for the next owner). */
  readonly chains = new Map<string, Promise<boolean>>();
  /** Keys waiting out a retry's backoff. */
  readonly parked = new Set<string>();
  /** Whether its partition is paused until its next change (nothing fresh came back: see `heldBatch`). */
  paused = false;
  /** Fetches in a row that brought nothing fresh. */
  staleFetches = 0;
  private wake: Array<() => void> = [];
  /** `topic:partition`, its key in the reader's `partitions`. */
  readonly id: string;

  constructor(readonly topic: string, readonly partition: number) {
    this.id = `${topic}:${partition}`;
  }

  park(key: string, waiting: boolean): void {
    if (waiting) this.parked.add(key);
    else this.parked.delete(key);
    this.changed();
  }

  changed(): void {
    const wake = this.wake;
    this.wake = [];
    for (const w of wake) w();
  }

  /** Resolves at the next change, or after `ms`. */
  change(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake.push(() => { clearTimeout(timer); resolve(); });
    });
  }
}

/** Thrown out of a wait when the reader stops: the record stays uncommitted. */
class Abandoned extends Error {}

/**
 * How long a partition whose records all wait stays paused (unless one of them settles or stops waiting
 * first) before it is fetched again: briefly on an ordered channel, as a record of another key published
 * meanwhile must not wait behind a key's backoff; longer on a retry topic, whose records wait for their time
 * anyway (a retry arriving meanwhile is at most this late). Doubled while fetches bring nothing fresh, up to
 * FETCH_AGAIN_MAX_MS: a fetch returns the waiting records again (up to a megabyte of them), and a key held
 * for minutes must not have them read and decoded fifty times a second.
 */
const FETCH_AGAIN_MS = { ordered: 20, retry: 250 } as const;
const FETCH_AGAIN_MAX_MS = 1_000;

/** `run`'s answers when it settles or gives up at once. */
const SETTLED: Promise<boolean> = Promise.resolve(true);
const NOT_SETTLED: Promise<boolean> = Promise.resolve(false);

/** Records of one batch under way at once (each partition's batch has its own window). */
const WINDOW = 128;

/** How often a long batch tells the group coordinator it is alive. */
const HEARTBEAT_MS = 1_000;

/** The first wait before a record the brokers refused (a retry, a dead letter, what a handler published) is sent again, doubled up to SEND_AGAIN_MAX_MS. */
const SEND_AGAIN_FIRST_MS = 200;
const SEND_AGAIN_MAX_MS = 5_000;

export class ChannelReader {
  private readonly consumer: KafkaConsumer;
  private readonly source: string;
  private readonly retryTopic: string;
  private readonly deadLetterTopic: string;
  private readonly ordered: boolean;
  /** Whether its source's records still need the channel's filter (a queue's were routed, and filtered, at publish). */
  private readonly filters: boolean;
  private readonly leaseMs: number | undefined;
  private stopping = false;
  /** The rejecters of what waits (a delivery, a gate, a backoff), called with Abandoned when the reader stops. */
  private readonly waiting = new Set<(error: Abandoned) => void>();
  private barrier: Promise<void> = Promise.resolve();
  /** Counts group joins: work begun under an earlier assignment stops at its next step. */
  private generation = 0;
  /** Partitions whose records may wait beyond their batch (an ordered channel's, the retry topic's): the records under way. */
  private readonly partitions = new Map<string, PartitionState>();
  private readonly commits: OffsetCommits;
  /** See `alone`: until the first join tells, this reader counts itself the only one. */
  private onlyMember = true;

  constructor(private readonly channel: Channel, private readonly target: Consumer, private readonly deps: ReaderDeps) {
    const { names } = deps;
    this.source = names.source(channel);
    this.retryTopic = names.retry(channel);
    this.deadLetterTopic = names.deadLetter(channel);
    this.ordered = channel.orderKey !== undefined;
    this.filters = channel.source.kind === 'direct' || channel.from.kind === 'stream';
    this.leaseMs = channel.source.kind === 'queue' ? leaseMs(channel) : undefined;
    this.consumer = deps.kafka.consumer({
      groupId: names.group(channel),
      // A killed worker's partitions move to the others within the session timeout.
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 30_000,
      // Waits at most this long for new records on an idle partition: bounds latency on a quiet channel.
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
      ...deps.consumerConfig,
    });
    this.commits = new OffsetCommits(this.consumer, deps.claims, () => this.stopping, deps.logger, { subscription: channel.subscription });
  }

  /** Joins the group and starts delivering; resolves once joined. */
  async start(): Promise<void> {
    const joined = new Promise<void>((resolve) => {
      this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        // Partitions may have moved here: know every claim their last owner wrote before delivering any.
        if (this.deps.claims) this.barrier = this.deps.claims.caughtUp();
        this.revoke();
        this.commits.forget();
        this.countReaders();
        resolve();
      });
    });
    // kafkajs rejoins once every batch is done, but records waiting beyond their batch would go on meanwhile,
    // and for as long as the join takes: their partitions may already be another member's. They stop now.
    this.consumer.on(this.consumer.events.REBALANCING, () => this.revoke());
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.source, this.retryTopic], fromBeginning: true });
    await runKeptRunning(this.consumer, {
      // Committed by `commits` once their claims are acknowledged, as soon as they are: a quiet channel shows
      // no lag, and a crash redelivers only what had not settled (or whose claims were not acknowledged).
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.deps.partitionsAtOnce,
      eachBatch: (payload) => this.batch(payload),
    }, { logger: this.deps.logger, fields: { subscription: this.channel.subscription }, stopped: () => this.stopping });
    await joined;
  }

  /**
   * Whether this is its group's only member as of its last join: then whatever is on its topics comes here, and
   * a stop waits for what was published here (the ledger owes it); with other members it may go to them.
   */
  get alone(): boolean {
    return this.onlyMember;
  }

  /** After a join: is anyone else in the group? Unknown counts as yes (a stop then just does not wait for the cluster's events). */
  private countReaders(): void {
    const generation = this.generation;
    this.consumer.describeGroup().then(
      ({ members }) => members.length <= 1,
      () => false,
    ).then((only) => {
      if (generation !== this.generation) return;
      this.onlyMember = only;
      if (!only) this.deps.ledger.forgetUntaken(this.channel);
    });
  }

  /** Abandons what has not started, lets nothing else begin, and leaves the group (committing what was settled). */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const abandon of this.waiting) abandon(new Abandoned());
    this.waiting.clear();
    // What settled before the stop is committed as its claims are acknowledged, before the group is left.
    await this.commits.flush();
    await this.consumer.disconnect();
  }

  /**
   * The assignment ends (a rebalance begins, or a join completed): work begun under it stops at its next step,
   * and the partitions under way are forgotten and fetched again.
   */
  private revoke(): void {
    this.generation++;
    const partitions = [...this.partitions.values()];
    this.partitions.clear();
    for (const partition of partitions) this.resume(partition);
  }

  private async batch(payload: EachBatchPayload): Promise<void> {
    await this.barrier;
    const { topic } = payload.batch;
    if (topic === this.retryTopic) return this.heldBatch(payload, 'retry');
    if (this.ordered) return this.heldBatch(payload, 'ordered');
    // Not kafkajs's `isStale` (a seek asked for on the partition): Herald seeks only held partitions (`fetchAgain`), and it
    // stringifies the topic and partition at every call, which `gone` makes several times per record.
    const { batch, resolveOffset, heartbeat, isRunning } = payload;
    const { messages } = batch;
    const generation = this.generation;
    const gone = () => this.stopping || generation !== this.generation || !isRunning();
    /** Which records are settled, by index in the batch (the records themselves are let go once settled). */
    const done = new Uint8Array(messages.length);
    // Offsets are resolved in order, each once its record is settled, and committed once their claims are
    // acknowledged (`commits`). Once per turn of the event loop while the batch runs (kafkajs parses each
    // offset into a Long), and at its end, so the next fetch starts after everything settled.
    let settled = 0;
    let resolved = 0;
    let scheduled = false;
    const resolveSettled = () => {
      scheduled = false;
      if (settled === resolved) return;
      resolved = settled;
      const { offset } = messages[settled - 1]!;
      resolveOffset(offset);
      this.commits.settled(batch.topic, batch.partition, offset);
    };
    const beat = setInterval(() => void heartbeat().catch(() => {}), HEARTBEAT_MS);
    try {
      await this.deliverAll(messages, gone, (i) => {
        done[i] = 1;
        while (settled < messages.length && done[settled]) settled++;
        if (!scheduled && settled > resolved) {
          scheduled = true;
          setImmediate(resolveSettled);
        }
      });
    } finally {
      clearInterval(beat);
      resolveSettled();
    }
  }

  /**
   * Reads and delivers `messages`, at most `window` under way at once, calling `settled(i)` as record i
   * is settled; resolves once every one is settled or given up (the reader stopped, the partition moved:
   * those not begun are not begun). Bounded, a 1 MB fetch (thousands of records) is not thousands of
   * envelopes, contexts and promises alive together, which the garbage collector would copy and promote.
   */
  private deliverAll(messages: readonly KafkaMessage[], gone: () => boolean, settled: (i: number) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let begun = 0;
      let running = 0;
      let failed = false;
      const pump = () => {
        while (!failed && running < WINDOW && begun < messages.length && !gone()) {
          const i = begun++;
          running++;
          let item: Item;
          try {
            item = this.read(messages[i]!, false);
          } catch (error) {
            failed = true;
            reject(error);
            return;
          }
          this.run(item, gone).then(
            (ok) => {
              running--;
              if (ok) settled(i);
              pump();
            },
            (error: unknown) => {
              failed = true;
              reject(error);
            },
          );
        }
        if (running === 0 && !failed) resolve();
      };
      pump();
    });
  }

  /**
   * A batch whose records may wait beyond it: an ordered channel's (one record per key at a time, in offset
   * order, keys side by side: a key retrying in place holds up none of the others) or the retry topic's (each
   * record on its own, waiting until it is due). The batch returns once each of its records is settled or
   * waits (behind its key's retry, for its time); they go on from there, and offsets are resolved in order as
   * they settle. kafkajs fetches again from the first unsettled offset: the records already under way (`seen`)
   * are not delivered twice, and a fetch that brings nothing fresh pauses the partition until one of them
   * settles or stops waiting, or for FETCH_AGAIN_MS, instead of fetching the same records again at once.
   */
  private async heldBatch(payload: EachBatchPayload, kind: keyof typeof FETCH_AGAIN_MS): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const id = `${batch.topic}:${batch.partition}`;
    let state = this.partitions.get(id);
    if (!state) this.partitions.set(id, (state = new PartitionState(batch.topic, batch.partition)));
    const partition = state;
    const generation = this.generation;
    // Forgotten (a rebalance, or a failure that has it read again: `fetchAgain`): its records stop at their next step.
    const gone = () => this.stopping || generation !== this.generation || !isRunning() || this.partitions.get(id) !== partition;
    const fromRetry = kind === 'retry';
    // A fetch begun before the last settlement may bring back records already settled or under way.
    const fresh = batch.messages.filter((m) => Number(m.offset) > partition.settledUpTo && !partition.seen.has(m.offset)).map((m) => this.read(m, fromRetry));
    // A redrive forgets the event's claim, then sends it to the retry topic: know the forgetting before delivering it.
    if (fromRetry && fresh.length && this.deps.claims) await this.deps.claims.caughtUp();
    // What a record waits behind: its key's earlier records on an ordered channel; nothing on the retry topic.
    const chainOf = fromRetry ? (item: Item) => item.offset : (item: Item) => item.message.key?.toString() ?? '';
    for (const item of fresh) {
      partition.seen.add(item.offset);
      partition.items.push(item);
      const key = chainOf(item);
      const before = partition.chains.get(key) ?? SETTLED;
      const chain: Promise<boolean> = before.then(async (goOn) => {
        if (!goOn) return false;
        const done = await this.run(item, gone, (waiting) => partition.park(key, waiting));
        if (done) {
          let last: string | undefined;
          while (partition.items[0]?.done && !gone()) {
            const settled = partition.items.shift()!;
            partition.seen.delete(settled.offset);
            partition.settledUpTo = Number(settled.offset);
            last = settled.offset;
          }
          if (last !== undefined) {
            try {
              resolveOffset(last);
              this.commits.settled(partition.topic, partition.partition, last);
            } catch {
              // The partition was taken away meanwhile: its next owner delivers from the last commit.
            }
          }
        }
        // The last of its key's chain: nothing is kept for keys (or retries) that are done with.
        if (partition.chains.get(key) === chain) partition.chains.delete(key);
        partition.changed();
        return done;
      }).catch((error: unknown) => {
        // Nothing awaits a chain but the next of its key: unhandled, this would end the process.
        this.fetchAgain(partition, error);
        return false;
      });
      partition.chains.set(key, chain);
    }
    if (!fresh.length) {
      this.pauseUntilChange(partition, Math.min(FETCH_AGAIN_MAX_MS, FETCH_AGAIN_MS[kind] * 2 ** partition.staleFetches++));
    } else {
      partition.staleFetches = 0;
      const beat = setInterval(() => void heartbeat().catch(() => {}), HEARTBEAT_MS);
      try {
        const blocked = (item: Item) => item.done || partition.parked.has(chainOf(item));
        while (!gone() && !isStale() && !fresh.every(blocked)) await partition.change(HEARTBEAT_MS);
      } finally {
        clearInterval(beat);
      }
    }
  }

  /**
   * A record of `partition` failed in a way its delivery does not handle (a bug, not a refused send: those are
   * sent again in place): the partition is forgotten, so its records under way stop at their next step and
   * nothing after the failed record is resolved, and read again from its first unresolved record, as kafkajs
   * does for an unordered batch that threw. Its records that had settled meanwhile come back as duplicates.
   */
  private fetchAgain(partition: PartitionState, error: unknown): void {
    if (this.partitions.get(partition.id) !== partition) return;
    this.partitions.delete(partition.id);
    const first = partition.items[0];
    this.deps.logger.error('a delivery failed; its partition is read again from its first unsettled record', {
      subscription: this.channel.subscription, topic: partition.topic, partition: partition.partition, offset: first?.offset, error: describe(error),
    });
    this.resume(partition);
    partition.changed();
    if (first && !this.stopping) {
      try {
        this.consumer.seek({ topic: partition.topic, partition: partition.partition, offset: first.offset });
      } catch {
        // Not running, or the partition moved away: its next fetch or owner starts from the last commit.
      }
    }
  }

  /** Stops fetching `partition` until it changes (a record settles or stops waiting), for `ms` at most. */
  private pauseUntilChange(partition: PartitionState, ms: number): void {
    if (partition.paused) return;
    partition.paused = true;
    this.consumer.pause([{ topic: partition.topic, partitions: [partition.partition] }]);
    void partition.change(ms).then(() => this.resume(partition));
  }

  /** Fetches a paused partition again (at once when it is no longer paused: a rebalance resumed it already). */
  private resume(partition: PartitionState): void {
    if (!partition.paused) return;
    partition.paused = false;
    this.consumer.resume([{ topic: partition.topic, partitions: [partition.partition] }]);
  }

  /** Processes one record; true once it is settled, false when the reader stopped or lost the partition first. */
  private run(item: Item, gone: () => boolean, park?: (waiting: boolean) => void): Promise<boolean> {
    let processing: Promise<void> | undefined;
    try {
      processing = this.process(item, gone, park);
    } catch (error) {
      if (error instanceof Abandoned) return NOT_SETTLED;
      return Promise.reject(error);
    }
    if (processing === undefined) {
      item.done = true;
      return SETTLED;
    }
    return processing.then(
      () => {
        item.done = true;
        return true;
      },
      (error: unknown) => {
        if (error instanceof Abandoned) return false;
        throw error;
      },
    );
  }

  private read(message: KafkaMessage, fromRetry: boolean): Item {
    const h = readDeliveryHeaders(message.headers ?? {});
    const attempt = h.attempt ?? 1;
    const notBefore = h.notBefore ?? 0;
    // Retry and redrive records are addressed to one subscription, and so are queue records routed at publish.
    if (h.subscription !== undefined && h.subscription !== this.channel.subscription) {
      return new Item(message.offset, message, true, false, attempt, notBefore, h.history, undefined, undefined, undefined);
    }
    const filter = !fromRetry && this.filters;
    let envelope: Envelope;
    try {
      envelope = decodeRecord(message, this.deps.registry);
    } catch (error) {
      if (!(error instanceof BindingError)) throw error;
      return new Item(message.offset, message, false, filter, attempt, notBefore, h.history, undefined, undefined, error.message);
    }
    // decodeRecord checked it against its type's definition (the pipeline still parses a claim-checked event's data, read later).
    return new Item(message.offset, message, false, filter, attempt, notBefore, h.history, envelope, this.deps.registry.get(envelope.type), undefined);
  }

  /**
   * Delivers one record until it is settled here; throws or rejects with Abandoned when the reader stops
   * first. The common case (due now, a free slot in the gate, settled by its first answer) runs without an
   * async frame: one per record was the reader's largest allocation. Everything else goes on in `settle`.
   */
  private process(item: Item, gone: () => boolean, park?: (waiting: boolean) => void): Promise<void> | undefined {
    if (item.skip) return undefined;
    if (item.unreadable !== undefined) return this.buryUnreadable(item, gone);
    const envelope = item.envelope!;
    const { channel, target, deps } = this;
    if (item.filter) {
      if (!receives(channel, envelope)) return undefined;
      if (!accepts(channel, envelope)) {
        deps.context.filtered(channel, envelope);
        return undefined;
      }
    }
    if (item.notBefore > Date.now() || !target.gate.tryEnter()) return this.settle(item, envelope, undefined, undefined, gone, park);
    if (gone()) {
      target.gate.leave();
      throw new Abandoned();
    }
    const owed = deps.ledger.track(channel, envelope, 'in-flight', item.attempt);
    return this.deliver(envelope, item.attempt, item.checkedBy, gone).then((outcome) => {
      const { kind } = outcome;
      if ((kind === 'ok' && !(outcome.published.length && target.publishTo)) || kind === 'filtered' || kind === 'duplicate') {
        deps.ledger.settleEntry(owed);
        return undefined;
      }
      return this.settle(item, envelope, owed, outcome, gone, park);
    });
  }

  /**
   * Delivers `envelope` until it is settled here, from its first delivery or from the answer `first` to the
   * delivery `owed` tracks; throws Abandoned when the reader stops first.
   */
  private async settle(
    item: Item, envelope: Envelope, owedSoFar: Owed | undefined, first: Outcome | undefined, gone: () => boolean, park: (waiting: boolean) => void = () => {},
  ): Promise<void> {
    const { channel, target, deps } = this;
    const { ledger } = deps;
    let attempt = item.attempt;
    let history = item.history;
    const failed = (outcome: string, reason: string) => { history = appendHistory(history, { attempt, at: new Date().toISOString(), outcome, reason }); };
    let owed: Owed;
    if (owedSoFar) {
      owed = owedSoFar;
    } else {
      owed = ledger.track(channel, envelope, item.notBefore > Date.now() ? 'retrying' : 'queued', attempt);
      if (item.notBefore > Date.now()) {
        // Not due yet (a retry): it waits outside its batch, which goes on without it (heldBatch).
        park(true);
        await this.sleep(item.notBefore - Date.now(), gone);
        park(false);
      }
    }
    let answered = first;
    for (;;) {
      let outcome: Outcome;
      if (answered) {
        outcome = answered;
        answered = undefined;
      } else {
        owed = ledger.update(owed, 'queued', attempt);
        if (!target.gate.tryEnter()) await this.enter(gone);
        else if (gone()) {
          target.gate.leave();
          throw new Abandoned();
        }
        owed = ledger.update(owed, 'in-flight', attempt);
        outcome = await this.deliver(envelope, attempt, item.checkedBy, gone);
      }
      switch (outcome.kind) {
        case 'ok':
          if (outcome.published.length && target.publishTo) {
            const { published } = outcome;
            // Abandoned unsent, the success is forgotten: a redelivery runs the handler again rather than answer
            // `duplicate` with what it published never sent.
            await this.untilSent(() => deps.forward(target, published), gone, 'events a handler published', () => {
              void deps.claims?.forget(this.keyOf(envelope)).catch(() => {});
            });
          }
          ledger.settleEntry(owed);
          return;
        case 'filtered':
        case 'duplicate':
          ledger.settleEntry(owed);
          return;
        case 'deferred':
          // Another delivery of this event holds it: back after the delay, the attempt not counted.
          owed = ledger.update(owed, 'retrying', attempt);
          park(true);
          await this.sleep(outcome.delayMs, gone);
          park(false);
          continue;
        case 'retry': {
          if (attempt >= channel.maxAttempts) {
            failed('dead-letter', outcome.reason);
            return this.bury(envelope, `gave up after ${attempt} attempts: ${outcome.reason}`, describe(outcome.error), attempt, history, gone);
          }
          failed('retry', outcome.reason);
          attempt++;
          owed = ledger.update(owed, 'retrying', attempt);
          if (this.ordered) {
            // In place: the key waits; later events of it stay behind this one.
            park(true);
            await this.sleep(outcome.delayMs, gone);
            park(false);
            continue;
          }
          const headers = writeRetryHeaders({ subscription: channel.subscription, attempt, notBefore: Date.now() + outcome.delayMs, ...(history ? { history } : {}) });
          const record = encodeRecord(envelope, recordKey(channel, envelope), headers);
          await this.untilSent(() => deps.sender.send(this.retryTopic, [record]), gone, 'a retry');
          // Back on the cluster: owed here only while no other worker may take it from the retry topic.
          if (this.alone) ledger.handedBack(owed);
          else ledger.settleEntry(owed);
          return;
        }
        case 'dead-letter':
          // The pipeline's count: copies of the event share attempts, so it may exceed this record's own.
          failed('dead-letter', outcome.reason);
          return this.bury(envelope, outcome.reason, describe(outcome.error), outcome.attempt ?? attempt, history, gone);
      }
    }
  }

  /** Runs one delivery inside the function's gate; a queue's lease unanswered counts as a failed attempt. */
  private deliver(envelope: Envelope, attempt: number, checkedBy: EventDefinition<any> | undefined, gone: () => boolean): Promise<Outcome> {
    const { target, deps } = this;
    const answered = target.deliver(envelope, attempt, checkedBy);
    if (this.leaseMs === undefined) {
      if (this.stopping) {
        answered.then(() => target.gate.leave(), () => target.gate.leave());
        return Promise.reject(new Abandoned());
      }
      // `cancellable` with the gate's slot freed in the same reaction: one promise fewer per delivery.
      return new Promise<Outcome>((resolve, reject) => {
        this.waiting.add(reject);
        answered.then(
          (outcome) => { target.gate.leave(); this.waiting.delete(reject); resolve(outcome); },
          (error: unknown) => { target.gate.leave(); this.waiting.delete(reject); reject(error); },
        );
      });
    }
    answered.then(() => target.gate.leave());
    const lease = this.leaseMs;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<Outcome>((resolve) => {
        timer = setTimeout(() => {
          const reason = `lease of ${lease} ms expired on attempt ${attempt}`;
          // A late success still sends what it published: the event is recorded as handled, so its redelivery is a duplicate.
          answered.then((late) => {
            if (late.kind === 'ok' && late.published.length && target.publishTo && !gone()) void deps.forward(target, late.published).catch(() => {});
          });
          resolve({ kind: 'retry', envelope, reason, error: new Error(reason), delayMs: 0, durationMs: lease });
      }, lease);
    });
    return this.cancellable(Promise.race([answered, expired])).finally(() => clearTimeout(timer));
  }

  private async bury(envelope: Envelope, reason: string, lastError: string, attempts: number, history: readonly AttemptEntry[] | undefined, gone: () => boolean): Promise<void> {
    const { channel, deps } = this;
    const at = new Date().toISOString();
    const headers = writeDeadLetterHeaders({ subscription: channel.subscription, function: channel.function, reason, attempts, lastError, deadLetteredAt: at, ...(history ? { history } : {}) });
    const record = encodeRecord(envelope, recordKey(channel, envelope), headers);
    const key = this.keyOf(envelope);
    // Abandoned unsent, the give-up is withdrawn: a redelivery here must not answer `duplicate` with no dead letter written.
    await this.untilSent(() => deps.sender.send(this.deadLetterTopic, [record]), gone, 'a dead letter', () => deps.claims?.notBuried(key));
    // Only now may the give-up be known to other workers: before, a kill would leave no dead letter. A refused
    // claims bundle is sent again with the next, and offsets are committed only once it is acknowledged.
    await deps.claims?.buried(key).catch((error: unknown) => {
      deps.logger.warn('a give-up was not acknowledged yet; it goes with the next claims', { subscription: channel.subscription, error: describe(error) });
    });
    deps.context.deadLettered({
      id: envelope.id, type: envelope.type, function: channel.function, subscription: channel.subscription, attempts, reason, lastError, at, event: envelope,
    });
    deps.ledger.settle(channel, envelope.id);
  }

  /** The idempotency key of `envelope` for this subscription's function. */
  private keyOf(envelope: Envelope): IdempotencyKey {
    return { scope: this.channel.function, source: envelope.source, id: envelope.id };
  }

  /**
   * Sends until the brokers acknowledge, waiting longer after each refusal (a broker restarting, a leader
   * moving): thrown out, the record would be delivered again and find its claim settled, so what the
   * settlement sends would never be sent. Throws Abandoned once the reader stops or loses the partition first,
   * after `withdraw` (what undoes the claim, so that a redelivery runs the event again).
   */
  private async untilSent(send: () => Promise<void>, gone: () => boolean, what: string, withdraw?: () => void): Promise<void> {
    for (let wait = SEND_AGAIN_FIRST_MS; ; wait = Math.min(wait * 2, SEND_AGAIN_MAX_MS)) {
      try {
        await send();
        return;
      } catch (error) {
        this.deps.logger.warn(`${what} was not acknowledged; sending it again`, { subscription: this.channel.subscription, waitMs: wait, error: describe(error) });
      }
      try {
        await this.sleep(wait, gone);
      } catch (error) {
        withdraw?.();
        throw error;
      }
    }
  }

  /** A record that is not a valid CloudEvent: to the dead-letter topic as it came (value, key and headers), the reason added. */
  private async buryUnreadable(item: Item, gone: () => boolean): Promise<void> {
    const { channel, deps } = this;
    const reason = `unreadable record: ${item.unreadable}`;
    const headers: IHeaders = {
      ...item.message.headers,
      ...writeDeadLetterHeaders({ subscription: channel.subscription, function: channel.function, reason, attempts: 0, lastError: item.unreadable!, deadLetteredAt: new Date() }),
    };
    await this.untilSent(() => deps.sender.send(this.deadLetterTopic, [{ key: item.message.key, value: item.message.value, headers }]), gone, 'a dead letter');
    deps.logger.error('a record that is not a valid CloudEvent was dead-lettered', { subscription: channel.subscription, topic: this.source, offset: item.offset, reason: item.unreadable });
  }

  /** Waits for a slot in the function's gate (a slot granted after a stop is never given back: nothing runs after one). */
  private async enter(gone: () => boolean): Promise<void> {
    await this.cancellable(enterGate(this.target.gate));
    if (gone()) {
      // The partition moved away (a rebalance) while this waited: give the slot back.
      this.target.gate.leave();
      throw new Abandoned();
    }
  }

  private async sleep(ms: number, gone: () => boolean): Promise<void> {
    if (gone()) throw new Abandoned();
    if (ms <= 0) return;
    // Short steps: a rebalance (isStale) is noticed within one.
    const until = Date.now() + ms;
    for (let left = ms; left > 0; left = until - Date.now()) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await this.cancellable(new Promise<void>((resolve) => { timer = setTimeout(resolve, Math.min(left, HEARTBEAT_MS)); }));
      } finally {
        clearTimeout(timer);
      }
      if (gone()) throw new Abandoned();
    }
  }

  /** `p`, or Abandoned once the reader stops, whichever comes first. */
  private cancellable<T>(p: Promise<T>): Promise<T> {
    if (this.stopping) return Promise.reject(new Abandoned());
    return new Promise<T>((resolve, reject) => {
      this.waiting.add(reject);
      p.then(
        (value) => { this.waiting.delete(reject); resolve(value); },
        (error: unknown) => { this.waiting.delete(reject); reject(error); },
      );
    });
  }
}
