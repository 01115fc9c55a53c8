/**
 * bucket → no cluster resource: Kafka stores no objects. The Herald process keeps uploads and, with
 * `onUpload`, publishes the declared event to its bus or topic for each object under the prefix.
 */
import type { BucketSpec, Realized } from '../../contracts';
import { publishTopic, runByProcess } from './ingress';
import type { KafkaNames } from './topics';

export function kafkaBucket(spec: BucketSpec, names: KafkaNames): Realized {
  const up = spec.onUpload;
  return runByProcess(up ? { uploadPrefix: up.prefix, publishesTo: publishTopic(names, up.to) } : {});
}
