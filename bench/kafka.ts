/**
 * bench kafka: a Herald Kafka worker against a bare kafkajs consumer, both on one real single-node Kafka broker
 * started here (test/helpers/kafka-broker.ts), in the same run, side by side. Both read the same records (BenchOrder
 * events, bench/kafka/workload.ts, in binary-mode CloudEvents as Herald's transport writes them), produced with plain
 * kafkajs by this process; each consumer runs in a process of its own (bench/kafka/consumer.ts) and calls the same
 * trivial handler.
 * - throughput, the ratio: the consumers alone. Their processes are frozen (SIGSTOP) while a burst is produced, then
 *   thawed and timed to the last handler call, so the producer, about as costly per event as a consumer, does not
 *   share the 2 cores with them. Also end to end (first send to last handler call, consumers running), which the
 *   producer limits. Median of rounds, the sides alternating so drift falls on both.
 * - latency: p50 and p99 from produce to handler at a fixed offered rate of half the bare end-to-end rate (half the
 *   consumers-alone rate is more than one producer sends here, and would measure the producer's queue); the median
 *   of rounds, the sides alternating.
 * - the floor (bench/kafka/floor.ts), a third side in the throughput rounds: the bare consumer plus the claims and
 *   outcomes that Herald's guarantees write and read per event, none of Herald's code. floor/bare is as far as any
 *   implementation of those guarantees on kafkajs could go here; herald/floor is what Herald's own code costs.
 * - scale-out: the Herald side alone with 1, 2 and 3 worker processes in one group on a 12-partition topic.
 * - with `KAFKA_BENCH_BASE=<dir>` (another checkout of this repository, its node_modules installed or linked): a
 *   fourth side in the throughput rounds, that checkout's Herald worker on a stack of its own, so a change is
 *   measured against its baseline in one run (`herald/base`), not across runs on a noisy machine.
 * Sizes come from the environment (below). Ends with `bench kafka: ratio=<throughput ratio> p99=<p99 ratio>`.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { Kafka, Partitioners, logLevel, type Admin, type Producer } from 'kafkajs';
import { locateKafka, startKafkaBroker } from '../test/helpers/kafka-broker';
import { bareNames, heraldNames, nowMs, orderRecord, orders } from './kafka/workload';
import { floorNames } from './kafka/floor';
import { BURST, burst, createHeraldTopics, createTopics, fixedRate, groupSettled, memberIds } from './kafka/load';
import { CONSUMER_NODE_FLAGS, ConsumerProcess, handledTotal } from './kafka/processes';
import type { LatencySummary, Side } from './kafka/protocol';

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
/** Events per throughput round, per side. */
const EVENTS = env('KAFKA_BENCH_EVENTS', 50_000);
const ROUNDS = env('KAFKA_BENCH_ROUNDS', 5);
/** Partitions of every topic here; the bare consumer consumes them all concurrently. 12 so that 3 workers get 4 each. */
const PARTITIONS = env('KAFKA_BENCH_PARTITIONS', 12);
/** Seconds of fixed-rate load per side and round in the latency half, the first of them a warm-up not counted. */
const LATENCY_SECONDS = env('KAFKA_BENCH_LATENCY_SECONDS', 10);
/**
 * Latency rounds per side, alternating: a p99 is the slowest 1 % of one slice of time, so one slice per side had
 * the ratio swing from 0.5 to 2 between runs of the same code on this machine (a GC of the broker, or of either
 * consumer, lands in one side's slice). The median of each side's rounds is compared.
 */
const LATENCY_ROUNDS = env('KAFKA_BENCH_LATENCY_ROUNDS', 3);
const LATENCY_WARM_MS = 1_000;
/** The latency half's offered rate, events/s, instead of half the bare end-to-end rate (to compare both well below saturation). */
const LATENCY_RATE = env('KAFKA_BENCH_LATENCY_RATE', 0);
/** Events per scale-out round, and the worker counts measured. */
const SCALE_EVENTS = env('KAFKA_BENCH_SCALE_EVENTS', EVENTS);
const WORKERS = (process.env.KAFKA_BENCH_WORKERS ?? '1,2,3').split(',').map(Number);
/** Events each consumer handles before it is measured: JIT, and proof that every partition is fetched. */
const WARM_UP_EVENTS = 5_000;
/** Another checkout whose Herald worker runs as a third side of the throughput rounds; none when unset. */
const BASE = process.env.KAFKA_BENCH_BASE;
/** A directory for `node --cpu-prof` profiles of the consumer processes; none when unset. */
const CPU_PROFILE_DIR = process.env.KAFKA_BENCH_CPU_PROF;
const ROUND_TIMEOUT_MS = 120_000;
const RUN_TIMEOUT_MS = 20 * 60_000;

