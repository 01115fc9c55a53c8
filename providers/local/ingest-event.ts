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
// Hot path (every event of a request, every Kafka record): from the defining modules, not the barrels
// (their re-exports are getters on every access).
import { CORE_ATTRIBUTES, type Envelope } from '../../contracts/envelope';
import { SchemaValidationError } from '../../contracts/errors';
import { EXTENSION_NAME_PATTERN, MAX_EVENT_BYTES } from '../../contracts/limits';
import { exceedsLimit } from '../../runtime/codec';
import { newEnvelope, type NewEventOptions } from '../../runtime/envelopes';
import { remembered } from '../../runtime/remembered';
import { isTraceparent } from '../../runtime/ids';
import type { EventRegistry } from '../../runtime/registry';
import { isTimestamp } from '../../runtime/timestamp';
import { rememberText } from './envelope-text';
import { Refusal } from './problems';

/** An RFC 2046 media type: type/subtype, then `; name=value` parameters (RFC 2045 tokens or quoted strings). */
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|"(?:[^"\\\\]|\\\\.)*"))*$`);
const JSON_MEDIA_TYPE = /^application\/json(?:[ \t]*;.*)?$/i;

/** An event whose attributes passed the checks, each read once. */
export interface CheckedEvent {
  readonly type: string;
  readonly source: string;
  readonly id?: string;
  readonly time?: string;
  readonly subject?: string;
  readonly dataschema?: string;
  readonly correlationid?: string;
  readonly traceparent?: string;
  readonly data: unknown;
  /** The producer's extension attributes, in order. */
  readonly extensions: ReadonlyArray<readonly [string, unknown]>;
}

/** The envelope an event makes, or why it is refused. Never throws for bad input. */
export function completeEvent(raw: unknown, registry: EventRegistry): Envelope | Refusal {
  const e = checkEvent(raw, registry);
  return e instanceof Refusal ? e : envelopeOf(e, registry);
}

type Raw = Readonly<Record<string, unknown>>;

/**
 * An attribute the producer set: an own property only (nothing inherited stands in), a JSON null as absent.
 * The common absent attribute costs one read: only a value found is asked whether it is the event's own.
 */
function own(e: Raw, name: string): unknown {
  const value = e[name];
  return value === undefined || value === null || !Object.hasOwn(e, name) ? undefined : value;
}

/** Present (not undefined) and not a non-empty string: what `id`, `source`, `subject`, `dataschema` and `correlationid` may not be. */
const notNonEmptyString = (value: unknown) => value !== undefined && (typeof value !== 'string' || value === '');

/** Whether a name is a valid extension attribute's (the same few, event after event: the pattern runs once per name). */
const isExtensionName = remembered((name: string) => EXTENSION_NAME_PATTERN.test(name));

/**
 * Checks everything but the data: the cheap part, done for every event of a request. Each attribute is
 * read once, in the order the checks report them.
 */
export function checkEvent(raw: unknown, registry: EventRegistry): CheckedEvent | Refusal {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return NOT_AN_OBJECT;
  const e = raw as Raw;
  const specversion = own(e, 'specversion');
  if (specversion !== undefined && specversion !== '1.0') return bad(`unsupported specversion ${JSON.stringify(specversion)}; use "1.0"`);
  const type = own(e, 'type');
  if (typeof type !== 'string' || type === '') return bad('attribute "type" is required, e.g. "OrderPlaced.v2"');
  if (!registry.has(type)) {
    return bad(`unknown event type "${type}"; known types: ${registry.definitions().map((d) => d.wireType).sort().join(', ')}`);
  }
  const source = own(e, 'source');
  if (source === undefined) return bad('attribute "source" is required: a URI-reference naming the producer, e.g. "shop.web"');
  const id = own(e, 'id');
  const subject = own(e, 'subject');
  const dataschema = own(e, 'dataschema');
  const correlationid = own(e, 'correlationid');
  if (notNonEmptyString(id)) return bad('attribute "id" must be a non-empty string');
  if (notNonEmptyString(source)) return bad('attribute "source" must be a non-empty string');
  if (notNonEmptyString(subject)) return bad('attribute "subject" must be a non-empty string');
  if (notNonEmptyString(dataschema)) return bad('attribute "dataschema" must be a non-empty string');
  if (notNonEmptyString(correlationid)) return bad('attribute "correlationid" must be a non-empty string');
  const time = own(e, 'time');
  if (time !== undefined && !isTimestamp(time)) {
    return bad('attribute "time" must be an RFC 3339 timestamp, YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM), a real date in years 0000-9999');
  }
  const refused = checkDataContentType(own(e, 'datacontenttype'));
  if (refused) return refused;
  if (own(e, 'dataref') !== undefined) return bad('"dataref" is not accepted at ingress; send the data inline');
  // `data: null` is a null payload (JSON format §3.1.1), not an absent one.
  if (!Object.hasOwn(e, 'data')) return bad('the event has no "data"');
  const traceparent = own(e, 'traceparent');
  if (traceparent !== undefined && !isTraceparent(traceparent)) return bad('attribute "traceparent" is not a W3C traceparent');
  const extensions: Array<readonly [string, unknown]> = [];
  for (const name of Object.keys(e)) {
    const value = e[name];
    if (value === null || CORE_ATTRIBUTES.has(name)) continue;
    if (!isExtensionName(name)) return bad(`${JSON.stringify(name)} is not a valid attribute name (lower-case a-z0-9, at most 20)`);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      return bad(`extension attribute "${name}" must be a string, number or boolean`);
    }
    extensions.push([name, value]);
  }
  // One object shape for every event: the optional attributes are always there, undefined when absent.
  return {
    type, source: source as string, data: e.data, extensions,
    id: id as string | undefined, time: time as string | undefined, subject: subject as string | undefined,
    dataschema: dataschema as string | undefined, correlationid: correlationid as string | undefined,
    traceparent: traceparent as string | undefined,
  };
}

