/**
 * Reading and writing a cluster's topics from a one-shot process (`herald dlq --brokers`): whether the
 * topics are there, every record of some topics up to their ends as of now, a producer for a few sends,
 * and a retry for what a fresh cluster answers while it settles (a coordinator loading, a leader being
 * elected). kafkajs has no group-less `assign`, so a read uses a throwaway consumer group (a unique id,
 * nothing committed) and deletes it after.
 */
import { randomUUID } from 'node:crypto';
import { Partitioners, type Kafka, type KafkaMessage } from 'kafkajs';
import { HeraldError } from '../../../contracts';

/** Topics a command needs that the cluster does not have. */
export class MissingTopicsError extends HeraldError {
  constructor(readonly topics: readonly string[]) {
    super(`${topics.length === 1 ? 'topic' : 'topics'} missing on the cluster: ${topics.join(', ')}; deploy the app's topics first (pulumi up with herald:cloud kafka, or start herald dev --transport kafka once)`);
  }
}

/** @throws MissingTopicsError naming those of `topics` the cluster lacks */
export async function requireTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const present = new Set(await admin.listTopics());
    const missing = [...new Set(topics)].filter((t) => !present.has(t));
    if (missing.length) throw new MissingTopicsError(missing);
  } finally {
    await admin.disconnect();
  }
}

/** How `readToEnd` reads. */
export interface ReadToEndOptions {
  /** What the throwaway group's id starts with (`<app>.<stack>.dlq-view`): a uuid follows. */
  readonly groupPrefix: string;
  /** How long reading to the end of every topic may take. */
  readonly timeoutMs: number;
}

/**
 * Calls `onRecord` for every record of `topics` between the watermarks they had when called. A consumer
 * in a throwaway group that commits nothing; the group is deleted after.
 */
export async function readToEnd(kafka: Kafka, topics: readonly string[], options: ReadToEndOptions, onRecord: (topic: string, partition: number, message: KafkaMessage) => void): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // What is left to read per partition: from the low watermark to the high one, as of now.
    const ends = new Map<string, bigint>();
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(p.high) > BigInt(p.low)) ends.set(`${topic}:${p.partition}`, BigInt(p.high));
      }
    }
    if (!ends.size) return;
    const groupId = `${options.groupPrefix}.${randomUUID()}`;
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...new Set([...ends.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))))], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const { timeoutMs } = options;
        const timer = setTimeout(() => reject(new Error(`could not read to the end within ${timeoutMs} ms (still reading ${[...ends.keys()].join(', ')})`)), timeoutMs);
        // Counted done per batch end, not per record: a batch of control records only (a transaction's
        // end) reaches no eachBatch, yet ends the partition.
        consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
          const name = `${payload.topic}:${payload.partition}`;
          const end = ends.get(name);
          if (end === undefined || BigInt(payload.lastOffset) + 1n < end) return;
          ends.delete(name);
          if (!ends.size) {
            clearTimeout(timer);
            resolve();
          }
        });
        consumer.on(consumer.events.CRASH, ({ payload }) => {
          clearTimeout(timer);
          reject(payload.error);
        });
        consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const end = ends.get(`${batch.topic}:${batch.partition}`);
            if (end === undefined) return;
            for (const message of batch.messages) if (BigInt(message.offset) < end) onRecord(batch.topic, batch.partition, message);
          },
        }).catch((error: unknown) => {
          clearTimeout(timer);
          reject(error as Error);
        });
      });
    } finally {
      await consumer.disconnect();
      // Nothing was committed; the group may already be gone.
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * `attempt()`, tried again while it fails with an error kafkajs marks retriable (itself, or the one its
 * retrier gave up on), backing off, until `withinMs` has passed.
 */
export async function whileRetriable<T>(attempt: () => Promise<T>, withinMs: number): Promise<T> {
  const until = Date.now() + withinMs;
  for (let delayMs = 100; ; delayMs = Math.min(delayMs * 2, 2_000)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRetriable(error) || Date.now() + delayMs > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

function isRetriable(error: unknown): boolean {
  for (let e = error as { retriable?: boolean; originalError?: unknown; cause?: unknown } | undefined; e; e = (e.originalError ?? e.cause) as typeof e) {
    if (e.retriable === true) return true;
  }
  return false;
}

/** A producer (acks set per send) for the time of `use`. */
export async function withProducer<T>(kafka: Kafka, use: (producer: ReturnType<Kafka['producer']>) => Promise<T>): Promise<T> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    return await use(producer);
  } finally {
    await producer.disconnect();
  }
}
