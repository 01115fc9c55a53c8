/**
 * The Herald side of `bench kafka`, in a consumer process: the bench app (bench/kafka/workload.ts) on a Herald
 * Kafka runtime (`kafkaRuntime`, as `herald worker` runs it), its one function calling the bench's handler. Every
 * delivery runs the whole pipeline: decode (binding), validation, the subscription's filter, dedupe against the
 * claims topic, the handler, the outcome (trace) on the outcomes topic, the commit.
 */
import { Kafka, logLevel } from 'kafkajs';
import { on } from '../../contracts';
import { silentLogger } from '../../runtime';
import { kafkaRuntime } from '../../providers/kafka/transport';
import { KAFKA_DEFAULTS } from '../../providers/kafka/config';
import { benchApp, BenchOrder, FUNCTION, Sink } from './workload';
import type { ConsumerConfig } from './protocol';

/** Starts a worker and resolves once it joined its groups. */
export async function startHerald(config: ConsumerConfig, sink: Sink): Promise<{ stop(): Promise<void> }> {
  const kafka = new Kafka({ clientId: 'bench-herald', brokers: config.brokers, logLevel: logLevel.NOTHING });
  const worker = await kafkaRuntime(benchApp(), {
    kafka, stack: config.stack, logger: silentLogger, schedules: false,
    handlers: { [FUNCTION]: on(BenchOrder, async (event) => sink.handle(event.data)) },
    // The parent created the bus topic with these partitions; the runtime creates the rest alike.
    topics: { ...KAFKA_DEFAULTS, partitions: config.partitions },
  });
  return { stop: async () => { await worker.stop(5_000); } };
}
