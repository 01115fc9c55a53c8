/**
 * One CloudEvent as a producer sent it to `POST /events` (already parsed), made a complete, checked
 * envelope, or refused with the reason. Follows the CloudEvents JSON format:
 * - a JSON `null` attribute is an absent one (`data: null` is a null payload, checked by the schema);
 * - `type` and `source` are required; `specversion` and `id` are filled in when absent;
 * - `time` is a strict RFC 3339 timestamp, kept as given;
 * - `datacontenttype` is a media type (RFC 2046): anything else is a bad event (400), a media type other
 *   than JSON an unsupported one (415);
 * - extension attributes have CloudEvents names and primitive values, whatever the name: `constructor`
 *   is carried like any other, `toString` refused like any other upper-case name. Attributes are read as
 *   own properties only, so nothing on Object.prototype can stand in for one.
 * The data is checked against its definition; declared extension attributes (e.g. `contenttype`),
 * `correlationid` and `traceparent` are computed as every Herald publisher does.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md
 */
import {
  CORE_ATTRIBUTES, EXTENSION_NAME_PATTERN, MAX_EVENT_BYTES, SchemaValidationError, type Envelope,
} from '../../contracts';
import { exceedsLimit, isTimestamp, isTraceparent, newEnvelope, type EventRegistry } from '../../runtime';
import { Refusal } from './problems';

/** An RFC 2046 media type: type/subtype, then `; name=value` parameters (RFC 2045 tokens or quoted strings). */
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|"(?:[^"\\\\]|\\\\.)*"))*$`);
const JSON_MEDIA_TYPE = /^application\/json(?:[ \t]*;.*)?$/i;

/** Attributes that, when present, are non-empty strings. */
const STRINGS = ['id', 'source', 'subject', 'dataschema', 'correlationid'] as const;

/** The envelope an event makes, or why it is refused. Never throws for bad input. */
export function completeEvent(raw: unknown, registry: EventRegistry): Envelope | Refusal {
  const e = checkEvent(raw, registry);
  return e instanceof Refusal ? e : envelopeOf(e, registry);
}

/** An event's attributes once checked: own, non-null, in an object with no prototype. */
export type CheckedEvent = Readonly<Record<string, unknown>>;

/** Checks everything but the data: the cheap part, done for every event of a request. */
export function checkEvent(raw: unknown, registry: EventRegistry): CheckedEvent | Refusal {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return NOT_AN_OBJECT;
  const e = presentAttributes(raw as Record<string, unknown>);
  return checkAttributes(e, registry) ?? e;
}

/** A checked event made an envelope: its data checked against its definition, the whole held to the size limit. */
export function envelopeOf(e: CheckedEvent, registry: EventRegistry): Envelope | Refusal {
  let envelope: Record<string, unknown>;
  try {
    envelope = newEnvelope(registry.get(e.type as string), e.data, {
      ...(e.id !== undefined ? { id: e.id as string } : {}),
      ...(e.time !== undefined ? { time: e.time as string } : {}),
      ...(e.subject !== undefined ? { subject: e.subject as string } : {}),
      ...(e.correlationid !== undefined ? { correlationId: e.correlationid as string } : {}),
      ...(e.traceparent !== undefined ? { traceparent: e.traceparent as string } : {}),
    }) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof SchemaValidationError) return new Refusal(400, error.message, error);
    throw error;
  }
  envelope.source = e.source;
  if (e.dataschema !== undefined) envelope.dataschema = e.dataschema;
  for (const [name, value] of Object.entries(e)) {
    // Extensions the producer set travel on; those the envelope already has were computed (declared
    // extensions, from the data) or taken above (correlationid, traceparent).
    if (!CORE_ATTRIBUTES.has(name) && !Object.hasOwn(envelope, name)) envelope[name] = value;
  }
  return oversize(envelope) ?? (envelope as unknown as Envelope);
}

/**
 * The refusal of an event (raw, or made an envelope) over MAX_EVENT_BYTES as JSON. Checked on the raw
 * event too when the request could hold a larger one: that bounds the work its schema check can be made to do.
 */
export function oversize(value: unknown): Refusal | undefined {
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    // JSON.stringify recurses: data nested a million deep overflows the stack.
    if (error instanceof RangeError) return bad('the event is nested too deeply to be carried');
    throw error;
  }
  const bytes = exceedsLimit(text, MAX_EVENT_BYTES);
  return bytes === undefined ? undefined : new Refusal(413, `the event is ${bytes} bytes with its envelope, over the ${MAX_EVENT_BYTES}-byte limit`);
}

/** The event's own attributes that are not null, in an object with no prototype. */
function presentAttributes(raw: Record<string, unknown>): Record<string, unknown> {
  const e = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of Object.entries(raw)) if (value !== null || name === 'data') e[name] = value;
  return e;
}

function checkAttributes(e: Record<string, unknown>, registry: EventRegistry): Refusal | undefined {
  if (e.specversion !== undefined && e.specversion !== '1.0') return bad(`unsupported specversion ${JSON.stringify(e.specversion)}; use "1.0"`);
  if (typeof e.type !== 'string' || e.type === '') return bad('attribute "type" is required, e.g. "OrderPlaced.v2"');
  if (!registry.has(e.type)) {
    return bad(`unknown event type "${e.type}"; known types: ${registry.definitions().map((d) => d.wireType).sort().join(', ')}`);
  }
  if (e.source === undefined) return bad('attribute "source" is required: a URI-reference naming the producer, e.g. "shop.web"');
  for (const name of STRINGS) {
    if (e[name] !== undefined && (typeof e[name] !== 'string' || e[name] === '')) return bad(`attribute "${name}" must be a non-empty string`);
  }
  if (e.time !== undefined && !isTimestamp(e.time)) {
    return bad('attribute "time" must be an RFC 3339 timestamp, YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM), a real date in years 0000-9999');
  }
  if (e.datacontenttype !== undefined) {
    if (typeof e.datacontenttype !== 'string' || !MEDIA_TYPE.test(e.datacontenttype)) {
      return bad(`attribute "datacontenttype" must be a media type (RFC 2046) such as application/json, not ${JSON.stringify(e.datacontenttype)}`);
    }
    if (!JSON_MEDIA_TYPE.test(e.datacontenttype)) {
      return new Refusal(415, `datacontenttype ${JSON.stringify(e.datacontenttype)} is not supported; event data must be application/json`);
    }
  }
  if (e.dataref !== undefined) return bad('"dataref" is not accepted at ingress; send the data inline');
  if (!('data' in e)) return bad('the event has no "data"');
  if (e.traceparent !== undefined && !isTraceparent(e.traceparent)) return bad('attribute "traceparent" is not a W3C traceparent');
  for (const [name, value] of Object.entries(e)) {
    if (CORE_ATTRIBUTES.has(name)) continue;
    if (!EXTENSION_NAME_PATTERN.test(name)) return bad(`${JSON.stringify(name)} is not a valid attribute name (lower-case a-z0-9, at most 20)`);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      return bad(`extension attribute "${name}" must be a string, number or boolean`);
    }
  }
  return undefined;
}

const bad = (message: string) => new Refusal(400, message);

// One instance for the most common refusal: a batch of two million numbers makes no two million of them.
const NOT_AN_OBJECT = bad('a CloudEvent must be a JSON object');
