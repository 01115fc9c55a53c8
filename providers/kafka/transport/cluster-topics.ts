/**
 * Every topic one app needs on a cluster, with what its config depends on: the list a worker or the dev
 * server creates when it starts against a cluster no deploy prepared (`herald dev --transport kafka` on a
 * fresh broker). `pulumi up` declares the same topics as resources, one component per topology resource;
 * a test checks the two agree, name by name and config by config, so neither can drift from the other.
 * Pure: no kafkajs, no Pulumi.
 */
import { DEFAULTS, type DeliveryPlan, type Topology } from '../../../contracts';
import type { KafkaNames } from '../topics';
import type { TopicOptions } from '../topic-config';

export interface ClusterTopic {
  readonly name: string;
  /** What it carries, for messages. */
  readonly carries: 'bus' | 'topic' | 'queue' | 'stream' | 'retry' | 'dead-letter' | 'outcomes' | 'claims';
  readonly options: TopicOptions;
}

/** The topics of `t` on a cluster, each once, in a stable order. */
export function clusterTopics(t: Topology, plan: DeliveryPlan, names: KafkaNames): ClusterTopic[] {
  const topics = new Map<string, ClusterTopic>();
  const add = (name: string, carries: ClusterTopic['carries'], options: TopicOptions = {}) => {
    if (!topics.has(name)) topics.set(name, { name, carries, options });
  };
  const deadLetterRetention = DEFAULTS.queue.deadLetterRetention;
  for (const b of t.buses) add(names.bus(b.name), 'bus');
  for (const tp of t.topics) add(names.topic(tp.name), 'topic');
  for (const q of t.queues) {
    add(names.queue(q.name), 'queue', { retention: q.retention });
    add(names.deadLetter({ deadLetter: { owner: 'queue', name: q.name } }), 'dead-letter', { retention: q.deadLetterRetention });
  }
  for (const s of t.streams) {
    add(names.stream(s.name), 'stream', { retention: s.retention });
    add(names.deadLetter({ deadLetter: { owner: 'stream', name: s.name } }), 'dead-letter', { retention: deadLetterRetention });
  }
  for (const c of plan.channels) {
    if (c.source.kind === 'queue' && c.source.own) {
      add(names.queue(c.source.queue), 'queue', { retention: DEFAULTS.queue.retention });
      add(names.deadLetter(c), 'dead-letter', { retention: deadLetterRetention });
    }
    if (c.source.kind === 'direct') add(names.deadLetter(c), 'dead-letter', { retention: deadLetterRetention });
    add(names.retry(c), 'retry');
  }
  add(names.outcomes, 'outcomes');
  add(names.claims, 'claims');
  return [...topics.values()];
}
