/**
 * The outcomes topic: what every worker settled, so the dev server's `/traces/<id>` and `/dlq` show the
 * whole cluster's work, not only its own process's. Each process writes its delivery records and its dead
 * letters there, bundled (one record per turn of its event loop, keyed by the writer), and their removal by a
 * redrive or purge; the dev server follows the topic from its start and loads the records the other
 * processes wrote into its trace and dead-letter stores (its own are there already). Writes do not hold up
 * deliveries: a failed one is logged (the dead letter itself is safe in its dead-letter topic).
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from '../../../contracts';
import type { DeadLetter, DeadLetterJournal, DeadLetterStore } from '../../local/dead-letters';
import type { DeliveryRecord } from '../../local/function';
import type { TraceStore } from '../../local/traces';
import type { KafkaNames } from '../topics';
import type { RecordSender } from './record-sender';
import { RecordBundle } from './record-bundle';
import { retriable } from './retriable';

/** Which dead letter a removal names: the subscription it came from and its event. */
export interface LetterRef {
  readonly subscription: string;
  readonly id: string;
}

/**
 * What the outcomes topic says; `w` is the process that wrote it. Deliveries and dead letters travel in
 * bundles (record-bundle.ts: a JSON array per record, keyed by the writer), as `BundledOutcome`s; a removal
 * is a record of its own, keyed `dlq` (or `dlq:<location>` when `herald dlq --brokers` wrote it), which
 * dead-letter-view.ts reads.
 */
export type OutcomeRecord =
  | { readonly kind: 'delivery'; readonly w: string; readonly record: DeliveryRecord }
  | { readonly kind: 'dead-letter'; readonly w: string; readonly letter: DeadLetter }
  /** Dead letters redriven or purged (`herald dlq`, `/dlq/redrive`): no longer listed. */
  | { readonly kind: 'dlq-removed'; readonly w: string; readonly letters: readonly LetterRef[]; readonly by: 'redrive' | 'purge'; readonly at: string };

/**
 * An item of a bundle: a delivery (the most of them: one per delivery) as a `DeliveryTuple`, or a dead letter.
 * The bundle's key names the writer, so no item repeats it. Bundles of delivery records as objects, and of
 * `OutcomeRecord`s, written before, are read too.
 */
type BundledOutcome = DeliveryTuple | { readonly kind: 'dead-letter'; readonly letter: DeadLetter };

/**
 * A delivery record's fields in a fixed order, unnamed: under half the bytes of the object, which the worker
 * stringifies, kafkajs encodes and checksums, and the broker stores, for every event. `correlationid` is 0
 * when it is the event's id (an event that starts a request: the common case); an absent field is null, and
 * trailing absent ones are left out.
 */
type DeliveryTuple = readonly [
  fn: string, subscription: string, type: string, id: string, correlationid: string | 0, causationid: string | null,
  attempt: number, outcome: DeliveryRecord['outcome'], durationMs: number, at: number, delayMs?: number | null, reason?: string,
];

function deliveryTuple(r: DeliveryRecord): DeliveryTuple {
  const head = [r.function, r.subscription, r.type, r.id, r.correlationid === r.id ? 0 : r.correlationid, r.causationid ?? null, r.attempt, r.outcome, r.durationMs, r.at] as const;
  if (r.reason !== undefined) return [...head, r.delayMs ?? null, r.reason];
  return r.delayMs !== undefined ? [...head, r.delayMs] : head;
}

/** The record a tuple carries, in the shape LocalFunction reports (every field present, undefined when absent). */
function deliveryOf(t: DeliveryTuple): DeliveryRecord {
  return {
    function: t[0], subscription: t[1], type: t[2], id: t[3], correlationid: t[4] === 0 ? t[3] : t[4], causationid: t[5] ?? undefined,
    attempt: t[6], outcome: t[7], durationMs: t[8], at: t[9], delayMs: t[10] ?? undefined, reason: t[11],
  };
}

export interface OutcomesOptions {
  readonly kafka: Kafka;
  readonly names: KafkaNames;
  readonly sender: RecordSender;
  readonly logger: Logger;
}

export class Outcomes {
  readonly writer = randomUUID();
  private consumer: Consumer | undefined;
  private group: string | undefined;
  /** While loading another process's removal: the store's own journal must not write it again. */
  private applying = false;

  constructor(private readonly options: OutcomesOptions) {
    this.bundle = new RecordBundle(options.sender, options.names.outcomes, this.writer);
  }

  private readonly bundle: RecordBundle<BundledOutcome>;

  /** Records one delivery (a runtime's `onDelivery` listener). */
  readonly delivered = (record: DeliveryRecord): void => {
    this.bundled(deliveryTuple(record), 'delivery');
  };

