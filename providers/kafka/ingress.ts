/**
 * What the kinds a Kafka cluster has no resource for have in common: schedules, webhooks, bucket uploads
 * and table changes are emitted by the Herald process (`herald dev --transport kafka`), which publishes
 * the event to its bus's or topic's Kafka topic like any publisher. Nothing is declared on the cluster;
 * the realized value says which topic the events go to, for the stack outputs.
 */
import type { Realized, Ref } from '../../contracts';
import type { KafkaNames } from './topics';

/** Where `herald dev` runs these kinds: said in the capability warning and the README. */
export const RUN_BY_PROCESS = 'herald dev --transport kafka';

/** The topic events sent to `to` land in. */
export function publishTopic(names: KafkaNames, to: Ref<'bus' | 'topic'>): string {
  return to.kind === 'bus' ? names.bus(to.name) : names.topic(to.name);
}

/** A kind run by the Herald process: no cluster resource, its outputs only. */
export function runByProcess(outputs: Readonly<Record<string, unknown>>): Realized {
  return { outputs: { ...outputs, runBy: RUN_BY_PROCESS } };
}
