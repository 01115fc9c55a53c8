/** One Kafka topic as a Pulumi resource, with the config topic-config.ts gives it. */
import * as pulumi from '@pulumi/pulumi';
import * as kafka from '@pulumi/kafka';
import type { KafkaSettings } from './config';
import { topicConfig, topicPartitions, type TopicOptions } from './topic-config';

/** Declares the topic `name` (its exact name on the cluster) under `parent`, whose provider it inherits. */
export function declareTopic(logicalName: string, name: string, settings: KafkaSettings, options: TopicOptions, parent: pulumi.Resource): kafka.Topic {
  return new kafka.Topic(logicalName, {
    name,
    partitions: topicPartitions(settings, options),
    replicationFactor: settings.replicationFactor,
    config: topicConfig(settings, options),
  }, { parent });
}