  /** The dead-letter store's journal: its letters and removals go to the topic too. */
  readonly journal: DeadLetterJournal = {
    added: (letter) => this.bundled({ kind: 'dead-letter', letter }, 'dead-letter'),
    removed: (letters) => {
      if (this.applying || !letters.length) return;
      this.removed(letters.map(({ subscription, id }) => ({ subscription, id })), 'redrive');
    },
  };

  /** Writes a removal (what `herald dlq redrive|purge --brokers` does; the store's journal for the dev server's own). */
  removed(letters: readonly LetterRef[], by: 'redrive' | 'purge'): Promise<void> {
    return this.write('dlq', { kind: 'dlq-removed', w: this.writer, letters, by, at: new Date().toISOString() });
  }

  /**
   * Loads what the other processes wrote, from the topic's start, into `traces` and `deadLetters`, and
   * keeps following it; resolves once it has read up to the end as of now.
   */
  async follow(traces: TraceStore, deadLetters: DeadLetterStore): Promise<void> {
    const { kafka, names } = this.options;
    this.group = `${names.outcomes}.reader.${this.writer}`;
    const consumer = kafka.consumer({ groupId: this.group, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
    this.consumer = consumer;
    const admin = kafka.admin();
    await admin.connect();
    const ends = await retriable(() => admin.fetchTopicOffsets(names.outcomes)).finally(() => admin.disconnect());
    const read = new Map<number, bigint>();
    let wake: () => void = () => {};
    await consumer.connect();
    await consumer.subscribe({ topics: [names.outcomes], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }: EachBatchPayload) => {
        for (const message of batch.messages) {
          const key = message.key?.toString();
          if (key !== this.writer) this.apply(message.value, traces, deadLetters, key);
        }
        read.set(batch.partition, BigInt(batch.lastOffset()) + 1n);
        wake();
      },
    });
    const behind = () => ends.some(({ partition, high }) => (read.get(partition) ?? 0n) < BigInt(high));
    while (behind()) await new Promise<void>((resolve) => { wake = resolve; });
  }

  /** Stops following (removing the follower's group). */
  async stop(): Promise<void> {
    if (!this.consumer) return;
    await this.consumer.disconnect();
    const admin = this.options.kafka.admin();
    await admin.connect();
    await admin.deleteGroups([this.group!]).catch(() => {});
    await admin.disconnect();
  }

  private apply(value: Buffer | null, traces: TraceStore, deadLetters: DeadLetterStore, key: string | undefined): void {
    for (const outcome of readOutcomes(key, value)) this.applyOne(outcome, traces, deadLetters);
  }

  private applyOne(outcome: OutcomeRecord, traces: TraceStore, deadLetters: DeadLetterStore): void {
    if (outcome.w === this.writer) return;
    switch (outcome.kind) {
      case 'delivery':
        traces.record(outcome.record);
        return;
      case 'dead-letter':
        deadLetters.load([outcome.letter]);
        return;
      case 'dlq-removed':
        this.applying = true;
        try {
          for (const { subscription, id } of outcome.letters) deadLetters.take({ subscription, id });
        } finally {
          this.applying = false;
        }
    }
  }

  private bundled(item: BundledOutcome, kind: OutcomeRecord['kind']): void {
    const sent = this.bundle.add(item);
    // One failure logged per bundle, not a handler per item (a delivery each).
    if (sent === this.loggedBundle) return;
    this.loggedBundle = sent;
    this.logged(sent, kind);
  }

  /** The bundle whose failure is logged already. */
  private loggedBundle: Promise<void> | undefined;

  private write(key: string, record: OutcomeRecord): Promise<void> {
    return this.logged(this.options.sender.send(this.options.names.outcomes, [{ key, value: JSON.stringify(record) }]), record.kind);
  }

  private logged(sent: Promise<void>, kind: string): Promise<void> {
    sent.catch((error: unknown) => this.options.logger.error('could not write to the outcomes topic', { kind, error: (error as Error).message }));
    return sent;
  }
}

/**
 * What one outcomes-topic record says, whatever its form: a removal (or any single `OutcomeRecord`), a bundle
 * of `BundledOutcome`s (its key is its writer), or a bundle written before (delivery records as objects, or
 * `OutcomeRecord`s); nothing for an empty or unreadable value.
 */
export function readOutcomes(key: string | undefined, value: Buffer | null): OutcomeRecord[] {
  if (!value) return [];
  let parsed: OutcomeRecord | Array<BundledOutcome | DeliveryRecord | OutcomeRecord>;
  try {
    parsed = JSON.parse(value.toString()) as OutcomeRecord | Array<BundledOutcome | DeliveryRecord | OutcomeRecord>;
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [parsed];
  const w = key ?? '';
  return parsed.map((item): OutcomeRecord => {
    if (Array.isArray(item)) return { kind: 'delivery', w, record: deliveryOf(item as DeliveryTuple) };
    if (!('kind' in item)) return { kind: 'delivery', w, record: item as DeliveryRecord };
    if (!('w' in item)) return { kind: 'dead-letter', w, letter: item.letter };
    return item;
  });
}
