/**
 * A Herald runtime on Kafka: the embedded runtime (providers/local/runtime.ts, the same pipelines, gates
 * and handlers as `npm start`) with the Kafka transport, the claims topic as its idempotency store and the
 * outcomes topic behind its traces and dead letters. `herald worker` runs one for its functions;
 * `herald dev --transport kafka` runs one for every function, behind the dev server's HTTP API, and
 * follows the outcomes topic so `/traces` and `/dlq` show every worker's work.
 */
import type { Kafka } from 'kafkajs';
import type { Topology } from '../../../contracts';
import { createLogger } from '../../../runtime/logger';
import { DeadLetterStore } from '../../local/dead-letters';
import { createLocalRuntime, type LocalRuntime, type LocalRuntimeOptions, type StopReport } from '../../local/runtime';
import { TraceStore } from '../../local/traces';
import { timeLimit } from '../../local/work';
import { KAFKA_DELIVERY } from '../delivery';
import { kafkaNames, type KafkaNames } from '../topics';
import { KafkaClaims } from './claims';
import { ensureTopics, kafkaTransport, type KafkaTransportHandle, type TopicSettings } from './kafka-transport';
import { Outcomes } from './outcomes';
import { RecordSender } from './record-sender';

/**
 * A worker's own trace store keeps nothing: a worker serves no /traces (the dev server shows every worker's
 * deliveries from the outcomes topic). Kept, each delivery record outlived a few young collections and was
 * copied and promoted for nothing: 3–12 % of a worker's CPU per event (`bench kafka` with KAFKA_BENCH_BASE).
 */
const WORKER_TRACES = { maxTraces: 0 } as const;

/**
 * How long a stop may take, after its grace period, to commit, leave its groups and flush its claims and outcomes.
 * A healthy cluster needs well under a second; an unreachable one would hold the stop for as long as kafkajs
 * retries every request, each on its own. Past it the stop gives up: what was not committed is delivered again.
 */
export const LEAVE_MS = 10_000;

export interface KafkaRuntimeOptions extends Omit<LocalRuntimeOptions, 'transport' | 'idempotency' | 'traces' | 'deadLetters' | 'delivery'> {
  readonly kafka: Kafka;
  /** The stack whose topics and groups it uses (`<app>.<stack>.…`, topics.ts). */
  readonly stack: string;
  /** Settings of topics it creates when missing. @default KAFKA_DEFAULTS */
  readonly topics?: TopicSettings;
  /** Whether to load every other process's outcomes into `/traces` and `/dlq` (the dev server). @default false */
  readonly follow?: boolean;
  /** How long a stop may take past its grace period to leave the cluster. @default LEAVE_MS */
  readonly leaveMs?: number;
}

export interface KafkaRuntime {
  readonly runtime: LocalRuntime;
  readonly names: KafkaNames;
  /** The outcomes topic's writer and reader (`herald dlq` writes removals through it). */
  readonly outcomes: Outcomes;
  /**
   * Stops as `runtime.stop` does, then leaves every group and closes the clients; returns within `graceMs` plus
   * `leaveMs` (the report's `unclosed` says when the leave was given up), sooner once `hurry` is aborted.
   */
  stop(graceMs: number, hurry?: AbortSignal): Promise<StopReport>;
}

/** Starts a runtime on Kafka; resolves once every consumed subscription has joined its group. */
export async function kafkaRuntime(t: Topology, options: KafkaRuntimeOptions): Promise<KafkaRuntime> {
  const { kafka, stack, topics, follow, leaveMs = LEAVE_MS, ...local } = options;
  const names = kafkaNames(t.name, stack);
  const logger = options.logger ?? createLogger();
  await ensureTopics(kafka, t, names, topics);
  // Claims and outcomes share one producer, so a claim and the outcome written with it go in one request.
  // Not idempotent: a bundle written twice after a retried request is loaded twice, which changes nothing,
  // and requests may then overlap (an idempotent kafkajs producer sends one at a time, and every
  // delivery waits for its claim's acknowledgement).
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const sender = new RecordSender(producer);
  const claims = new KafkaClaims({ kafka, names, sender, logger });
  const outcomes = new Outcomes({ kafka, names, sender, logger });
  const closeClients = async () => {
    await sender.drain();
    await Promise.allSettled([claims.stop(), outcomes.stop()]);
    await producer.disconnect();
  };
  try {
    await claims.start();
    const traces = new TraceStore(follow ? {} : WORKER_TRACES);
    const deadLetters = new DeadLetterStore({}, outcomes.journal);
    if (follow) await outcomes.follow(traces, deadLetters);
    let transport: KafkaTransportHandle | undefined;
    const runtime = createLocalRuntime(t, {
      ...local, logger, delivery: KAFKA_DELIVERY, idempotency: claims, traces, deadLetters,
      transport: kafkaTransport({ kafka, names, logger, createTopics: false, claims, ...(topics ? { topics } : {}) }, (made) => { transport = made; }),
    });
    runtime.onDelivery(outcomes.delivered);
    await runtime.ready;
    let stopping: Promise<StopReport> | undefined;
    return {
      runtime, names, outcomes,
      stop(graceMs, hurry) {
        stopping ??= (async () => {
          const closed = (async () => {
            const report = await runtime.stop(graceMs, hurry);
            await closeClients();
            return report;
          })();
          // The grace period (cut short by a hurry), then the leave: past both, the stop gives up.
          const grace = timeLimit(graceMs, hurry);
          let leave: ReturnType<typeof timeLimit> | undefined;
          const given = grace.over.then(() => (leave = timeLimit(leaveMs)).over);
          try {
            const report = await Promise.race([closed, given.then(() => undefined)]);
            if (report) return report;
          } finally {
            grace.cancel();
            leave?.cancel();
          }
          // Still retrying in the background; the process may end under it (the CLI exits once this returns).
          closed.catch(() => {});
          logger.warn('gave up leaving the cluster', { leaveMs });
          return { ...transport!.reportSoFar(), unclosed: `could not commit and leave the cluster within ${leaveMs} ms after the grace period (unreachable?); what was not committed is delivered again` };
        })();
        return stopping;
      },
    };
  } catch (error) {
    await closeClients().catch(() => {});
    throw error;
  }
}