/** One latency round of one side: its produce-to-handler summary and the rate it was offered. */
type Latency = LatencySummary & { offered: number };

/** What every step shares: the broker's clients. */
interface Bench { readonly kafka: Kafka; readonly admin: Admin; readonly producer: Producer; readonly brokers: string[] }

/**
 * Consumer processes in one group, with their topic and the events produced to it so far (what they owe).
 * `label` names them in the results (`base`: the Herald side of KAFKA_BENCH_BASE, run from `entry`).
 */
interface Consumers { readonly label: string; readonly entry?: string; readonly side: Side; readonly stack: string; readonly topic: string; readonly group: string; readonly processes: ConsumerProcess[]; produced: number }

function consumersOf(side: Side, stack: string, base?: string): Consumers {
  const { topic, group } = { bare: bareNames, floor: floorNames, herald: heraldNames }[side](stack);
  const from = base ? { label: 'base', entry: path.join(path.resolve(base), 'bench', 'kafka', 'consumer.ts') } : { label: side };
  return { ...from, side, stack, topic, group, processes: [], produced: 0 };
}

/** Adds a process to `c` and resolves once the group settled with all of them and they handled a warm-up. */
async function addProcess(bench: Bench, c: Consumers): Promise<void> {
  const options = { ...(CPU_PROFILE_DIR ? { cpuProfileDir: CPU_PROFILE_DIR } : {}), ...(c.entry ? { entry: c.entry } : {}) };
  const p = ConsumerProcess.start({ side: c.side, brokers: bench.brokers, stack: c.stack, partitions: PARTITIONS }, options);
  c.processes.push(p);
  await p.ready;
  await groupSettled(bench.admin, c.group, c.processes.length);
  await round(bench, c, WARM_UP_EVENTS, true);
}

/** Events/s of the producer alone in every burst (from the first send to the last acknowledgement). */
const produceRates: number[] = [];
/** Frozen rounds during which the group changed members (a session timed out): their rates include a rebalance. */
const rebalanced: string[] = [];

/**
 * One round of `events` fresh events to `c`, resolving to events/s. `live`: the consumers handle them as they are
 * produced, timed from the first send (end to end; warm-ups). Otherwise the consumers are frozen while the burst is
 * produced and timed from their thaw to the last handler call: the consumers alone, with the CPU to themselves, not
 * sharing it with the producer (on 2 cores, and about as costly per event as a consumer).
 */
async function round(bench: Bench, c: Consumers, events: number, live = false): Promise<number> {
  const records = orders(events).map((e) => orderRecord(e));
  c.produced += events;
  const before = live ? '' : await memberIds(bench.admin, c.group);
  if (!live) for (const p of c.processes) p.freeze(true);
  let startedAt: number;
  let producing: number;
  try {
    const sent = await burst(bench.producer, c.topic, records);
    producing = sent.sentAt - sent.startedAt;
    produceRates.push(events / (producing / 1_000));
    startedAt = live ? sent.startedAt : nowMs();
  } finally {
    if (!live) for (const p of c.processes) p.freeze(false);
  }
  const lastAt = await handledTotal(c.processes, c.produced, ROUND_TIMEOUT_MS);
  if (!live && (await memberIds(bench.admin, c.group)) !== before) rebalanced.push(`${c.side} (frozen ${(producing / 1_000).toFixed(1)} s)`);
  return events / ((lastAt - startedAt) / 1_000);
}

function warnRebalanced(): void {
  if (rebalanced.length) console.log(`warning: a group changed members during a frozen round, so its rate includes a rebalance (${rebalanced.join('; ')}): lower KAFKA_BENCH_EVENTS`);
}

