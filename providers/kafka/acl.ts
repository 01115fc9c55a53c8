/**
 * Least privilege on Kafka: the ACLs of one function's principal (`User:<app>.<stack>.<function>`), each
 * naming one topic or group literally — never a wildcard or a prefix pattern, never the `All` operation.
 * - Read on the consumer group of each of its subscriptions, and on the topics they read: the source
 *   (bus, queue or stream) and, for an unordered channel, its retry topic;
 * - Write on the topics it publishes to (its `publishes.to` bus or topic), its retry topics (a failed
 *   attempt is written back there), its dead-letter topics and the outcomes topic;
 * - Read and Write on the claims topic (it reads claims to skip duplicates and writes its own).
 * No Describe: Kafka's authorizer implies Describe on a topic or group from Read or Write on it, which
 * covers the metadata, offset and coordinator lookups kafkajs makes. No IdempotentWrite on the cluster:
 * since Kafka 3.0 an idempotent producer needs only Write on its topics (KIP-679).
 * @see https://kafka.apache.org/documentation/#operations_resources_and_protocols
 */
import type { Channel, FunctionSpec } from '../../contracts';
import { retriesThroughTopic, type KafkaNames } from './topics';

export type AclResourceType = 'Topic' | 'Group';
export type AclOperation = 'Read' | 'Write';

/** One allowed operation on one literally named resource. */
export interface Grant {
  readonly resourceType: AclResourceType;
  readonly resourceName: string;
  readonly operation: AclOperation;
}

/** Every grant of `fn`'s principal, deduplicated, in a stable order (reads, then writes, by resource). */
export function grantsOf(names: KafkaNames, fn: Pick<FunctionSpec, 'name' | 'publishes'>, channels: readonly Channel[]): Grant[] {
  const grants = new Map<string, Grant>();
  const grant = (resourceType: AclResourceType, resourceName: string, operation: AclOperation) => {
    grants.set(`${operation}|${resourceType}|${resourceName}`, { resourceType, resourceName, operation });
  };
  for (const c of channels) {
    if (c.function !== fn.name) throw new Error(`channel ${c.subscription} is function ${c.function}'s, not ${fn.name}'s`);
    grant('Group', names.group(c), 'Read');
    grant('Topic', names.source(c), 'Read');
    if (retriesThroughTopic(c)) {
      grant('Topic', names.retry(c), 'Read');
      grant('Topic', names.retry(c), 'Write');
    }
    grant('Topic', names.deadLetter(c), 'Write');
  }
  const to = fn.publishes?.to;
  if (to) grant('Topic', to.kind === 'bus' ? names.bus(to.name) : names.topic(to.name), 'Write');
  grant('Topic', names.outcomes, 'Write');
  grant('Topic', names.claims, 'Read');
  grant('Topic', names.claims, 'Write');
  const order = (g: Grant) => `${g.operation === 'Read' ? 0 : 1}|${g.resourceType}|${g.resourceName}`;
  return [...grants.values()].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}
