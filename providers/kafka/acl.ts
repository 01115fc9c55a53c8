/**
 * Least privilege on Kafka: the ACLs of one function's principal (`User:<app>.<stack>.<function>`), each
 * naming one topic or group literally — never a wildcard, never the `All` operation:
 * - Read on the consumer group of each of its subscriptions, and on the topics they read: the source
 *   (bus, queue or stream) and the retry topic;
 * - Write where it publishes: its `publishes.to` bus or topic, and, because the transport routes at publish
 *   (providers/kafka/transport), the queue and stream topics fed from there that receive a type it
 *   publishes; Write on its retry topics (a failed attempt is written back), its dead-letter topics and
 *   the outcomes topic;
 * - Read and Write on the claims topic, and Read on the groups its claims readers join: one group per
 *   process (`<claims>.reader.<uuid>`, so each process reads every claim), the one name granted by prefix,
 *   a prefix no other resource starts with.
 * No Describe: Kafka's authorizer implies Describe on a topic or group from Read or Write on it, which
 * covers the metadata, offset and coordinator lookups kafkajs makes. No IdempotentWrite on the cluster:
 * since Kafka 3.0 an idempotent producer needs only Write on its topics (KIP-679).
 * @see https://kafka.apache.org/documentation/#operations_resources_and_protocols
 */
import type { DeliveryPlan, FunctionSpec } from '../../contracts';
import type { KafkaNames } from './topics';

export type AclResourceType = 'Topic' | 'Group';
export type AclOperation = 'Read' | 'Write';

/** One allowed operation on one resource, named literally or (the claims readers' groups only) by prefix. */
export interface Grant {
  readonly resourceType: AclResourceType;
  readonly resourceName: string;
  readonly operation: AclOperation;
  readonly pattern: 'Literal' | 'Prefixed';
}

/** The topics an event published to `fn`'s `publishes.to` is written to: that bus or topic, and the queues and streams it feeds with those types. */
export function publishTopicsOf(names: KafkaNames, fn: Pick<FunctionSpec, 'publishes'>, plan: DeliveryPlan): string[] {
  const p = fn.publishes;
  if (!p) return [];
  const topics = [p.to.kind === 'bus' ? names.bus(p.to.name) : names.topic(p.to.name)];
  for (const c of plan.channels) {
    if (c.from.kind !== p.to.kind || c.from.name !== p.to.name || c.source.kind === 'direct') continue;
    if (c.types.some((type) => p.events.includes(type))) topics.push(names.source(c));
  }
  return topics;
}

/** Every grant of `fn`'s principal, deduplicated, in a stable order (reads, then writes, by resource). */
export function grantsOf(names: KafkaNames, fn: Pick<FunctionSpec, 'name' | 'publishes'>, plan: DeliveryPlan): Grant[] {
  const grants = new Map<string, Grant>();
  const grant = (resourceType: AclResourceType, resourceName: string, operation: AclOperation, pattern: Grant['pattern'] = 'Literal') => {
    grants.set(`${operation}|${resourceType}|${resourceName}`, { resourceType, resourceName, operation, pattern });
  };
  for (const c of plan.channelsOf(fn.name)) {
    grant('Group', names.group(c), 'Read');
    grant('Topic', names.source(c), 'Read');
    grant('Topic', names.retry(c), 'Read');
    grant('Topic', names.retry(c), 'Write');
    grant('Topic', names.deadLetter(c), 'Write');
  }
  for (const topic of publishTopicsOf(names, fn, plan)) grant('Topic', topic, 'Write');
  grant('Topic', names.outcomes, 'Write');
  grant('Topic', names.claims, 'Read');
  grant('Topic', names.claims, 'Write');
  grant('Group', names.claimsReaders, 'Read', 'Prefixed');
  const order = (g: Grant) => `${g.operation === 'Read' ? 0 : 1}|${g.resourceType}|${g.resourceName}`;
  return [...grants.values()].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}
