/**
 * The chaos run (issue 9): three `herald worker` processes share the chaos app's subscriptions on a real
 * broker while this process publishes events over the run; meanwhile one worker is killed with SIGKILL
 * several times (a new one started each time) and the broker is restarted once. Then it waits, bounded,
 * until every good event ran `ok` in each function and every poison event was dead-lettered by each
 * subscription, and reports what was lost, what ran again after a success, and how many copies the claims
 * store answered as duplicates. One runner, two sizes: chaos.test.ts (`npm test`) and main.ts (`npm run chaos`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { deliveryPlan, type Envelope } from '../../../../contracts';
import { newEnvelope } from '../../../../runtime';
import { silentLogger } from '../../../../runtime/logger';
import { KAFKA_DEFAULTS } from '../../../../providers/kafka/config';
import { KAFKA_DELIVERY } from '../../../../providers/kafka/delivery';
import { kafkaNames } from '../../../../providers/kafka/topics';
import { kafkaClientConfig } from '../../../../providers/kafka/transport/connection';
import { kafkaRuntime } from '../../../../providers/kafka/transport/runtime';
import type { KafkaBroker } from '../../../helpers/kafka-broker';
import { ChaosEvent, chaosTopology } from './app';
import { Fleet, tail, type ChaosWorker } from './fleet';
import { HandlerLog } from './handler-log';
import { Observer } from './observer';
import { judge, type Published, type Verdict } from './verdict';

export interface ChaosOptions {
  readonly broker: KafkaBroker;
  readonly events: number;
  /** Worker processes at once. @default 3 */
  readonly workers?: number;
  /** SIGKILLs of a worker. @default 5 */
  readonly kills?: number;
  /** Pause after a killed worker's replacement joined, before the next blow. @default 3000 */
  readonly gapMs?: number;
  /** Events per publish. @default 100 */
  readonly batch?: number;
  /** How long publishing is spread over. @default 30000 */
  readonly publishOverMs?: number;
  /** How long the events may take to settle once the chaos is over and every event published. @default 150000 */
  readonly timeoutMs?: number;
  /** Partitions of every topic. @default 6 */
  readonly partitions?: number;
  /** Progress lines. @default none */
  readonly progress?: (line: string) => void;
}

