/**
 * Watches what the chaos workers wrote to Kafka, with a plain kafkajs consumer in a group of its own (not
 * through Herald, whose view is what is being checked): every dead-letter record (its event id, the
 * subscription that gave up and its `herald-attempts`), the outcomes topic's `duplicate` deliveries (the
 * copies the claims store answered without running a handler), and the claims topic's `completed`
 * entries, one per success the workers recorded.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, IHeaders, Kafka } from 'kafkajs';
import { readOutcomes } from '../../../../providers/kafka/transport/outcomes';
import { readDeliveryHeaders } from '../../../../providers/kafka/transport/delivery-headers';
import { runKeptRunning } from '../../../../providers/kafka/transport/keep-running';
import { silentLogger } from '../../../../runtime/logger';

/** One dead-letter record as read. */
export interface Letter {
  readonly subscription: string;
  readonly attempts: number | undefined;
}

export class Observer {
  /** Per `subscription id`, its dead-letter records. */
  readonly letters = new Map<string, Letter[]>();
  /** `duplicate` outcomes per function. */
  readonly duplicates = new Map<string, number>();
  /**
   * Per `function id`, the processes (a claims bundle's key is its writer) that wrote a `completed` claim for it.
   * Writers, not records: the claims producer is not idempotent, so a bundle whose acknowledgement was lost is
   * written again (claims.ts), and one process's one success must not count as two.
   */
  readonly completed = new Map<string, Set<string>>();
  /** `deferred` outcomes per function: copies that met another copy of their event in flight. */
  readonly deferred = new Map<string, number>();
  /** Why its consumer failed, each time (a failing run names them: a letter it missed is not a letter lost). */
  readonly crashes: string[] = [];
  private readonly consumer: Consumer;
  private stopped = false;
  /** Per `topic:partition`, the next offset not yet read. */
  private readonly read = new Map<string, bigint>();

  constructor(private readonly kafka: Kafka, private readonly deadLetterTopics: readonly string[], private readonly outcomesTopic: string, private readonly claimsTopic: string) {
    this.consumer = kafka.consumer({ groupId: `chaos-observer-${randomUUID()}`, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 200 });
  }

  get duplicateCount(): number {
    return [...this.duplicates.values()].reduce((a, b) => a + b, 0);
  }

  /** How many successes of `fn` on event `id` were recorded in the claims topic. */
  completedClaims(fn: string, id: string): number {
    return this.completed.get(`${fn} ${id}`)?.size ?? 0;
  }

  /** The dead-letter records of `id` from `subscription`. */
  lettersOf(subscription: string, id: string): readonly Letter[] {
    return this.letters.get(`${subscription} ${id}`) ?? [];
  }

  /**
   * Reads from the start of every watched topic. Kept running as the workers' readers are (keep-running.ts):
   * a plain kafkajs consumer gives up for good on "Failed to find group coordinator" while the restarted
   * broker loads its groups, and every letter written after that would go unseen, a loss the workers did not make.
   */
  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: true });
    await runKeptRunning(this.consumer, {
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        // Started again, it reads from the start again (it commits nothing): what it read already is not counted twice.
        const id = `${batch.topic}:${batch.partition}`;
        const from = this.read.get(id) ?? 0n;
        for (const message of batch.messages) {
          if (BigInt(message.offset) < from) continue;
          if (batch.topic === this.outcomesTopic) this.outcome(message.key, message.value);
          else if (batch.topic === this.claimsTopic) this.claim(message.key, message.value);
          else this.letter(message.headers ?? {});
        }
        this.read.set(id, BigInt(batch.lastOffset()) + 1n);
      },
    }, {
      // What keep-running.ts says of its failures (a crash, a start that failed) is kept, not printed.
      logger: { ...silentLogger, warn: (_message, fields) => { this.crashes.push(String(fields?.error)); } },
      fields: {}, stopped: () => this.stopped,
    });
  }

  /** Resolves once every record written to the watched topics before this call was read. @throws after `timeoutMs` */
  async caughtUp(timeoutMs: number): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends: Array<{ id: string; high: bigint }> = [];
    try {
      for (const topic of this.topics) {
        for (const { partition, high } of await admin.fetchTopicOffsets(topic)) ends.push({ id: `${topic}:${partition}`, high: BigInt(high) });
      }
    } finally {
      await admin.disconnect();
    }
    const deadline = Date.now() + timeoutMs;
    while (ends.some(({ id, high }) => high > 0n && (this.read.get(id) ?? 0n) < high)) {
      if (Date.now() > deadline) throw new Error(`the observer did not read the dead-letter and outcomes topics to their end within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** How many dead-letter records the topics hold, as the brokers count them, and how many of them this observer read. */
  async deadLetterCounts(): Promise<{ held: number; read: number }> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      let held = 0;
      for (const topic of this.deadLetterTopics) {
        for (const { high, low } of await admin.fetchTopicOffsets(topic)) held += Number(high) - Number(low);
      }
      let read = 0;
      for (const letters of this.letters.values()) read += letters.length;
      return { held, read };
    } finally {
      await admin.disconnect();
    }
  }

  private get topics(): string[] {
    return [...this.deadLetterTopics, this.outcomesTopic, this.claimsTopic];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer.disconnect();
  }

  private letter(headers: IHeaders): void {
    const id = headers.ce_id?.toString();
    const h = readDeliveryHeaders(headers);
    if (!id || !h.subscription) return;
    const key = `${h.subscription} ${id}`;
    const list = this.letters.get(key);
    const letter = { subscription: h.subscription, attempts: h.attempts };
    if (list) list.push(letter);
    else this.letters.set(key, [letter]);
  }

  /** A claims record: a bundle (record-bundle.ts) of `[function, source \0 id, state, expires]` (claims.ts). */
  private claim(key: Buffer | null, value: Buffer | null): void {
    if (!value) return;
    const writer = key?.toString() ?? '';
    for (const [fn, record, state] of JSON.parse(value.toString()) as Array<[string, string, string, number]>) {
      if (state !== 'completed') continue;
      const name = `${fn} ${record.split('\u0000')[1]}`;
      const writers = this.completed.get(name);
      if (writers) writers.add(writer);
      else this.completed.set(name, new Set([writer]));
    }
  }

  /** An outcomes record: one outcome, or a bundle of them (outcomes.ts). */
  private outcome(key: Buffer | null, value: Buffer | null): void {
    for (const outcome of readOutcomes(key?.toString(), value)) {
      if (outcome.kind !== 'delivery') continue;
      const counts = outcome.record.outcome === 'duplicate' ? this.duplicates : outcome.record.outcome === 'deferred' ? this.deferred : undefined;
      const fn = outcome.record.function;
      counts?.set(fn, (counts.get(fn) ?? 0) + 1);
    }
  }
}
