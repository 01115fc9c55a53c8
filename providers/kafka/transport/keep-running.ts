/**
 * Keeps a kafkajs consumer running after a crash kafkajs does not recover from by itself. kafkajs starts a
 * consumer again after an error it calls retriable, but not after one it calls non-retriable, and some of
 * those are passing states of a cluster: "Failed to find group coordinator" while a restarted broker
 * loads its groups (seen in the chaos run, test/providers/kafka/chaos/). Left there, a worker would stay
 * up without reading that subscription (or, for the claims reader, with every barrier waiting for it) for
 * good. This starts it again, connect and run with the same settings, backing off, until it runs or its
 * owner stops.
 */
import type { Consumer, ConsumerRunConfig } from 'kafkajs';
import type { Logger } from '../../../contracts';

/** The first wait before a start again, doubled up to MAX_WAIT_MS while starts fail. */
const FIRST_WAIT_MS = 1_000;
const MAX_WAIT_MS = 30_000;

export interface KeepRunningOptions {
  readonly logger: Logger;
  /** Fields naming the consumer in its log lines (`{ subscription }`). */
  readonly fields: Record<string, unknown>;
  /** True once the owner stops it: nothing is started again after that. */
  stopped(): boolean;
}

/** Runs `consumer` with `config`, and again after every crash kafkajs does not restart itself from. */
export async function runKeptRunning(consumer: Consumer, config: ConsumerRunConfig, options: KeepRunningOptions): Promise<void> {
  const { logger, fields, stopped } = options;
  const again = async () => {
    for (let wait = FIRST_WAIT_MS; ; wait = Math.min(wait * 2, MAX_WAIT_MS)) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      if (stopped()) return;
      try {
        await consumer.connect();
        // A start that fails crashes again, and that crash starts it again: this loop is done either way.
        await consumer.run(config);
        return;
      } catch (error) {
        logger.warn('a Kafka consumer could not be started again', { ...fields, error: (error as Error).message });
      }
    }
  };
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    const restarting = payload.restart || !stopped();
    logger.warn('a Kafka consumer failed', { ...fields, error: payload.error.message, restarting });
    // kafkajs disconnected it before telling: it is ready to be started again.
    if (!payload.restart && restarting) void again();
  });
  await consumer.run(config);
}
