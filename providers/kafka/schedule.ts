/**
 * schedule → no cluster resource: Kafka has no timer. The Herald process fires the cron (UTC) and
 * publishes the event to the schedule's bus or topic; a schedule fires only while that process runs.
 */
import type { Realized, ScheduleSpec } from '../../contracts';
import { publishTopic, runByProcess } from './ingress';
import type { KafkaNames } from './topics';

export function kafkaSchedule(spec: ScheduleSpec, names: KafkaNames): Realized {
  return runByProcess({ cron: spec.cron, publishesTo: publishTopic(names, spec.to) });
}