/** Fixed-rate load on `c` for LATENCY_SECONDS, latencies kept after the warm-up. */
async function latency(bench: Bench, c: Consumers, rate: number): Promise<Latency> {
  const [p] = c.processes;
  const envelopes = orders(Math.round(rate * LATENCY_SECONDS));
  c.produced += envelopes.length;
  const offered = await fixedRate(bench.producer, c.topic, envelopes, rate, LATENCY_WARM_MS, () => p!.record(true));
  await handledTotal(c.processes, c.produced, ROUND_TIMEOUT_MS);
  p!.record(false);
  return { ...(await p!.latencies()), offered };
}

/** The latency half: LATENCY_ROUNDS rounds per side, alternating; each side's median p50, p99, max and offered rate, and its p99s. */
async function latencies(bench: Bench, sides: readonly Consumers[], rate: number): Promise<Record<string, { median: Latency; p99s: number[] }>> {
  const rounds: Record<string, Latency[]> = Object.fromEntries(sides.map((c) => [c.label, []]));
  for (let r = 0; r < LATENCY_ROUNDS; r++) {
    for (const c of sides) rounds[c.label]!.push(await latency(bench, c, rate));
  }
  return Object.fromEntries(Object.entries(rounds).map(([label, list]) => {
    const of = (pick: (l: Latency) => number) => median(list.map(pick));
    const summary: Latency = { count: list.reduce((n, l) => n + l.count, 0), p50: of((l) => l.p50), p99: of((l) => l.p99), max: of((l) => l.max), offered: of((l) => l.offered) };
    return [label, { median: summary, p99s: list.map((l) => l.p99) }];
  }));
}

/** Every handler call once per event produced: more would be redeliveries counted as throughput. */
function checkCounts(c: Consumers): void {
  const handled = c.processes.reduce((sum, p) => sum + p.handled, 0);
  if (handled !== c.produced) throw new Error(`${c.side}: ${handled} handler calls for ${c.produced} events produced`);
}

const median = (xs: readonly number[] = []) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : NaN);
const fmt = (n: number) => (Number.isNaN(n) ? '-' : Math.round(n).toLocaleString('en'));
const ms = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(n < 10 ? 2 : 1));
const ratio = (h: number | undefined, b: number) => (h === undefined || Number.isNaN(h) ? '-' : (h / b).toFixed(2));
const row = (...cells: string[]) => console.log(`  ${cells[0]!.padEnd(36)}${cells.slice(1).map((c) => c.padStart(14)).join('')}`);

/**
 * Throughput rounds of both sides (alternating, so drift falls on both), the consumers alone and end to end, and
 * each side's CPU time per event over them (its process's, idle polling between its rounds included).
 */
async function throughput(bench: Bench, sides: readonly Consumers[]) {
  const alone: Record<string, number[]> = Object.fromEntries(sides.map((c) => [c.label, []]));
  const endToEnd: Record<string, number[]> = Object.fromEntries(sides.map((c) => [c.label, []]));
  const cpuUs: Record<string, number> = {};
  for (const c of sides) await round(bench, c, EVENTS); // a warm-up round, not counted
  const before = await Promise.all(sides.map((c) => c.processes[0]!.usage()));
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of sides) {
      alone[c.label]!.push(await round(bench, c, EVENTS));
      endToEnd[c.label]!.push(await round(bench, c, EVENTS, true));
    }
  }
  const after = await Promise.all(sides.map((c) => c.processes[0]!.usage()));
  sides.forEach((c, i) => { cpuUs[c.label] = ((after[i]! - before[i]!) * 1_000) / (2 * ROUNDS * EVENTS); });
  return { alone, endToEnd, cpuUs };
}

/** The scale-out half: the Herald side alone on a fresh stack, one more worker process each step. */
async function scaleOut(bench: Bench, everyone: Consumers[], stack: string): Promise<string[]> {
  const scale = consumersOf('herald', stack);
  everyone.push(scale);
  await createHeraldTopics(bench.kafka, bench.admin, stack, PARTITIONS);
  const rates: string[] = [];
  for (const workers of WORKERS) {
    while (scale.processes.length < workers) await addProcess(bench, scale);
    await round(bench, scale, SCALE_EVENTS); // after a rebalance: the moved partitions' first fetches, not counted
    rates.push(`${workers} worker${workers > 1 ? 's' : ''}: ${fmt(await round(bench, scale, SCALE_EVENTS))}`);
  }
  checkCounts(scale);
  await Promise.all(scale.processes.map((p) => p.stop()));
  return rates;
}

