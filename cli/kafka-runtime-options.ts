/**
 * What `herald worker` and `herald dev --transport kafka` share: which stack's topics and groups they use,
 * how many partitions the topics they create get, and the kafkajs client for the cluster (kafka-options.ts).
 */
import { Kafka, logLevel } from 'kafkajs';
import { KAFKA_DEFAULTS } from '../providers/kafka/config';
import { kafkaClientConfig } from '../providers/kafka/transport/connection';
import type { TopicSettings } from '../providers/kafka/transport/kafka-transport';
import { kafkaConnectionFrom } from './kafka-options';

export const KAFKA_RUNTIME_USAGE = `  --stack            the stack whose topics and consumer groups it uses: <app>.<stack>.… (default $HERALD_STACK, else dev)
  --partitions       partitions of the topics it creates when missing (default ${KAFKA_DEFAULTS.partitions}; \`pulumi up\` sets them otherwise)`;

/** Parsed `--brokers`, `--stack`, `--partitions` and the HERALD_KAFKA_* environment. @throws Error naming the flag or variable */
export function kafkaRuntimeSettings(
  flags: { readonly brokers?: string | undefined; readonly stack?: string | undefined; readonly partitions?: string | undefined },
  env: Readonly<Record<string, string | undefined>>, clientId: string,
): { kafka: Kafka; stack: string; topics: TopicSettings } {
  const connection = kafkaConnectionFrom(flags, env);
  const stack = flags.stack ?? env.HERALD_STACK ?? 'dev';
  if (!/^[a-zA-Z0-9-]+$/.test(stack)) throw new Error(`--stack is "${stack}"; a stack name has letters, digits and -`);
  const partitions = flags.partitions === undefined ? KAFKA_DEFAULTS.partitions : Number(flags.partitions);
  if (!Number.isSafeInteger(partitions) || partitions < 1) throw new Error(`--partitions is "${flags.partitions}"; it must be a whole number ≥ 1`);
  // kafkajs logs every retriable answer (a coordinator loading, a leader moving) as an error; the readers
  // report what matters (a consumer that crashed and restarts) through Herald's logger instead.
  const kafka = new Kafka({ ...kafkaClientConfig(connection, clientId), logLevel: logLevel.NOTHING });
  return { kafka, stack, topics: { ...KAFKA_DEFAULTS, partitions } };
}
