/**
 * The CloudEvents Kafka protocol binding: Herald writes binary mode (every attribute but `data` as a `ce_`
 * header, `content-type` for `datacontenttype`, the data's JSON as the value) and reads both binary and
 * structured mode, so events from producers that follow the binding are read like Herald's own.
 *
 * A decoded record is checked by the rules `POST /events` applies (providers/local/ingest-event.ts
 * `checkEvent`, with its messages, and the data against its schema), with what a transport needs on top:
 * - `specversion` and `id` are required: a record is redelivered, and an id filled in per read would make
 *   each redelivery a new event to the idempotency store;
 * - the envelope is the one that was produced: `traceparent`, `causationid`, `correlationid` and `time` are
 *   kept as they are, not computed again as at ingress (where an event enters Herald for the first time);
 * - `dataref` (a claim-checked event, its data stored elsewhere) is read, with no value; the pipeline
 *   fetches and checks the data.
 * Header values are strings on the wire, so an extension attribute a producer set as a number or boolean
 * arrives as its string form (the binding carries no type).
 * Hot path: one object per record and plain loops; no CloudEvents SDK object.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md
 */
// Hot path: from the defining modules, not the barrels (their re-exports are getters on every access).
import { CLOUDEVENTS_JSON, type Envelope } from '../../../contracts/envelope';
import { HeraldError, SchemaValidationError } from '../../../contracts/errors';
import { JsonTextError, parseJsonBytes } from '../../../runtime/json-text';
import { parseData, type EventRegistry } from '../../../runtime/registry';
import { remembered } from '../../../runtime/remembered';
import { checkEvent, type CheckedEvent } from '../../local/ingest-event';
import { Refusal } from '../../local/problems';

/** A record as kafkajs hands it to a consumer (headers values Buffer | string | array | undefined). */
export interface KafkaRecordIn {
  readonly key: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers?: Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;
  /** Epoch ms as a decimal string (kafkajs): the `time` of an event that has none, the same on every redelivery. */
  readonly timestamp?: string;
}

/** A record as kafkajs `producer.send` takes it. */
export interface KafkaRecordOut {
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
}

/** A record that cannot be read as a valid envelope; the message is the reason its dead letter carries. */
export class BindingError extends HeraldError {}

/** Prefix of the header of each attribute in binary mode (§3.2.3). */
export const CE_PREFIX = 'ce_';
/** The header that carries `datacontenttype` in binary mode and tells structured mode apart (§3.1.1). */
export const CONTENT_TYPE = 'content-type';

/** Structured mode: the JSON event format, whatever the parameters (`; charset=utf-8`). */
const STRUCTURED = new RegExp(`^${CLOUDEVENTS_JSON.replace(/[.+]/g, '\\$&')}[ \\t]*(?:;|$)`, 'i');

// Fatal: a header value that is not UTF-8 is refused, not read with U+FFFD in it.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Binary mode: every attribute but data as a `ce_<name>` header (string form), `content-type` =
 * datacontenttype, value = the data's JSON text (empty for a claim-checked event, which has none);
 * key = `key`. `extra` headers (Herald's delivery headers) are added as they are.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md#32-binary-content-mode
 */
export function encodeRecord(envelope: Envelope, key: string, extra?: Readonly<Record<string, string>>): KafkaRecordOut {
  const headers: Record<string, string> = {};
  for (const name in envelope) {
    if (name === 'data' || name === 'datacontenttype') continue;
    const value = envelope[name];
    if (value !== undefined && value !== null) headers[CE_PREFIX + name] = String(value);
  }
  headers[CONTENT_TYPE] = envelope.datacontenttype ?? 'application/json';
  if (extra) {
    for (const name in extra) headers[name] = extra[name]!;
  }
  return { key, value: envelope.data === undefined ? '' : JSON.stringify(envelope.data), headers };
}

/**
 * Reads binary mode (ce_ headers) and structured mode (content-type application/cloudevents+json, value =
 * the whole event) into an envelope checked as an event POSTed to /events is (see the file comment).
 * @throws BindingError for anything it cannot turn into a valid envelope: no value, not JSON, no
 *   ce_specversion, an unknown type, an invalid attribute, data its schema refuses...
 */
export function decodeRecord(record: KafkaRecordIn, registry: EventRegistry): Envelope {
  const headers = record.headers ?? {};
  const contentType = headerText(headers, CONTENT_TYPE);
  const structured = contentType !== undefined && STRUCTURED.test(contentType);
  const raw = structured ? structuredEvent(record) : binaryAttributes(headers, contentType);
  if (raw.specversion === undefined || raw.specversion === null) throw new BindingError('attribute "specversion" is required: "1.0"');
  if (raw.id === undefined || raw.id === null) throw new BindingError('attribute "id" is required: it identifies the event across redeliveries');
  const dataref = raw.dataref ?? undefined;
  if (dataref !== undefined) {
    if (typeof dataref !== 'string' || dataref === '') throw new BindingError('attribute "dataref" must be a non-empty string');
    // The ingress check refuses dataref (data comes inline there); a transport carries it, checked here.
    delete raw.dataref;
  }
  // A claim-checked event has no data to check here: the pipeline reads it from its dataref.
  const claimed = dataref !== undefined && (structured ? !Object.hasOwn(raw, 'data') : isEmpty(record.value));
  if (!structured && !claimed && isEmpty(record.value)) throw new BindingError('the record has no value: a binary-mode CloudEvent carries its data there');
  // Binary mode: the attributes are checked before the value is parsed (a record refused for its
  // content-type is never parsed as JSON); the null stands in for the data until then.
  if (claimed || !structured) raw.data = null;
  const checked = checkEvent(raw, registry);
  if (checked instanceof Refusal) throw new BindingError(checked.message);
  const data = structured || claimed ? checked.data : parseValue(record.value!, 'the record value');
  return envelopeOf(checked, data, registry, dataref as string | undefined, claimed, record.timestamp);
}

/**
 * The attributes of a binary-mode record. A plain object (with no prototype it would be a dictionary, several
 * times larger, for every record): `ce___proto__` is defined as an own property, just a bad name.
 */
function binaryAttributes(headers: NonNullable<KafkaRecordIn['headers']>, contentType: string | undefined): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const name in headers) {
    const attribute = attributeOfHeader(name);
    if (attribute === undefined) continue;
    // A header listed with no value (kafkajs's type allows it) is an absent attribute.
    const value = headerText(headers, name);
    if (value === undefined) continue;
    if (attribute === '__proto__') Object.defineProperty(raw, attribute, { value, enumerable: true, writable: true, configurable: true });
    else raw[attribute] = value;
  }
  if (raw.specversion === undefined) {
    throw new BindingError(`not a CloudEvent: no ce_specversion header (binary mode) and content-type ${contentType === undefined ? 'absent' : JSON.stringify(contentType)}, not ${CLOUDEVENTS_JSON} (structured mode)`);
  }
  // Binary mode carries datacontenttype in content-type (§3.2.1), which wins over a stray
  // ce_datacontenttype; with neither, the data is JSON.
  if (contentType !== undefined) raw.datacontenttype = contentType;
  return raw;
}