export interface ChaosReport extends Verdict {
  readonly events: number;
  readonly poison: number;
  readonly kills: number;
  readonly brokerRestarts: number;
  readonly duplicates: number;
  readonly duplicatesBy: Record<string, number>;
  readonly handlerRuns: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** The one line the run prints. */
  readonly line: string;
  /** The folder with the handlers' log and each worker's output, kept when something went wrong. */
  readonly evidence: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Every 20th event is poison: 5 %. */
const isPoison = (n: number) => n % 20 === 7;

/** Runs the chaos scenario on `broker`; resolves with its figures once everything settled. @throws on timeout, naming what is missing */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { broker, progress = () => {} } = options;
  const workers = options.workers ?? 3, kills = options.kills ?? 5, gapMs = options.gapMs ?? 3_000, batch = options.batch ?? 100, partitions = options.partitions ?? 6;
  const t = chaosTopology();
  const stack = `chaos-${randomUUID().slice(0, 8)}`;
  const names = kafkaNames(t.name, stack);
  const channels = deliveryPlan(t, KAFKA_DELIVERY).channels;
  const dir = mkdtempSync(path.join(tmpdir(), 'herald-chaos-'));
  const logFile = path.join(dir, 'handlers.log');
  writeFileSync(logFile, '');
  const kafka = new Kafka({ ...kafkaClientConfig(broker.connection, 'herald-chaos'), logLevel: logLevel.NOTHING });
  // Consumes nothing: publishes through the same transport the workers use (and creates the topics).
  const publisher = await kafkaRuntime(t, { kafka, stack, topics: { ...KAFKA_DEFAULTS, partitions }, functions: [], schedules: false, logger: silentLogger });
  const fleet = new Fleet({ brokers: broker.brokers, stack, partitions, logFile, dir });
  const observer = new Observer(kafka, [...new Set(channels.map((c) => names.deadLetter(c)))], names.outcomes, names.claims);
  const log = new HandlerLog(logFile);
  let failed = true;
  try {
    await observer.start();
    await Promise.all(Array.from({ length: workers }, () => fleet.start()));
    progress(`${fleet.running.length} workers joined (stack ${stack}, ${partitions} partitions)`);

    const events = Array.from({ length: options.events }, (_, n) => newEnvelope(ChaosEvent, { key: `k${n % 64}`, n, poison: isPoison(n) }));
    const published: Published[] = events.map((e) => ({ id: e.id, poison: e.data.poison }));
    const started = performance.now();
    let chaosOver = false;
    const publishing = publishAll(publisher.runtime.publish, events, batch, (options.publishOverMs ?? 30_000) / Math.ceil(events.length / batch), () => chaosOver);
    publishing.catch(() => {}); // awaited after the chaos; not an unhandled rejection meanwhile
    let brokerRestarts = 0;
    const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
    const replacements: Array<Promise<unknown>> = [];
    try {
      for (let k = 1; k <= kills; k++) {
        await sleep(gapMs);
        const victim = await joinedWorker(fleet, k, workers);
        await fleet.kill(victim);
        log.catchUp();
        progress(`${elapsed()}: kill -9 #${k}: worker ${victim.pid}, after ${log.lines} handler runs`);
        // Its replacement joins in the background (the broker restart may come meanwhile); the next kill
        // waits for it, so one worker is down at a time.
        const replacement = startSupervised(fleet, (line) => progress(`${elapsed()}: ${line}`)).then((w) => progress(`${elapsed()}:   worker ${w.pid} joined`));
        replacement.catch(() => {}); // awaited after the chaos
        replacements.push(replacement);
        if (k === Math.ceil(kills / 2)) {
          await sleep(gapMs);
          const ms = await broker.restart();
          brokerRestarts++;
          progress(`${elapsed()}: broker restarted (${Math.round(ms)} ms down)`);
        }
      }
    } finally {
      chaosOver = true;
    }
    await publishing;
    await Promise.all(replacements);
    progress(`${elapsed()}: published ${events.length} events; waiting for them to settle`);

    const deadline = performance.now() + (options.timeoutMs ?? 150_000);
    let verdict: Verdict;
    for (;;) {
      log.catchUp();
      verdict = judge(published, channels, log, observer);
      if (verdict.lost === 0) break;
      if (performance.now() > deadline) {
        const letters = await observer.deadLetterCounts().then(({ held, read }) => `${held} dead-letter records in the topics, ${read} read`, (error: Error) => `dead-letter topics not counted: ${error.message}`);
        throw new Error(`the chaos run did not settle within ${options.timeoutMs ?? 150_000} ms: ${verdict.lost} not settled (${JSON.stringify(verdict.lostSample)}); deferred copies by function ${JSON.stringify(Object.fromEntries(observer.deferred))}; `
          + `${letters}; observer crashes ${JSON.stringify(observer.crashes)}\n`
          + fleet.started.map((w) => `--- worker ${w.pid} ---\n${tail(w.outputFile, 15)}`).join('\n'));
      }
      await sleep(500);
    }
    const seconds = (performance.now() - started) / 1000;
    // Settled: stop the workers gracefully, then read the outcomes they wrote to the end.
    await fleet.stopAll();
    await observer.caughtUp(30_000);
    log.catchUp();
    verdict = judge(published, channels, log, observer);
    const poison = published.filter((e) => e.poison).length;
    const duplicates = observer.duplicateCount;
    progress(`${elapsed()}: settled; deferred copies by function ${JSON.stringify(Object.fromEntries(observer.deferred))}; the observer's consumer failed ${observer.crashes.length} times${observer.crashes.length ? ` (${[...new Set(observer.crashes)].join('; ')}), and was started again` : ''}`);
    const line = `chaos: events=${events.length} poison=${poison} kills=${kills} broker-restarts=${brokerRestarts} lost=${verdict.lost} re-runs=${verdict.reRuns} unrecorded-re-runs=${verdict.unrecordedReRuns} duplicates=${duplicates} in ${seconds.toFixed(1)}s`;
    failed = verdict.lost + verdict.reRuns + verdict.wronglyBuried > 0;
    return {
      ...verdict, events: events.length, poison, kills, brokerRestarts, duplicates, duplicatesBy: Object.fromEntries(observer.duplicates),
      handlerRuns: log.lines, seconds, eventsPerSecond: events.length / seconds, line, evidence: dir,
    };
  } finally {
    await fleet.stopAll(5_000);
    await Promise.allSettled([observer.stop(), publisher.stop(5_000)]);
    // Kept when the run failed: the handlers' log and each worker's output are the evidence.
    if (failed) progress(`evidence kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts a worker as its supervisor would (`Restart=always`, as the README deploys them): one that ends before
 * it joins (seen once: started while the broker was down, it gave up connecting) is started again, at most
 * three times in all, and said so.
 */
async function startSupervised(fleet: Fleet, say: (line: string) => void): Promise<ChaosWorker> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fleet.start();
    } catch (error) {
      if (attempt === 3) throw error;
      say(`a replacement worker did not join (${(error as Error).message.split('\n').filter(Boolean).slice(0, 2).join(' | ')}): started again, as its supervisor would`);
    }
  }
}

/** A worker to kill (the `k`th blow takes turns), once all `workers` have joined: one is down at a time. @throws after 2 minutes */
async function joinedWorker(fleet: Fleet, k: number, workers: number): Promise<ChaosWorker> {
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(200)) {
    const joined = fleet.joined;
    if (joined.length >= workers) return joined[k % joined.length]!;
  }
  throw new Error(`only ${fleet.joined.length} of ${workers} workers joined within 2 minutes`);
}

/**
 * Publishes `events` in batches, `pauseMs` apart while the chaos goes on (then the rest at once). A batch
 * refused while the broker restarts is sent again (the same ids: a copy is a duplicate, not a new event).
 */
async function publishAll(publish: (events: readonly Envelope[]) => Promise<void>, events: readonly Envelope[], batch: number, pauseMs: number, chaosOver: () => boolean): Promise<void> {
  for (let from = 0; from < events.length; from += batch) {
    const slice = events.slice(from, from + batch);
    for (let tries = 1; ; tries++) {
      try {
        await publish(slice);
        break;
      } catch (error) {
        if (tries === 5) throw error;
        await sleep(1_000);
      }
    }
    if (!chaosOver()) await sleep(pauseMs);
  }
}
