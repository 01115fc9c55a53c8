/**
 * One Kafka topic as Herald declares it, whatever it carries (a bus, a queue, a retry or dead-letter
 * topic, outcomes, claims): partitions and replication from the stack config, `min.insync.replicas` so an
 * acknowledged write survives a broker's loss, and a retention of at least what the stack sets and at
 * least what the topology declares (Kafka deletes by age whether or not a consumer read the record, so a
 * retention shorter than a queue's would lose what the queue promised to keep).
 * Pure (no Pulumi): the transport creates the same topics with the same config when it runs where no deploy did.
 * @see https://kafka.apache.org/documentation/#topicconfigs
 */
import { toMillis, type Duration } from '../../contracts';
import type { KafkaSettings } from './config';

export interface TopicOptions {
  /** The retention the topology declares for what this topic holds; the stack's retention when shorter or absent. */
  readonly retention?: Duration;
}

/** The topic's `config` entries (all strings, as Kafka takes them). */
export function topicConfig(settings: Pick<KafkaSettings, 'minInsyncReplicas' | 'retentionMs'>, options: TopicOptions = {}): Record<string, string> {
  // -1 keeps records forever, which outlasts any declared retention.
  const retentionMs = settings.retentionMs === -1 ? -1 : Math.max(settings.retentionMs, options.retention ? toMillis(options.retention) : 0);
  // Deleted by age, never compacted: the claims and outcomes topics carry bundles keyed by their writer, so
  // compaction would keep only each writer's last one.
  return { 'min.insync.replicas': String(settings.minInsyncReplicas), 'cleanup.policy': 'delete', 'retention.ms': String(retentionMs) };
}