/** A checked event made an envelope: its data checked against its definition, the whole held to the size limit. */
export function envelopeOf(e: CheckedEvent, registry: EventRegistry): Envelope | Refusal {
  let envelope: Record<string, unknown>;
  try {
    // Set one by one, not spread from a literal each: this runs for every event a request carries.
    const options: { -readonly [K in keyof NewEventOptions]: NewEventOptions[K] } = {};
    if (e.id !== undefined) options.id = e.id;
    if (e.time !== undefined) options.time = e.time;
    if (e.subject !== undefined) options.subject = e.subject;
    if (e.correlationid !== undefined) options.correlationId = e.correlationid;
    if (e.traceparent !== undefined) options.traceparent = e.traceparent;
    envelope = newEnvelope(registry.get(e.type), e.data, options) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof SchemaValidationError) return new Refusal(400, error.message, error);
    throw error;
  }
  envelope.source = e.source;
  if (e.dataschema !== undefined) envelope.dataschema = e.dataschema;
  for (const [name, value] of e.extensions) {
    // Extensions the producer set travel on; those the envelope already has were computed (declared
    // extensions, from the data) or taken above (correlationid, traceparent).
    if (!Object.hasOwn(envelope, name)) envelope[name] = value;
  }
  const text = jsonText(envelope);
  if (text instanceof Refusal) return text;
  const refused = overLimit(text);
  if (refused) return refused;
  // Stored as it is by the durable transport (envelope-text.ts).
  rememberText(envelope as unknown as Envelope, text);
  return envelope as unknown as Envelope;
}

/**
 * The refusal of an event (raw, or made an envelope) over MAX_EVENT_BYTES as JSON. Checked on the raw
 * event too when the request could hold a larger one: that bounds the work its schema check can be made to do.
 */
export function oversize(value: unknown): Refusal | undefined {
  const text = jsonText(value);
  return text instanceof Refusal ? text : overLimit(text);
}

/** `value` as JSON, or the refusal of a value too deeply nested to serialise. */
function jsonText(value: unknown): string | Refusal {
  try {
    return JSON.stringify(value);
  } catch (error) {
    // JSON.stringify recurses: data nested a million deep overflows the stack.
    if (error instanceof RangeError) return bad('the event is nested too deeply to be carried');
    throw error;
  }
}

function overLimit(text: string): Refusal | undefined {
  const bytes = exceedsLimit(text, MAX_EVENT_BYTES);
  return bytes === undefined ? undefined : new Refusal(413, `the event is ${bytes} bytes with its envelope, over the ${MAX_EVENT_BYTES}-byte limit`);
}

/** A media type (RFC 2046) is required, and JSON data: 400 for what is no media type, 415 for another one. */
function checkDataContentType(value: unknown): Refusal | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !MEDIA_TYPE.test(value)) {
    return bad(`attribute "datacontenttype" must be a media type (RFC 2046) such as application/json, not ${JSON.stringify(value)}`);
  }
  if (!JSON_MEDIA_TYPE.test(value)) return new Refusal(415, `datacontenttype ${JSON.stringify(value)} is not supported; event data must be application/json`);
  return undefined;
}

const bad = (message: string) => new Refusal(400, message);

// One instance for the most common refusal: a batch of two million numbers makes no two million of them.
const NOT_AN_OBJECT = bad('a CloudEvent must be a JSON object');
