/**
 * Idempotency across workers: the claims topic as a changelog, the way Kafka Streams backs a state
 * store. Every process keeps the in-memory store the embedded runtime uses (runtime/idempotency.ts) and
 * journals each settled claim (handled, given up, forgotten by a redrive) to the claims topic, keyed by
 * function and event; every process reads the whole topic, in a consumer group of its own, and loads what
 * the others wrote. Why a topic and not Redis: a team running Kafka already runs it (nothing more to
 * operate or secure, the same ACLs and retention), and the ordering it needs comes from the group protocol:
 * - `complete` resolves only once the brokers acknowledged the record (acks=all), and the reader commits
 *   the delivery's offset only after that, so a record whose offset was not committed may be redelivered,
 *   but its claim is already in the topic;
 * - a reader that is given partitions (a rebalance, a worker that died) first reads the claims topic up
 *   to its end as of then (`caughtUp`), so it knows every claim the partition's last owner wrote before
 *   it let go (kafkajs finishes a batch before it rejoins; a killed process writes nothing more);
 * so a handler that succeeded is never run again for a redelivered copy: the copy answers `duplicate`.
 * What is left: a worker killed between its handler's success and the claim's acknowledgement runs that
 * handler again on the next owner (at-least-once, as on every cloud).
 * Claims travel in bundles (one record per turn of a writer's event loop, record-bundle.ts), so the topic is
 * not compacted (a bundle's key is its writer, not an event): records are deleted after the stack's
 * retention, the same as the source topics a duplicate could come from.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from '../../../contracts';
import {
  InMemoryIdempotencyStore, type Claim, type IdempotencyJournal, type IdempotencyKey, type IdempotencyStore, type SettledState,
} from '../../../runtime/idempotency';
import type { KafkaNames } from '../topics';
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
  /** Claims kept per function at most. @default 1000000 */
  readonly maxEntries?: number;
  readonly logger: Logger;
}

export class KafkaClaims implements IdempotencyStore {
  private readonly memory: InMemoryIdempotencyStore;
  private readonly writer = randomUUID();
  private readonly topic: string;
  private readonly group: string;
  private consumer: Consumer | undefined;
  /** One admin client for `caughtUp`, connected at its first call. */
  private admin: Promise<Admin> | undefined;
  /** Per partition, the next offset not yet read. */
  private readonly read = new Map<number, bigint>();
  private readonly waiting = new Set<() => void>();
  private readonly bundle: RecordBundle<ClaimEntry>;
  /** The key of this process's bundles, which its reader skips. */
  private readonly own: Buffer;
  /** The send of the record the last settling call journaled. */
  private written: Promise<void> = Promise.resolve();

  constructor(private readonly options: KafkaClaimsOptions) {
    this.topic = options.names.claims;
    this.bundle = new RecordBundle(options.sender, this.topic, this.writer);
    this.own = Buffer.from(this.writer);
    this.group = `${options.names.claimsReaders}${this.writer}`;
    const journal: IdempotencyJournal = {
      settled: (scope, record, state, expires) => { this.written = this.bundle.add([scope, record, state, expires]); },
      forgotten: (scope, record) => { this.written = this.bundle.add([scope, record, 'forgotten', Date.now()]); },
      rotated: () => {},
    };
    this.memory = new InMemoryIdempotencyStore({ maxEntries: options.maxEntries ?? 1_000_000, journal });
  }

  /** Reads the claims topic from its start; resolves once it has read up to its end as of now. */
  async start(): Promise<void> {
    const consumer = this.options.kafka.consumer({ groupId: this.group, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatch: (payload) => this.apply(payload) });
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

  complete(key: IdempotencyKey, ttlSeconds: number): Promise<void> {
    this.memory.complete(key, ttlSeconds);
    return this.written;
  }

  release(key: IdempotencyKey, ttlSeconds: number): void {
    // Not journaled: a retry carries its attempt in its record's headers, wherever it is delivered.
    this.memory.release(key, ttlSeconds);
  }

  giveUp(key: IdempotencyKey, ttlSeconds: number): Promise<void> {
    this.memory.giveUp(key, ttlSeconds);
    return this.written;
  }

  forget(key: IdempotencyKey): Promise<void> {
    this.memory.forget(key);
    return this.written;
  }

  whenSettled(key: IdempotencyKey): Promise<void> | undefined {
    return this.memory.whenSettled(key);
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
