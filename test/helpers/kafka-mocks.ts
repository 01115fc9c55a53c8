/**
 * Realizing on Kafka under the shared Pulumi mocks (test/helpers/pulumi-mocks.ts: one engine per process).
 * The engine's mock cloud is AWS's, which reports nothing for `kafka:` types: a Kafka resource's outputs
 * are its inputs, which is all these tests read (`herald plan --cloud kafka` uses providers/kafka/mocks.ts).
 */
import * as pulumi from '@pulumi/pulumi';
import type { Topology } from '../../contracts';
import { settle, withCheapStacks } from '../../providers/mocks';
import { APP, capturingWarnings, engine, mocksReady, resourcesOf, type RecordedResource } from './pulumi-mocks';

/** A one-broker dev cluster: the committed Pulumi.dev-kafka.yaml's config. */
export const DEV_KAFKA = { 'herald:kafkaBrokers': '127.0.0.1:9092' } as const;

/**
 * Realizes `t` on Kafka from a clean record, stack `test`, with `config` (herald:kafka* keys) set for the
 * call; resolves to what realize returned and the warnings logged.
 */
export async function realizeOnKafka(t: Topology, config: Record<string, string> = DEV_KAFKA, secretKeys: string[] = []) {
  await mocksReady;
  engine.reset();
  pulumi.runtime.setAllConfig(config, secretKeys);
  const { realize } = await import('../../providers/realize.js');
  const { kafka } = await import('../../providers/kafka/index.js');
  try {
    return await capturingWarnings(() => withCheapStacks(async () => {
      try {
        return await realize(t, kafka, { app: APP, stack: 'test' });
      } finally {
        await settle();
        await engine.flush();
      }
    }));
  } finally {
    pulumi.runtime.setAllConfig({});
  }
}

/** Every Kafka topic recorded, by its name on the cluster. */
export function topicsByName(): Map<string, RecordedResource> {
  return new Map(resourcesOf('kafka:index/topic:Topic').map((r) => [r.inputs.name as string, r]));
}
