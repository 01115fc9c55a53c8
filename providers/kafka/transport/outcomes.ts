/**
 * The outcomes topic: what every worker settled, so the dev server's `/traces/<id>` and `/dlq` show the
 * whole cluster's work, not only its own process's. Each process writes its delivery records and its dead
 * letters (and their removal by a redrive or purge) there, keyed by correlation id so one request's
 * records stay in order; the dev server follows the topic from its start and loads the records the other
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
import { retriable } from './retriable';

/** Which dead letter a removal names: the subscription it came from and its event. */
export interface LetterRef {
  readonly subscription: string;
  readonly id: string;
}

/** A record of the outcomes topic; `w` is the process that wrote it. */
export type OutcomeRecord =
  | { readonly kind: 'delivery'; readonly w: string; readonly record: DeliveryRecord }
  | { readonly kind: 'dead-letter'; readonly w: string; readonly letter: DeadLetter }
  /** Dead letters redriven or purged (`herald dlq`, `/dlq/redrive`): no longer listed. */
  | { readonly kind: 'dlq-removed'; readonly w: string; readonly letters: readonly LetterRef[]; readonly by: 'redrive' | 'purge'; readonly at: string };

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

  constructor(private readonly options: OutcomesOptions) {}

  /** Records one delivery (a runtime's `onDelivery` listener). */
  readonly delivered = (record: DeliveryRecord): void => {
    this.write(record.correlationid, { kind: 'delivery', w: this.writer, record });
  };

  /** The dead-letter store's journal: its letters and removals go to the topic too. */
  readonly journal: DeadLetterJournal = {
    added: (letter) => this.write(letter.event.correlationid as string ?? letter.id, { kind: 'dead-letter', w: this.writer, letter }),
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
        for (const message of batch.messages) this.apply(message.value, traces, deadLetters);
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

  private apply(value: Buffer | null, traces: TraceStore, deadLetters: DeadLetterStore): void {
    if (!value) return;
    let outcome: OutcomeRecord;
    try {
      outcome = JSON.parse(value.toString()) as OutcomeRecord;
    } catch {
      return;
    }
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

  private write(key: string, record: OutcomeRecord): Promise<void> {
    const sent = this.options.sender.send(this.options.names.outcomes, [{ key, value: JSON.stringify(record) }]);
    sent.catch((error: unknown) => this.options.logger.error('could not write to the outcomes topic', { kind: record.kind, error: (error as Error).message }));
    return sent;
  }
}
