/**
 * bench local-durable: events per second, durable, for a 2-way fan-out on one machine, from the first
 * publish (batches of 100) until both subscribers have handled the last event:
 * - kafkajs, the baseline: raw kafkajs on a real single-node Kafka broker started here (kafka_2.13 from Maven
 *   Central, test/helpers/kafka-broker.ts), producing with acks=all, one consumer group per subscriber;
 * - herald durable: `POST /events` to the durable embedded runtime (`heraldDurable`, below).
 * Both get the same kind of OrderPlaced.v2 events (the example app's, CloudEvents JSON) in the same run, fresh ids
 * each round. The kafkajs producer and both subscribers share this process, as `herald dev` runs its ingest and
 * both functions in one process; the broker is stopped before the Herald
 * half so its JVM does not share the 2 cores with it. Ends with `bench local-durable: ratio=<x> (herald durable / kafkajs)`.
 */
import { Kafka, Partitioners, logLevel, type Consumer, type Message, type Producer } from 'kafkajs';
import type { Envelope } from '../contracts';
import { newEnvelope } from '../runtime';
import { OrderPlaced } from '../app/events';
import { locateKafka, startKafkaBroker, type KafkaBroker } from '../test/helpers/kafka-broker';
import { onFreshState, postFanOut } from './local-durable-herald';

/** Events per timed round, per side. */
const EVENTS = 50_000;
/** Events per publish: one `producer.send` here, one `POST /events` body on the Herald side. */
const BATCH = 100;
/** Publishes in flight at once, on both sides (as bench/local's HTTP ingest). */
const IN_FLIGHT = 4;
const ROUNDS = 3;
const WARM_UP_EVENTS = 10_000;
const SUBSCRIBERS = ['first', 'second'] as const;
/** Partitions of the topic, each group's one member consuming them concurrently: 4 beat 1 here (about 6.6k vs 5.6k events/s on a busy 2-core machine). */
const PARTITIONS = 4;
/** A round (produce until both groups consumed all) that takes longer than this fails the bench. */
const ROUND_TIMEOUT_MS = 120_000;
/** The whole run, broker start included; past it the process exits and its exit hook kills the broker. */
const RUN_TIMEOUT_MS = 10 * 60_000;

/**
 * The Herald half, one round: post `events` to `POST /events` of a durable `herald dev` (state on disk) in
 * batches of BATCH, IN_FLIGHT requests at a time, two functions subscribed to OrderPlaced with no-op
 * handlers, and resolve to events per second from the first request to the last event handled by both.
 * Called like the kafkajs side (`rounds`): a warm-up, then ROUNDS rounds, each with fresh event ids.
 */
async function heraldDurable(events: readonly Envelope[]): Promise<number> {
  const bodies: string[] = [];
  for (let i = 0; i < events.length; i += BATCH) bodies.push(JSON.stringify(events.slice(i, i + BATCH)));
  return onFreshState((stores) => postFanOut(OrderPlaced, bodies, stores));
}

function orders(count: number): Envelope[] {
  return Array.from({ length: count }, (_, i) => newEnvelope(OrderPlaced, {
    orderId: `o-${i}`, amount: 10 + (i % 90), currency: 'EUR', customerEmail: `c${i}@example.com`, channel: 'web',
    items: [{ sku: 'tea', quantity: 1 + (i % 3), unitPrice: 5 }, { sku: 'cup', quantity: 1, unitPrice: 5 }],
  }, { subject: `eu/${i}` }));
}

/** A subscriber's group: parses each event and calls a no-op async handler, as a raw kafkajs service would. */
class Subscriber {
  handled = 0;
  private target = Infinity;
  private reached: () => void = () => undefined;
  constructor(readonly consumer: Consumer) {}

  async start(topic: string): Promise<void> {
    const joined = new Promise<void>((resolve) => this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve()));
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({
      partitionsConsumedConcurrently: PARTITIONS,
      eachMessage: async ({ message }) => {
        await handle(JSON.parse(String(message.value)) as Envelope);
        if (++this.handled === this.target) this.reached();
      },
    });
    await joined;
  }

  /** Resolves once `count` events more than now have been handled. */
  expect(count: number): Promise<void> {
    this.target = this.handled + count;
    return new Promise((resolve) => { this.reached = resolve; });
  }
}

let calls = 0;
const handle = async (_event: Envelope) => { calls++; };

