/**
 * The CloudEvents JSON format: bytes ↔ envelope. Decoding checks only what every event must have;
 * the data is checked against its schema later, by the registry.
 */
import type { Envelope } from '../contracts/envelope';
import { EnvelopeDecodeError, OversizeEventError } from '../contracts/errors';
import { MAX_EVENT_BYTES } from '../contracts/limits';
import { isTimestamp } from './timestamp';

/** UTF-8 byte length, computed only when the character count cannot decide it. */
export function exceedsLimit(text: string, limit = MAX_EVENT_BYTES): number | undefined {
  if (text.length * 3 <= limit) return undefined;
  const bytes = text.length > limit ? text.length : Buffer.byteLength(text);
  return bytes > limit ? bytes : undefined;
}

/**
 * Reads one envelope from JSON text, bytes or an already-parsed object.
 * @throws EnvelopeDecodeError naming what is wrong; OversizeEventError over the limit.
 */
export function decodeEnvelope(input: string | Uint8Array | object): Envelope {
  let value: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
    const bytes = exceedsLimit(text);
    if (bytes !== undefined) throw new OversizeEventError(bytes, MAX_EVENT_BYTES);
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new EnvelopeDecodeError(`not JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  return checkEnvelope(value);
}

const REQUIRED = ['id', 'source', 'type'] as const;

/** Checks the CloudEvents required attributes of a parsed value. @throws EnvelopeDecodeError */
export function checkEnvelope(value: unknown): Envelope {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EnvelopeDecodeError('not a CloudEvent: expected a JSON object');
  }
  const e = value as Record<string, unknown>;
  if (e.specversion !== '1.0') throw new EnvelopeDecodeError(`unsupported specversion ${JSON.stringify(e.specversion)}; expected "1.0"`);
  for (const attribute of REQUIRED) {
    if (typeof e[attribute] !== 'string' || e[attribute] === '') throw new EnvelopeDecodeError(`attribute "${attribute}" must be a non-empty string`);
  }
  if (e.datacontenttype !== undefined && e.datacontenttype !== 'application/json') {
    throw new EnvelopeDecodeError(`datacontenttype ${JSON.stringify(e.datacontenttype)} is not application/json`);
  }
  if (e.time !== undefined && !isTimestamp(e.time)) {
    throw new EnvelopeDecodeError('attribute "time" must be an RFC 3339 timestamp');
  }
  if (!('data' in e) && typeof e.dataref !== 'string') throw new EnvelopeDecodeError('the event has neither data nor dataref');
  return e as unknown as Envelope;
}

/** The CloudEvents JSON text of an envelope. */
export function encodeEnvelope(envelope: Envelope): string {
  return JSON.stringify(envelope);
}
