/** Event ids and W3C trace context. */
import { createHash, randomFillSync, randomUUID } from 'node:crypto';

/** A fresh event id. */
export function newEventId(): string {
  return randomUUID();
}

/**
 * The id of the `index`-th event a function publishes while handling `parentId`: the same on every retry,
 * so consumers deduplicate what a retried handler publishes again. Formatted as a UUID (version 8).
 */
export function derivedEventId(parentId: string, functionName: string, index: number): string {
  const h = createHash('sha256').update(`${parentId}\u0000${functionName}\u0000${index}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// Random bytes drawn from a pooled buffer: one randomFillSync per 512 span ids instead of a call per event
// (randomBytes per event was a fifth of the embedded runtime's CPU).
const POOL = Buffer.alloc(4096);
let poolOffset = POOL.length;

/** `bytes` random bytes as lower-case hex. */
export function randomHex(bytes: number): string {
  if (poolOffset + bytes > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  const hex = POOL.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * A traceparent for an event caused by one carrying `parent`: same trace id and flags, a new span id.
 * Without a valid parent, a new trace.
 * @see https://www.w3.org/TR/trace-context/#traceparent-header
 */
export function childTraceparent(parent: string | undefined): string {
  const p = parseTraceparent(parent);
  const span = randomHex(8);
  return p ? `00-${p.traceId}-${span}-${p.flags}` : `00-${randomHex(16)}-${span}-01`;
}

/** The parts of a version-00 traceparent, or undefined when it is not one. */
export function parseTraceparent(value: unknown): { traceId: string; spanId: string; flags: string } | undefined {
  const m = typeof value === 'string' ? TRACEPARENT.exec(value) : null;
  return m ? { traceId: m[1]!, spanId: m[2]!, flags: m[3]! } : undefined;
}

/** Whether a string is a valid version-00 traceparent. */
export function isTraceparent(value: unknown): value is string {
  return typeof value === 'string' && TRACEPARENT.test(value);
}