/** A warm-up, then ROUNDS rounds of EVENTS fresh events (Herald deduplicates by id, so no id is sent twice). */
async function rounds(side: (events: readonly Envelope[]) => Promise<number>): Promise<number[]> {
  await side(orders(WARM_UP_EVENTS));
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) rates.push(await side(orders(EVENTS)));
  return rates;
}

/** The baseline side on a running broker: one topic, a group per subscriber joined once, then `rounds`. */
async function kafkajsDurable(broker: KafkaBroker): Promise<number[]> {
  const kafka = new Kafka({ clientId: 'bench-local-durable', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const topic = 'orders';
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
  const subscribers = SUBSCRIBERS.map((name) => new Subscriber(kafka.consumer({ groupId: `bench-${name}` })));
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  try {
    await producer.connect();
    for (const s of subscribers) await s.start(topic);
    return await rounds((events) => kafkajsRound(producer, subscribers, topic, events));
  } finally {
    await Promise.allSettled([producer.disconnect(), ...subscribers.map((s) => s.consumer.disconnect())]);
  }
}

/** One round: produce every event (key = its id, value = its CloudEvents JSON) until both groups handled all. */
async function kafkajsRound(producer: Producer, subscribers: Subscriber[], topic: string, events: readonly Envelope[]): Promise<number> {
  // Serialised before the clock starts, as the Herald side builds its request bodies before its clock.
  const batches: Message[][] = [];
  for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH).map((e) => ({ key: e.id, value: JSON.stringify(e) })));
  const consumed = Promise.all(subscribers.map((s) => s.expect(events.length)));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`a round took over ${ROUND_TIMEOUT_MS} ms (handled: ${subscribers.map((s) => s.handled).join(', ')})`)), ROUND_TIMEOUT_MS);
  });
  let next = 0;
  const produce = async () => {
    while (next < batches.length) await producer.send({ topic, acks: -1, messages: batches[next++]! });
  };
  const start = performance.now();
  try {
    await Promise.race([Promise.all([...Array.from({ length: IN_FLIGHT }, produce), consumed]), late]);
  } finally {
    clearTimeout(timer);
  }
  return events.length / ((performance.now() - start) / 1_000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en');

async function main(): Promise<void> {
  setTimeout(() => { console.error(`bench local-durable: over ${RUN_TIMEOUT_MS / 60_000} min, stopped`); process.exit(1); }, RUN_TIMEOUT_MS).unref();
  const located = locateKafka();
  if ('missing' in located) throw new Error(located.missing);
  const size = Buffer.byteLength(JSON.stringify(orders(1)[0]));
  console.log(`2-way fan-out of OrderPlaced.v2 events (${size} bytes each as CloudEvents JSON), batches of ${BATCH}, ${IN_FLIGHT} in flight, median of ${ROUNDS} rounds of ${fmt(EVENTS)}:`);

  // Kafka's own benchmark heap; the rest of the 24 GiB stays page cache.
  const broker = await startKafkaBroker({ heap: '2g' });
  console.log(`  kafka ${located.version} broker (single-node KRaft) ready in ${(broker.startedInMs / 1_000).toFixed(1)} s`);
  let kafkajs: number[];
  try {
    kafkajs = await kafkajsDurable(broker);
  } finally {
    await broker.stop();
  }
  // Each event once per group: more would mean redeliveries counted as throughput.
  const owed = SUBSCRIBERS.length * (WARM_UP_EVENTS + ROUNDS * EVENTS);
  if (calls !== owed) throw new Error(`kafkajs handler calls: ${calls}, expected ${owed}`);
  console.log(`  kafkajs, acks=all, ${PARTITIONS} partitions, a consumer group per subscriber: ${fmt(median(kafkajs))} events/s (${fmt(2 * median(kafkajs))} handler calls/s; rounds ${kafkajs.map(fmt).join(', ')})`);

  let herald: number[];
  try {
    herald = await rounds(heraldDurable);
  } catch (e) {
    console.log(`  herald durable: ${(e as Error).message}`);
    console.log('bench local-durable: no ratio (the herald durable half failed)');
    process.exitCode = 1;
    return;
  }
  console.log(`  herald durable, POST /events: ${fmt(median(herald))} events/s (${fmt(2 * median(herald))} deliveries/s; rounds ${herald.map(fmt).join(', ')})`);
  console.log(`bench local-durable: ratio=${(median(herald) / median(kafkajs)).toFixed(2)} (herald durable / kafkajs)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