/** The attribute a `ce_<name>` header carries; undefined for another header. */
const attributeOfHeader = remembered((header: string): string | undefined =>
  header.length > CE_PREFIX.length && header.startsWith(CE_PREFIX) ? header.slice(CE_PREFIX.length) : undefined);

/** The event of a structured-mode record: the whole CloudEvent as JSON in the value. */
function structuredEvent(record: KafkaRecordIn): Record<string, unknown> {
  if (isEmpty(record.value)) throw new BindingError(`the record has no value: a structured-mode CloudEvent (${CLOUDEVENTS_JSON}) is the value`);
  const event = parseValue(record.value!, 'the structured event');
  if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new BindingError('a CloudEvent must be a JSON object');
  return event as Record<string, unknown>;
}

function isEmpty(value: Buffer | string | null): boolean {
  return value === null || value === undefined || value.length === 0;
}

function parseValue(value: Buffer | string, what: string): unknown {
  try {
    return typeof value === 'string' ? parseJsonBytes(Buffer.from(value)) : parseJsonBytes(value);
  } catch (error) {
    if (error instanceof JsonTextError) throw new BindingError(`malformed JSON in ${what}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** A header's value as text; a repeated header names no one value, so it is refused. */
function headerText(headers: NonNullable<KafkaRecordIn['headers']>, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined || typeof value === 'string') return value;
  if (Array.isArray(value)) throw new BindingError(`header "${name}" is repeated; a CloudEvents attribute has one value`);
  try {
    return UTF8.decode(value);
  } catch {
    throw new BindingError(`header "${name}" is not valid UTF-8`);
  }
}

/**
 * The envelope of a checked event, as it was produced: the data checked against its schema (zod's
 * output, as every Herald reader sees it), declared extensions computed from it as at ingress, the rest
 * kept. `correlationid` defaults to the id, as for an event that starts a request; `time` to the record's
 * timestamp (now, for a record without one).
 */
function envelopeOf(e: CheckedEvent, data: unknown, registry: EventRegistry, dataref: string | undefined, claimed: boolean, timestamp: string | undefined): Envelope {
  const definition = registry.get(e.type);
  const envelope: Record<string, unknown> = {
    specversion: '1.0',
    id: e.id,
    source: e.source,
    type: e.type,
    time: e.time ?? timeOf(timestamp),
    datacontenttype: 'application/json',
  };
  if (e.subject !== undefined) envelope.subject = e.subject;
  if (e.dataschema !== undefined) envelope.dataschema = e.dataschema;
  envelope.correlationid = e.correlationid ?? e.id;
  if (e.traceparent !== undefined) envelope.traceparent = e.traceparent;
  if (dataref !== undefined) envelope.dataref = dataref;
  if (!claimed) {
    try {
      envelope.data = parseData(definition, data);
    } catch (error) {
      if (error instanceof SchemaValidationError) throw new BindingError(error.message, { cause: error });
      throw error;
    }
    for (const name in definition.extensions) {
      const value = definition.extensions[name]!(envelope.data as never);
      if (value !== undefined) envelope[name] = value;
    }
  }
  const { extensions } = e;
  for (let i = 0; i < extensions.length; i++) {
    const [name, value] = extensions[i]!;
    if (!Object.hasOwn(envelope, name)) envelope[name] = value;
  }
  return envelope as unknown as Envelope;
}

/** The record's timestamp as RFC 3339, or now when it has none (or a malformed one). */
function timeOf(timestamp: string | undefined): string {
  const ms = timestamp === undefined ? NaN : Number(timestamp);
  return (Number.isFinite(ms) && ms >= 0 ? new Date(ms) : new Date()).toISOString();
}
