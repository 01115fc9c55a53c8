/**
 * table → no cluster resource: Kafka has no tables. The Herald process keeps the rows and, with
 * `onChange`, publishes the declared event to its bus or topic for each written row.
 */
import type { Realized, TableSpec } from '../../contracts';
import { publishTopic, runByProcess } from './ingress';
import type { KafkaNames } from './topics';

export function kafkaTable(spec: TableSpec, names: KafkaNames): Realized {
  const change = spec.onChange;
  return runByProcess(change ? { publishesTo: publishTopic(names, change.to) } : {});
}
