/**
 * `POST /events`: CloudEvents over HTTP, in structured mode (`application/cloudevents+json`), binary mode
 * (`ce-*` headers, JSON data in the body) or as a batch (`application/cloudevents-batch+json`), turned into
 * complete envelopes (see ingest-event.ts for what each event must carry). The whole request is checked
 * before any of it is accepted, so a bad batch publishes nothing; its refusal lists the first problems and
 * counts the rest (see problems.ts). Bodies must be UTF-8.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md
 */
import type { IncomingHttpHeaders } from 'node:http';
import { CLOUDEVENTS_BATCH_JSON, CLOUDEVENTS_JSON, MAX_EVENT_BYTES, type Envelope } from '../../contracts';
import { JsonTextError, parseJsonBytes, type EventRegistry } from '../../runtime';
import { HttpError } from './http';
import { checkEvent, envelopeOf, oversize } from './ingest-event';
import { ProblemList, Refusal } from './problems';
import { LOCAL_LIMITS } from './limits';

/** The largest batch body accepted. Each event in it is still held to MAX_EVENT_BYTES. */
export const MAX_BATCH_BYTES = LOCAL_LIMITS.request.maxBatchBytes;

/** The body limit for a request of this media type. */
export function bodyLimit(mediaType: string): number {
  return mediaType === CLOUDEVENTS_BATCH_JSON ? MAX_BATCH_BYTES : MAX_EVENT_BYTES;
}

/**
 * The envelopes a `POST /events` request carries.
 * @throws HttpError 400 malformed, schema-invalid or unknown type; 413 an event over MAX_EVENT_BYTES;
 *   415 an unsupported content type. For several problems, the first one's status.
 */
export function readEvents(mediaType: string, headers: IncomingHttpHeaders, body: Buffer, registry: EventRegistry): Envelope[] {
  if (mediaType === CLOUDEVENTS_JSON) return completeAll([parseJson(body)], registry, '');
  if (mediaType === CLOUDEVENTS_BATCH_JSON) {
    const batch = parseJson(body);
    if (!Array.isArray(batch)) throw new HttpError(400, 'a batch must be a JSON array of CloudEvents');
    // A body no larger than one event cannot hold an event over the limit.
    return completeAll(batch, registry, 'event', body.length > MAX_EVENT_BYTES);
  }
  if (headers['ce-type'] !== undefined || headers['ce-specversion'] !== undefined) {
    if (mediaType !== 'application/json') {
      throw new HttpError(415, `binary mode takes JSON data: content-type must be application/json, not "${mediaType || '(none)'}"`);
    }
    const event = binaryAttributes(headers);
    event.data = parseJson(body);
    return completeAll([event], registry, '');
  }
  if (mediaType === 'application/json') {
    throw new HttpError(400, `a JSON body needs ce-type, ce-source… headers (binary mode), or send it as ${CLOUDEVENTS_JSON}`);
  }
  throw new HttpError(415, `unsupported content type "${mediaType || '(none)'}": use ${CLOUDEVENTS_JSON}, ${CLOUDEVENTS_BATCH_JSON}, or application/json with ce-* headers`);
}

/**
 * Every event made an envelope, or the request refused with its problems. `label` names the events of a
 * batch in messages (`event[3]: …`); `sizeFirst` checks each raw event's size before its data. Once the
 * refusal lists all it will list, later events get only the cheap checks: their data is not checked
 * against its schema (each issue zod finds costs time and memory, and a batch can hold millions).
 */
function completeAll(raws: readonly unknown[], registry: EventRegistry, label: string, sizeFirst = false): Envelope[] {
  const problems = new ProblemList(label);
  const envelopes: Envelope[] = [];
  for (let i = 0; i < raws.length; i++) {
    const raw = raws[i];
    // Only an object can be an event: anything else is refused at once, whatever its size.
    const checked = (sizeFirst && typeof raw === 'object' ? oversize(raw) : undefined) ?? checkEvent(raw, registry);
    if (checked instanceof Refusal) {
      problems.add(checked, i);
      continue;
    }
    if (problems.full) {
      problems.unchecked();
      continue;
    }
    const result = envelopeOf(checked, registry);
    if (result instanceof Refusal) problems.add(result, i);
    // Once one event is refused none is published, so no more envelopes are kept.
    else if (problems.empty) envelopes.push(result);
  }
  if (!problems.empty) throw problems.error();
  return envelopes;
}

function parseJson(body: Buffer): unknown {
  try {
    return parseJsonBytes(body);
  } catch (error) {
    if (error instanceof JsonTextError) throw new HttpError(400, `malformed JSON: ${error.message}`);
    throw error;
  }
}

/**
 * Binary mode: `ce-<attribute>` headers, values percent-decoded (HTTP binding §3.1.3.2), in an object with
 * no prototype: a `ce-__proto__` header is an attribute (refused for its name), not the object's prototype.
 */
function binaryAttributes(headers: IncomingHttpHeaders): Record<string, unknown> {
  const attributes = Object.create(null) as Record<string, unknown>;
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
