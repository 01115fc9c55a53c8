/**
 * What `herald worker` and `herald dev --transport kafka` share: which stack's topics and groups they use,
 * how many partitions the topics they create get, and the kafkajs client for the cluster (kafka-options.ts).
 */
import type { KafkaRuntimeOptions } from '../providers/kafka/transport/runtime';
import { KAFKA_DEFAULTS } from '../providers/kafka/config';
import { kafkaClient } from '../providers/kafka/transport/connection';
import type { TopicSettings } from '../providers/kafka/transport/kafka-transport';
import { kafkaConnectionFrom } from './kafka-options';

/** Parsed `--brokers`, `--stack`, `--partitions` and the HERALD_KAFKA_* environment. @throws Error naming the flag or variable */
export function kafkaRuntimeSettings(
  flags: { readonly brokers?: string | undefined; readonly stack?: string | undefined; readonly partitions?: string | undefined },
  env: Readonly<Record<string, string | undefined>>, clientId: string,
): { kafka: KafkaRuntimeOptions['kafka']; stack: string; topics: TopicSettings } {
  const connection = kafkaConnectionFrom(flags, env);
  const stack = flags.stack ?? env.HERALD_STACK ?? 'dev';
  if (!/^[a-zA-Z0-9-]+$/.test(stack)) throw new Error(`--stack is "${stack}"; a stack name has letters, digits and -`);
  const partitions = flags.partitions === undefined ? KAFKA_DEFAULTS.partitions : Number(flags.partitions);
  if (!Number.isSafeInteger(partitions) || partitions < 1) throw new Error(`--partitions is "${flags.partitions}"; it must be a whole number ≥ 1`);
  const kafka = kafkaClient(connection, clientId);
  return { kafka, stack, topics: { ...KAFKA_DEFAULTS, partitions } };
}
