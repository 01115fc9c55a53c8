/**
 * `POST /events`: CloudEvents over HTTP, in structured mode (`application/cloudevents+json`), binary mode
 * (`ce-*` headers, JSON data in the body) or as a batch (`application/cloudevents-batch+json`), turned into
 * complete envelopes. `specversion`, `id`, `time` and `source` may be left out and are filled in; the data
 * is checked against its definition; declared extension attributes (e.g. `contenttype`), `correlationid`
 * and `traceparent` are filled in as every Herald publisher does. The whole request is checked before any
 * of it is accepted, so a bad batch publishes nothing.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  CLOUDEVENTS_BATCH_JSON, CLOUDEVENTS_JSON, CORE_ATTRIBUTES, EXTENSION_NAME_PATTERN, MAX_EVENT_BYTES,
  SchemaValidationError, UnknownEventTypeError, type Envelope,
} from '../../contracts';
import { exceedsLimit, isTraceparent, newEnvelope, type EventRegistry } from '../../runtime';
import { HttpError } from './http';

/** The largest batch body accepted. Each event in it is still held to MAX_EVENT_BYTES. */
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;

/** The body limit for a request of this media type. */
export function bodyLimit(mediaType: string): number {
  return mediaType === CLOUDEVENTS_BATCH_JSON ? MAX_BATCH_BYTES : MAX_EVENT_BYTES;
}

/**
 * The envelopes a `POST /events` request carries.
 * @throws HttpError 400 malformed, schema-invalid or unknown type; 413 an event over MAX_EVENT_BYTES;
 *   415 an unsupported content type
 */
export function readEvents(mediaType: string, headers: IncomingHttpHeaders, body: Buffer, registry: EventRegistry): Envelope[] {
  if (mediaType === CLOUDEVENTS_JSON) return [complete(parseJson(body), registry, '')];
  if (mediaType === CLOUDEVENTS_BATCH_JSON) {
    const batch = parseJson(body);
    if (!Array.isArray(batch)) throw new HttpError(400, 'a batch must be a JSON array of CloudEvents');
    return batch.map((raw, i) => complete(raw, registry, `event[${i}]: `));
  }
  if (headers['ce-type'] !== undefined || headers['ce-specversion'] !== undefined) {
    if (mediaType !== 'application/json') {
      throw new HttpError(415, `binary mode takes JSON data: content-type must be application/json, not "${mediaType || '(none)'}"`);
    }
    return [complete({ ...binaryAttributes(headers), data: parseJson(body) }, registry, '')];
  }
  if (mediaType === 'application/json') {
    throw new HttpError(400, `a JSON body needs ce-type, ce-source… headers (binary mode), or send it as ${CLOUDEVENTS_JSON}`);
  }
  throw new HttpError(415, `unsupported content type "${mediaType || '(none)'}": use ${CLOUDEVENTS_JSON}, ${CLOUDEVENTS_BATCH_JSON}, or application/json with ce-* headers`);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new HttpError(400, `malformed JSON: ${(error as Error).message}`);
  }
}

/** Binary mode: `ce-<attribute>` headers, values percent-decoded (HTTP binding §3.1.3.2). */
function binaryAttributes(headers: IncomingHttpHeaders): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('ce-') || value === undefined) continue;
    const raw = Array.isArray(value) ? value.join(',') : value;
    try {
      attributes[name.slice(3)] = decodeURIComponent(raw);
    } catch {
      throw new HttpError(400, `header ${name} is not validly percent-encoded`);
    }
  }
  return attributes;
}

/** One raw event made a complete, checked envelope. */
function complete(raw: unknown, registry: EventRegistry, at: string): Envelope {
  const bad = (message: string) => new HttpError(400, `${at}${message}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('a CloudEvent must be a JSON object');
  const e = raw as Record<string, unknown>;
  if (e.specversion !== undefined && e.specversion !== '1.0') throw bad(`unsupported specversion ${JSON.stringify(e.specversion)}; use "1.0"`);
  for (const name of ['id', 'source', 'subject', 'time', 'dataschema', 'correlationid']) {
    if (e[name] !== undefined && (typeof e[name] !== 'string' || e[name] === '')) throw bad(`attribute "${name}" must be a non-empty string`);
  }
  if (typeof e.type !== 'string' || e.type === '') throw bad('attribute "type" is required, e.g. "OrderPlaced.v2"');
  if (e.time !== undefined && Number.isNaN(Date.parse(e.time as string))) throw bad('attribute "time" must be an RFC 3339 timestamp');
  if (e.datacontenttype !== undefined && !/^application\/json(\s*;.*)?$/i.test(String(e.datacontenttype))) {
    throw new HttpError(415, `${at}datacontenttype ${JSON.stringify(e.datacontenttype)} is not supported; event data must be application/json`);
  }
  if (e.dataref !== undefined) throw bad('"dataref" is not accepted at ingress; send the data inline');
  if (!('data' in e)) throw bad('the event has no "data"');
  if (e.traceparent !== undefined && !isTraceparent(e.traceparent)) throw bad('attribute "traceparent" is not a W3C traceparent');
  let envelope: Record<string, unknown>;
  try {
    const definition = registry.get(e.type);
    envelope = newEnvelope(definition, e.data, {
      ...(e.id ? { id: e.id as string } : {}),
      ...(e.time ? { time: new Date(e.time as string).toISOString() } : {}),
      ...(e.subject ? { subject: e.subject as string } : {}),
      ...(e.correlationid ? { correlationId: e.correlationid as string } : {}),
      ...(e.traceparent ? { traceparent: e.traceparent as string } : {}),
    }) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof UnknownEventTypeError) {
      throw bad(`unknown event type "${e.type}"; known types: ${registry.definitions().map((d) => d.wireType).sort().join(', ')}`);
    }
    if (error instanceof SchemaValidationError) throw bad(error.message);
    throw error;
  }
  if (e.source) envelope.source = e.source;
  if (e.dataschema) envelope.dataschema = e.dataschema;
  for (const [name, value] of Object.entries(e)) {
    // Extensions the producer set travel on; the declared ones were just computed from the data.
    if (CORE_ATTRIBUTES.has(name) || name in envelope) continue;
    if (!EXTENSION_NAME_PATTERN.test(name)) throw bad(`"${name}" is not a valid attribute name (lower-case a-z0-9, at most 20)`);
    if (!['string', 'number', 'boolean'].includes(typeof value)) throw bad(`extension attribute "${name}" must be a string, number or boolean`);
    envelope[name] = value;
  }
  const bytes = exceedsLimit(JSON.stringify(envelope), MAX_EVENT_BYTES);
  if (bytes !== undefined) throw new HttpError(413, `${at}the event is ${bytes} bytes with its envelope, over the ${MAX_EVENT_BYTES}-byte limit`);
  return envelope as unknown as Envelope;
}
