/**
 * Idempotency across workers: the claims topic as a changelog, the way Kafka Streams backs a state
 * store. Every process keeps the in-memory store the embedded runtime uses (runtime/idempotency.ts) and
 * journals each settled claim (handled, given up, forgotten by a redrive) to the claims topic, keyed by
 * function and event; every process reads the whole topic, in a consumer group of its own, and loads what
 * the others wrote. Why a topic and not Redis: a team running Kafka already runs it (nothing more to
 * operate or secure, the same ACLs and retention), and the ordering it needs comes from the group protocol:
 * - `complete` journals the claim and returns at once (the handler's success is not held up by a round
 *   trip per event); the reader resolves a delivery's offset only once `flushed` says every claim journaled
 *   so far is acknowledged (acks=all), so a record whose offset was committed has its claim in the topic
 *   (a record whose offset was not committed may be redelivered, and its claim may be there already);
 * - a reader that is given partitions (a rebalance, a worker that died) first reads the claims topic up
 *   to its end as of then (`caughtUp`), so it knows every claim the partition's last owner wrote before
 *   it let go (kafkajs finishes a batch before it rejoins; a killed process writes nothing more);
 * so a handler that succeeded is never run again for a redelivered copy: the copy answers `duplicate`.
 * A give-up is journaled only once its dead letter is safe (`buried`, called by the reader after the
 * dead-letter topic acknowledged it): journaled first, a worker killed in between would leave an event
 * that every redelivered copy answers as a duplicate and no dead-letter topic holds, lost.
 * What is left: a worker killed between its handler's success and the claim's acknowledgement runs that
 * handler again on the next owner (at-least-once, as on every cloud); one killed between a dead letter and
 * its give-up's acknowledgement lets the next owner try the event again (a second dead letter at worst).
 * Claims travel in bundles (one record per turn of a writer's event loop, record-bundle.ts), so the topic is
 * not compacted (a bundle's key is its writer, not an event): records are deleted after the stack's
 * retention, the same as the source topics a duplicate could come from.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from '../../../contracts';
import {
  InMemoryIdempotencyStore, idempotencyKeyString, type Claim, type IdempotencyJournal, type IdempotencyKey, type IdempotencyStore, type SettledState,
} from '../../../runtime/idempotency';
import { CLAIMS_PER_FUNCTION } from '../config';
import type { KafkaNames } from '../topics';
import type { ClaimsLog } from './channel-reader';
import { runKeptRunning } from './keep-running';
import type { RecordSender } from './record-sender';
import { RecordBundle } from './record-bundle';
import { retriable } from './retriable';

/**
 * One claim in a claims-topic record (a bundle of them, record-bundle.ts, keyed by the process that wrote
 * it): the final state of one function's claim on one event, and when it stops counting (epoch ms).
 * `forgotten`: a redrive made the event new again.
 */
type ClaimEntry = readonly [scope: string, record: string, state: SettledState | 'forgotten', expires: number];

export interface KafkaClaimsOptions {
  readonly kafka: Kafka;
  readonly names: KafkaNames;
  readonly sender: RecordSender;
  /** Claims kept per function at most. @default CLAIMS_PER_FUNCTION */
  readonly maxEntries?: number;
  readonly logger: Logger;
}

export class KafkaClaims implements IdempotencyStore, ClaimsLog {
  private readonly memory: InMemoryIdempotencyStore;
  private readonly writer = randomUUID();
  private readonly topic: string;
  private readonly group: string;
  private consumer: Consumer | undefined;
  private stopped = false;
  /** One admin client for `caughtUp`, connected at its first call. */
  private admin: Promise<Admin> | undefined;
  /** Per partition, the next offset not yet read. */
  private readonly read = new Map<number, bigint>();
  private readonly waiting = new Set<() => void>();
  private readonly bundle: RecordBundle<ClaimEntry>;
  /** The key of this process's bundles, which its reader skips. */
  private readonly own: Buffer;
  /** While `giveUp` runs: the journal holds its record back instead of writing it. */
  private holding = false;
  private held: ClaimEntry | undefined;
  /** Copies waiting for a claim in this process, by idempotency key: woken when its holder releases it too. */
  private readonly releaseWaiters = new Map<string, Array<() => void>>();
  /** Give-ups waiting for their dead letter to be acknowledged (`buried`), by idempotency key. */
  private readonly unburied = new Map<string, ClaimEntry>();

  constructor(private readonly options: KafkaClaimsOptions) {
    this.topic = options.names.claims;
    // A bundle the brokers refused goes again with the next: a claim held here as completed must reach the topic.
    this.bundle = new RecordBundle(options.sender, this.topic, this.writer, { resend: true });
    this.own = Buffer.from(this.writer);
    this.group = `${options.names.claimsReaders}${this.writer}`;
    const journal: IdempotencyJournal = {
      settled: (scope, record, state, expires) => {
        const entry: ClaimEntry = [scope, record, state, expires];
        if (this.holding) this.held = entry;
        else void this.bundle.add(entry);
      },
      forgotten: (scope, record) => { void this.bundle.add([scope, record, 'forgotten', Date.now()]); },
      rotated: () => {},
    };
    this.memory = new InMemoryIdempotencyStore({ maxEntries: options.maxEntries ?? CLAIMS_PER_FUNCTION, journal });
  }

