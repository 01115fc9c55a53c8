/**
 * alarm → refused: a Kafka cluster has no alarm resource. Consumer lag (the age of the oldest event,
 * dead letters waiting) is watched by the metrics stack a team runs beside its cluster (for example
 * kafka-exporter and Prometheus), from the group and topic names in the stack outputs. Every
 * `alarm.<metric>.<kind>` is unsupported, so realize leaves the default alarms out with a note and
 * refuses a declared alarm before any resource is created; this method is never reached.
 */
import { ALARM_METRICS, UnsupportedFeatureError, type AlarmSpec, type FeatureKey, type Realized } from '../../contracts';

export const NO_ALARMS = 'a Kafka cluster has no alarm resource; watch consumer-group lag and the dead-letter topics in your metrics stack (e.g. kafka-exporter + Prometheus), using the group and topic names in the stack outputs';

/** Every alarm feature, each refused with the reason. */
export const ALARM_FEATURES: Partial<Record<FeatureKey, string>> = Object.fromEntries([
  ['alarm', NO_ALARMS],
  ...ALARM_METRICS.flatMap((metric) => (['queue', 'stream', 'fn'] as const).map((kind) => [`alarm.${metric}.${kind}`, NO_ALARMS])),
]);

export function kafkaAlarm(spec: AlarmSpec): Realized {
  throw new UnsupportedFeatureError('kafka', 'alarm', `metric=${spec.metric} on ${spec.on.kind}`, NO_ALARMS);
}
