/**
 * The floor side of `bench kafka`: the bare consumer plus the Kafka traffic that Herald's guarantees put on every
 * event, and none of Herald's own code. Per event it reads the CloudEvent's id, source and type from their headers
 * (what a claim and an outcome name), parses the value, calls the handler, and adds a claim and an outcome to
 * bundles written as Herald writes them (JSON arrays of at most MAX_BUNDLE items, keyed by the writer, one
 * claims topic and one outcomes topic, both one partition). The bundles are acknowledged before the batch's offsets
 * are resolved, and every process reads the claims topic back, as the claims store must. No validation, filter,
 * dedupe, trace store or pipeline: what is left between this side and the bare one is the cost of the Kafka work
 * itself, which no implementation of those guarantees on kafkajs escapes; what is left between Herald and this side
 * is Herald's own.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { MAX_BUNDLE } from '../../providers/kafka/transport/record-bundle';
import type { ConsumerConfig } from './protocol';
import { FUNCTION, type BenchOrderData, type Sink } from './workload';

/** The floor side's topics and group on `stack`: its source has the other sides' partitions; claims and outcomes one. */
export function floorNames(stack: string) {
  const prefix = `bench-floor.${stack}`;
  return { topic: `${prefix}.orders`, group: `${prefix}.group`, claims: `${prefix}.claims`, outcomes: `${prefix}.outcomes` };
}

/** A claim's time to live, as the pipeline's default. */
const TTL_MS = 86_400_000;

const header = (message: KafkaMessage, name: string) => String(message.headers?.[name] ?? '');

/** Items as JSON records of at most MAX_BUNDLE, keyed by `writer`. */
function bundles(items: readonly unknown[], writer: string) {
  const records = [];
  for (let i = 0; i < items.length; i += MAX_BUNDLE) records.push({ key: writer, value: JSON.stringify(items.slice(i, i + MAX_BUNDLE)) });
  return records;
}

/** Starts the floor consumer and its claims reader; resolves once both joined their groups. */
export async function startFloor(config: ConsumerConfig, sink: Sink): Promise<{ stop(): Promise<void> }> {
  const names = floorNames(config.stack);
  const writer = randomUUID();
  const own = Buffer.from(writer);
  const kafka = new Kafka({ clientId: 'bench-floor', brokers: config.brokers, logLevel: logLevel.NOTHING });
  // Not idempotent, as Herald's claims and outcomes producer (providers/kafka/transport/runtime.ts).
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: names.group });
  const claimsReader = kafka.consumer({ groupId: `${names.group}.claims.${writer}`, maxWaitTimeInMs: 100 });
  const joined = (c: typeof consumer) => new Promise<void>((resolve) => c.on(c.events.GROUP_JOIN, () => resolve()));
  const bothJoined = Promise.all([joined(consumer), joined(claimsReader)]);
  await Promise.all([producer.connect(), consumer.connect(), claimsReader.connect()]);
  await claimsReader.subscribe({ topic: names.claims, fromBeginning: true });
  await claimsReader.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) if (m.value && !m.key?.equals(own)) JSON.parse(m.value.toString());
    },
  });
  await consumer.subscribe({ topic: names.topic, fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: config.partitions,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset }) => {
      const claims: unknown[] = [];
      const outcomes: unknown[] = [];
      for (const message of batch.messages) {
        const id = header(message, 'ce_id');
        const started = performance.now();
        const at = Date.now();
        sink.handle(JSON.parse(String(message.value)) as BenchOrderData);
        claims.push([FUNCTION, `${header(message, 'ce_source')}\u0000${id}`, 'completed', at + TTL_MS]);
        outcomes.push([FUNCTION, 'sub', header(message, 'ce_type'), id, 0, null, 1, 'ok', performance.now() - started, at]);
      }
      await producer.sendBatch({
        acks: -1,
        topicMessages: [{ topic: names.claims, messages: bundles(claims, writer) }, { topic: names.outcomes, messages: bundles(outcomes, writer) }],
      });
      resolveOffset(batch.lastOffset());
    },
  });
  await bothJoined;
  return {
    stop: async () => {
      await Promise.all([consumer.disconnect(), claimsReader.disconnect()]);
      await producer.disconnect();
    },
  };
}
