/**
 * One consumer process of `bench kafka`, started by the parent (bench/kafka/processes.ts) with its config in
 * `BENCH_KAFKA_CONSUMER`: the bare side (plain kafkajs), the floor side (bench/kafka/floor.ts) or the Herald side (a
 * Herald Kafka worker), all calling the same `Sink.handle`. Says `ready` once its group is joined, then reports its count over IPC until told to stop.
 */
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { bareNames, Sink, type BenchOrderData } from './workload';
import { startFloor } from './floor';
import { startHerald } from './herald-side';
import { quantile, type ConsumerConfig, type FromConsumer, type ToConsumer } from './protocol';

/** How often the count goes to the parent while it changes: the parent's clock uses `lastAt`, so this only bounds its wait. */
const PROGRESS_EVERY_MS = 20;

/** A started consumer: `stop` leaves the group. */
interface Running { stop(): Promise<void> }

/**
 * The baseline: a plain kafkajs consumer as a service would write one — one group member, every partition consumed
 * concurrently, each message's value parsed as JSON and handed to the handler, offsets committed by kafkajs.
 */
async function startBare(config: ConsumerConfig, sink: Sink): Promise<Running> {
  const { topic, group } = bareNames(config.stack);
  const kafka = new Kafka({ clientId: 'bench-bare', brokers: config.brokers, logLevel: logLevel.NOTHING });
  const consumer: Consumer = kafka.consumer({ groupId: group });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: config.partitions,
    eachMessage: async ({ message }) => { sink.handle(JSON.parse(String(message.value)) as BenchOrderData); },
  });
  await joined;
  return { stop: () => consumer.disconnect() };
}

async function startSide(config: ConsumerConfig, sink: Sink): Promise<Running> {
  switch (config.side) {
    case 'bare': return startBare(config, sink);
    case 'floor': return startFloor(config, sink);
    case 'herald': return startHerald(config, sink);
  }
}

function send(message: FromConsumer): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_KAFKA_CONSUMER ?? '') as ConsumerConfig;
  const sink = new Sink();
  const running = await startSide(config, sink);
  let reported = -1;
  const progress = setInterval(() => {
    if (sink.handled === reported) return;
    reported = sink.handled;
    send({ kind: 'progress', handled: sink.handled, lastAt: sink.lastAt });
  }, PROGRESS_EVERY_MS);
  process.on('message', (message: ToConsumer) => {
    switch (message.kind) {
      case 'record':
        if (message.on) sink.latencies.length = 0;
        sink.recording = message.on;
        break;
      case 'latencies': {
        const sorted = Float64Array.from(sink.latencies).sort();
        const values = Array.from(sorted);
        send({ kind: 'latencies', summary: { count: values.length, p50: quantile(values, 0.5), p99: quantile(values, 0.99), max: values.at(-1) ?? NaN } });
        break;
      }
      case 'usage': {
        const { user, system } = process.cpuUsage();
        send({ kind: 'usage', cpuMs: (user + system) / 1_000 });
        break;
      }
      case 'stop':
        clearInterval(progress);
        void running.stop().finally(() => process.exit(0));
        break;
    }
  });
  // Parent gone (a crash, a timeout): nothing left to report to.
  process.on('disconnect', () => process.exit(1));
  send({ kind: 'ready' });
}

main().catch((e: unknown) => {
  send({ kind: 'failed', message: e instanceof Error ? e.stack ?? e.message : String(e) });
  setTimeout(() => process.exit(1), 100);
});