  /** Reads the claims topic from its start; resolves once it has read up to its end as of now. */
  async start(): Promise<void> {
    const consumer = this.options.kafka.consumer({ groupId: this.group, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    // Started again after a crash kafkajs gives up on: every reader's barrier waits for this one. It has no
    // offsets committed, so it reads the topic again from its start, which loads the same claims again.
    await runKeptRunning(consumer, { autoCommit: false, eachBatch: (payload) => this.apply(payload) }, {
      logger: this.options.logger, fields: { topic: this.topic }, stopped: () => this.stopped,
    });
    await this.caughtUp();
  }

  /** Resolves once every claim written before this call was read. */
  async caughtUp(): Promise<void> {
    this.admin ??= (async () => {
      const admin = this.options.kafka.admin();
      await admin.connect();
      return admin;
    })();
    const admin = await this.admin;
    const ends = await retriable(() => admin.fetchTopicOffsets(this.topic));
    const behind = () => ends.some(({ partition, high }) => (this.read.get(partition) ?? 0n) < BigInt(high));
    while (behind()) await new Promise<void>((resolve) => this.waiting.add(resolve));
  }

  /** Stops reading and removes this process's reader group. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.bundle.close();
    if (this.admin) await (await this.admin).disconnect();
    if (!this.consumer) return;
    await this.consumer.disconnect();
    const admin = this.options.kafka.admin();
    await admin.connect();
    await admin.deleteGroups([this.group]).catch(() => {});
    await admin.disconnect();
  }

  begin(key: IdempotencyKey, ttlSeconds: number): Claim {
    return this.memory.begin(key, ttlSeconds);
  }

  /** Completed here at once (copies in this process answer `duplicate`); acknowledged by the time `flushed` resolves. */
  complete(key: IdempotencyKey, ttlSeconds: number): void {
    this.memory.complete(key, ttlSeconds);
  }

  /**
   * Resolves once every claim journaled so far (handled, given up, forgotten) is acknowledged; rejects when
   * a bundle of them failed, which is sent again with the next one (asking again waits for it).
   */
  flushed(): Promise<void> {
    return this.bundle.flushed();
  }

  release(key: IdempotencyKey, ttlSeconds: number): void {
    // Not journaled: a retry carries its attempt in its record's headers, wherever it is delivered.
    this.memory.release(key, ttlSeconds);
    const name = idempotencyKeyString(key);
    const waiting = this.releaseWaiters.get(name);
    this.releaseWaiters.delete(name);
    for (const wake of waiting ?? []) wake();
  }

  /** Given up on here at once (copies in this process answer `duplicate`); journaled by `buried`. */
  giveUp(key: IdempotencyKey, ttlSeconds: number): Promise<void> {
    this.holding = true;
    try {
      this.memory.giveUp(key, ttlSeconds);
    } finally {
      this.holding = false;
    }
    if (this.held) this.unburied.set(idempotencyKeyString(key), this.held);
    this.held = undefined;
    return Promise.resolve();
  }

  /**
   * The dead letter of `key`'s event is acknowledged: journals the give-up held back for it (nothing when
   * the pipeline did not give up, e.g. the transport ran out of attempts first).
   */
  buried(key: IdempotencyKey): Promise<void> {
    const name = idempotencyKeyString(key);
    const held = this.unburied.get(name);
    if (!held) return Promise.resolve();
    this.unburied.delete(name);
    return this.bundle.add(held);
  }

  /**
   * The dead letter of `key`'s event could not be written: the give-up held back for it is withdrawn, and the
   * claim released with its attempts, so the event's next delivery here runs its last attempt again instead
   * of answering `duplicate` (nothing was journaled: other processes never knew of the give-up).
   */
  notBuried(key: IdempotencyKey): void {
    const name = idempotencyKeyString(key);
    const held = this.unburied.get(name);
    if (!held) return;
    this.unburied.delete(name);
    this.memory.release(key, Math.max(1, (held[3] - Date.now()) / 1_000));
  }

  /** Forgotten here at once; resolves once the forgetting (and every claim before it) is acknowledged. */
  forget(key: IdempotencyKey): Promise<void> {
    this.memory.forget(key);
    return this.bundle.flushed();
  }

  /**
   * Resolves once the claim is settled, or released for a retry. The in-memory store keeps a copy waiting
   * through a release, for the holder's retry to claim the event next; on Kafka that retry travels through
   * the retry topic, often to the very partition whose batch the waiting copy holds up, so the copy waited
   * out the function's timeout and then a deferral as long (a minute with the defaults, the partition
   * stalled meanwhile). Woken at the release, the copy claims the event itself, as its next attempt.
   */
  whenSettled(key: IdempotencyKey): Promise<void> | undefined {
    const settled = this.memory.whenSettled(key);
    const name = idempotencyKeyString(key);
    let wake!: () => void;
    const released = new Promise<void>((resolve) => { wake = resolve; });
    const waiting = this.releaseWaiters.get(name);
    if (waiting) waiting.push(wake);
    else this.releaseWaiters.set(name, [wake]);
    return Promise.race([settled, released]).finally(() => {
      const left = this.releaseWaiters.get(name)?.filter((w) => w !== wake);
      if (left?.length) this.releaseWaiters.set(name, left);
      else this.releaseWaiters.delete(name);
    });
  }

  private async apply({ batch }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      if (!message.value || !message.key || message.key.equals(this.own)) continue;
      try {
        const entries = JSON.parse(message.value.toString()) as ClaimEntry[];
        for (const [scope, record, state, expires] of entries) this.memory.load(scope, record, state, expires);
      } catch (error) {
        this.options.logger.warn('an unreadable claims record was skipped', { offset: message.offset, error: (error as Error).message });
      }
    }
    this.read.set(batch.partition, BigInt(batch.lastOffset()) + 1n);
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const wake of waiting) wake();
  }
}
