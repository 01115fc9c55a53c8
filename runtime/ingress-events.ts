/**
 * Events made from something that happened outside a handler — an object uploaded, a row written, a
 * schedule come due — built by one rule on every target (the embedded runtime and each cloud's ingress),
 * each checked against the declared event's schema:
 * - upload: data `{ bucket, key, size, contentType }`; subject = the object key;
 * - change: data `{ table, op, keys, newImage?, oldImage? }`; subject = the row's key values, partition
 *   key first, joined by `/`;
 * - schedule: the schedule's data with `{{scheduledTime}}` replaced by the run's time; no subject.
 * Ids are deterministic: an upload's or a change's derives from the platform's own id of that occurrence
 * (its notification or change record id, a local write's id), a run's is `<schedule>@<run time>`. A
 * redelivery of the same occurrence therefore carries the same id, and consumers deduplicate it. The event
 * time is when the platform says it happened.
 * Bucket and table are named as the platform names them (the physical name on a cloud).
 */
import type { Envelope } from '../contracts/envelope';
import { InvalidOptionError, SchemaValidationError } from '../contracts/errors';
import type { EventDefinition } from '../contracts/events';
import type { ScheduleSpec } from '../contracts/topology';
import { newEnvelope } from './envelopes';
import { derivedEventId } from './ids';

/** The data of an upload event. */
export interface UploadData {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly contentType: string;
}

/** The data of a change event: one row written. Images are plain JSON (no platform type tags). */
export interface ChangeData {
  readonly table: string;
  readonly op: 'insert' | 'modify' | 'remove';
  readonly keys: Readonly<Record<string, unknown>>;
  readonly newImage?: Readonly<Record<string, unknown>>;
  readonly oldImage?: Readonly<Record<string, unknown>>;
}

/** Which occurrence on the platform an upload or change event stands for. */
export interface Occurrence {
  /** The platform's id of it, the same on every redelivery of it. */
  readonly id: string;
  /** RFC 3339. @default now */
  readonly time?: string;
}

/**
 * The event for an uploaded object.
 * @throws SchemaValidationError when the data does not fit the definition
 */
export function uploadEvent(definition: EventDefinition<any>, data: UploadData, occurrence: Occurrence): Envelope {
  return newEnvelope(definition, data, {
    id: derivedEventId(occurrence.id, `upload:${data.bucket}`, 0),
    subject: data.key,
    ...(occurrence.time ? { time: occurrence.time } : {}),
  });
}

/**
 * The event for a row change.
 * @param keyNames the table's key attributes, partition key first (the subject's order)
 * @throws SchemaValidationError when the data does not fit the definition
 */
export function changeEvent(definition: EventDefinition<any>, data: ChangeData, occurrence: Occurrence, keyNames?: readonly string[]): Envelope {
  return newEnvelope(definition, data, {
    id: derivedEventId(occurrence.id, `change:${data.table}`, 0),
    subject: rowSubject(data.keys, keyNames),
    ...(occurrence.time ? { time: occurrence.time } : {}),
  });
}

/** The subject of a change: key values in `keyNames` order (else by attribute name), joined by `/`. */
export function rowSubject(keys: Readonly<Record<string, unknown>>, keyNames?: readonly string[]): string {
  const names = (keyNames ?? Object.keys(keys).sort()).filter((n) => n in keys);
  return names.map((n) => String(keys[n])).join('/');
}

/** What a schedule's data may contain to receive the run's time. */
export const SCHEDULED_TIME_PLACEHOLDER = '{{scheduledTime}}';

/**
 * The run time schedule data is checked with before any run (data that does not fit with it would fail
 * every run). RFC 3339 in UTC, whole seconds, as the clouds write a run's time.
 */
export const SAMPLE_SCHEDULED_TIME = '2026-01-01T02:00:00Z';

/** A run time as an event carries it: RFC 3339 in UTC, whole seconds (cron times never have fractions). */
export function scheduledTimeOf(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** `{{scheduledTime}}` replaced by `scheduledTime` in every string of the data, at any depth. */
export function scheduledData(value: unknown, scheduledTime: string): unknown {
  if (typeof value === 'string') return value.split(SCHEDULED_TIME_PLACEHOLDER).join(scheduledTime);
  if (Array.isArray(value)) return value.map((v) => scheduledData(v, scheduledTime));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scheduledData(v, scheduledTime)]));
  }
  return value;
}

/** The id of a schedule's run: the same for a retried or duplicated run of one scheduled time. */
export function scheduledEventId(schedule: string, scheduledTime: string): string {
  return `${schedule}@${scheduledTime}`;
}

/**
 * The event of one run of a schedule.
 * @throws SchemaValidationError when the filled-in data does not fit the definition
 */
export function scheduledEvent(definition: EventDefinition<any>, schedule: Pick<ScheduleSpec, 'name' | 'data'>, scheduledTime: string): Envelope {
  return newEnvelope(definition, scheduledData(schedule.data, scheduledTime), {
    id: scheduledEventId(schedule.name, scheduledTime),
    time: scheduledTime,
  });
}

/**
 * Schedules whose data, filled in with a sample run time, does not fit their event: on a target that
 * fills the data in at run time, nothing else could check it before it fails.
 */
export function scheduleDataIssues(schedules: readonly ScheduleSpec[], definitionOf: (wireType: string) => EventDefinition<any>): InvalidOptionError[] {
  const issues: InvalidOptionError[] = [];
  for (const s of schedules) {
    try {
      scheduledEvent(definitionOf(s.emits), s, SAMPLE_SCHEDULED_TIME);
    } catch (error) {
      if (!(error instanceof SchemaValidationError)) throw error;
      issues.push(new InvalidOptionError(`schedules[${s.name}].data`, `does not fit ${s.emits} (run time ${SAMPLE_SCHEDULED_TIME}): ${error.issues.join('; ')}`, { cause: error }));
    }
  }
  return issues;
}