async function main(): Promise<void> {
  setTimeout(() => { console.error(`bench kafka: over ${RUN_TIMEOUT_MS / 60_000} min, stopped`); process.exit(1); }, RUN_TIMEOUT_MS).unref();
  const located = locateKafka();
  if ('missing' in located) throw new Error(located.missing);
  const broker = await startKafkaBroker({ heap: '2g' });
  const kafka = new Kafka({ clientId: 'bench-kafka', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const everyone: Consumers[] = [];
  try {
    await Promise.all([admin.connect(), producer.connect()]);
    const bench: Bench = { kafka, admin, producer, brokers: broker.brokers };
    const size = Buffer.byteLength(orderRecord(orders(1)[0]!).value);
    console.log(`kafka ${located.version} broker (single-node KRaft) ready in ${(broker.startedInMs / 1_000).toFixed(1)} s; every topic ${PARTITIONS} partitions.`);
    console.log(`Both sides read the same records: binary-mode CloudEvents (ce_ headers, ${size}-byte JSON data, key = event id), produced`);
    console.log(`with plain kafkajs by this process (acks=all, batches of ${BURST.batch}, ${BURST.inFlight} in flight); each consumer runs in a process of its`);
    console.log('own. Herald: a Kafka worker (validation, the subscription filter, dedupe, traces); bare: a kafkajs consumer');
    console.log(`(eachMessage, ${PARTITIONS} partitions concurrently) parsing the value; floor: see below. All call the same handler.`);
    console.log(`Every consumer process runs with the Node flags \`herald worker\` runs with: ${CONSUMER_NODE_FLAGS.join(' ') || 'none'}.`);

    const stack = `b${randomBytes(3).toString('hex')}`;
    const bare = consumersOf('bare', stack);
    const floor = consumersOf('floor', stack);
    const herald = consumersOf('herald', stack);
    everyone.push(bare, floor, herald);
    const { claims, outcomes } = floorNames(stack);
    await createTopics(admin, { [bare.topic]: PARTITIONS, [floor.topic]: PARTITIONS, [claims]: 1, [outcomes]: 1 });
    await createHeraldTopics(kafka, admin, stack, PARTITIONS);
    await addProcess(bench, bare);
    await addProcess(bench, floor);
    let heraldFailure: Error | undefined;
    await addProcess(bench, herald).catch((e: Error) => { heraldFailure = e; });
    const sides = heraldFailure ? [bare] : [bare, herald];
    const base = BASE && !heraldFailure ? consumersOf('herald', `${stack}b`, BASE) : undefined;
    if (base) {
      everyone.push(base);
      await createHeraldTopics(kafka, admin, base.stack, PARTITIONS);
      await addProcess(bench, base);
    }

    const { alone, endToEnd, cpuUs } = await throughput(bench, [...sides, floor, ...(base ? [base] : [])]);
    for (const c of base ? [floor, base] : [floor]) {
      checkCounts(c);
      await Promise.all(c.processes.map((p) => p.stop()));
    }
    // Half of what the whole chain (producer, broker, bare consumer) carries: half the consumers-alone rate is
    // more than one producer sends on 2 cores, and would measure the producer's queue, not the consumers.
    const offered = LATENCY_RATE || Math.round(median(endToEnd.bare) / 2);
    const measured = await latencies(bench, sides, offered);
    const bareLatency = measured.bare!.median;
    const heraldLatency = measured.herald?.median;
    for (const c of sides) checkCounts(c);
    await Promise.all(sides.flatMap((c) => c.processes.map((p) => p.stop())));

    const [b, h] = [median(alone.bare), median(alone.herald)];
    console.log(`\nThroughput: median of ${ROUNDS} rounds of ${fmt(EVENTS)} events per side (after a warm-up round). "Consumers alone": the`);
    console.log('consumer processes frozen (SIGSTOP) while the burst is produced, timed from their thaw to the last handler call.');
    console.log('"End to end": from the first send to the last handler call, the consumers running (the producer limits it).');
    console.log(`Latency: median of ${LATENCY_ROUNDS} rounds of ${LATENCY_SECONDS} s per side (alternating) at ${fmt(offered)} events/s (${LATENCY_RATE ? 'KAFKA_BENCH_LATENCY_RATE' : 'half the bare end-to-end rate'}), each round's first second not counted.`);
    row('', 'bare kafkajs', 'herald', 'herald/bare', 'goal');
    row('throughput, consumers alone (ev/s)', fmt(b), fmt(h), ratio(h, b), '≥ 0.80');
    console.log(`  rounds, consumers alone: bare ${alone.bare!.map(fmt).join(' ')}; herald ${alone.herald?.map(fmt).join(' ') || '-'}`);
    row('throughput, end to end (ev/s)', fmt(median(endToEnd.bare)), fmt(median(endToEnd.herald)), ratio(median(endToEnd.herald), median(endToEnd.bare)));
    row('  producer alone, median (ev/s)', fmt(median(produceRates)));
    row('CPU per event, consumer process (µs)', fmt(cpuUs.bare!), fmt(cpuUs.herald ?? NaN), ratio(cpuUs.herald, cpuUs.bare!));
    row('latency p50 (ms)', ms(bareLatency.p50), ms(heraldLatency?.p50), ratio(heraldLatency?.p50, bareLatency.p50));
    row('latency p99 (ms)', ms(bareLatency.p99), ms(heraldLatency?.p99), ratio(heraldLatency?.p99, bareLatency.p99), '≤ 1.25');
    row('latency max (ms), median', ms(bareLatency.max), ms(heraldLatency?.max));
    console.log(`  rounds, p99 (ms): bare ${measured.bare!.p99s.map(ms).join(' ')}; herald ${measured.herald?.p99s.map(ms).join(' ') || '-'}`);
    row('  offered (ev/s)', fmt(bareLatency.offered), fmt(heraldLatency?.offered ?? NaN));
    const f = median(alone.floor);
    console.log(`\nFloor (bench/kafka/floor.ts: the bare consumer plus the claims and outcomes Herald writes and reads per event, none`);
    console.log(`  of Herald's code), the same rounds: consumers alone ${fmt(f)} ev/s (rounds ${alone.floor!.map(fmt).join(' ')}), CPU ${fmt(cpuUs.floor!)} µs per event.`);
    console.log(`  floor/bare: throughput ${ratio(f, b)}, CPU ${ratio(cpuUs.floor, cpuUs.bare!)}; herald/floor: throughput ${ratio(h, f)}, CPU ${ratio(cpuUs.herald, cpuUs.floor!)}.`);
    if (base) {
      const a = median(alone.base!);
      console.log(`\nBaseline (KAFKA_BENCH_BASE=${BASE}), the same rounds: consumers alone ${fmt(a)} ev/s (rounds ${alone.base!.map(fmt).join(' ')}),`);
      console.log(`  end to end ${fmt(median(endToEnd.base!))} ev/s, CPU ${fmt(cpuUs.base!)} µs per event. herald/base: throughput ${ratio(h, a)}, CPU ${ratio(cpuUs.herald, cpuUs.base!)}; base/bare: ${ratio(a, b)}.`);
    }
    if (heraldFailure) {
      warnRebalanced();
      console.log(`  herald: ${heraldFailure.message}`);
      console.log('bench kafka: no ratio (the herald side failed)');
      process.exitCode = 1;
      return;
    }

    const scaled = await scaleOut(bench, everyone, `${stack}s`);
    console.log(`\nScale-out: Herald worker processes in one group on ${PARTITIONS} partitions, consumers alone, ${fmt(SCALE_EVENTS)} events (ev/s):`);
    console.log(`  ${scaled.join(', ')}`);
    console.log('  This machine has 2 cores, shared by the broker and every worker: more processes add no CPU here, so this');
    console.log('  shows that partitions move and the work is shared, not how far a cluster of machines scales.');
    warnRebalanced();
    console.log(`bench kafka: ratio=${ratio(h, b)} p99=${ratio(heraldLatency!.p99, bareLatency.p99)}`);
  } finally {
    await Promise.allSettled(everyone.flatMap((c) => c.processes.map((p) => p.stop())));
    await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
    await broker.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
