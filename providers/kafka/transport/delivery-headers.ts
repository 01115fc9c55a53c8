/**
 * Herald's own headers on the records it writes to retry and dead-letter topics: which subscription a
 * record is for, which attempt comes next and when, and for a dead letter why it gave up and what each
 * attempt did. They ride beside the CloudEvents `ce_` headers (binding.ts), prefixed `herald-` so the two
 * never collide, and a reader of the binding ignores them.
 *
 * Reading is tolerant: a record written by an older worker, or by hand, may lack a header or carry a
 * malformed one; each such value reads as undefined and the caller decides (a retry without a not-before
 * runs at once). Writing bounds every text so a header stays small however long the errors are.
 */
import type { KafkaRecordIn } from './binding';

/** What every Herald delivery header starts with (never `ce_`). */
export const HERALD_HEADER_PREFIX = 'herald-';

/** The header names, all lower-case. */
export const DELIVERY_HEADERS = {
  /** Which subscription the record is for: a retry or redrive record is read only by it. */
  subscription: 'herald-subscription',
  /** The attempt the next delivery is, 1-based. */
  attempt: 'herald-attempt',
  /** Epoch milliseconds; a retry waits until then. */
  notBefore: 'herald-not-before',
  /** Why the event was dead-lettered. */
  reason: 'herald-reason',
  /** Attempts made before giving up. */
  attempts: 'herald-attempts',
  /** The last error, `Name: message`. */
  lastError: 'herald-last-error',
  /** The function that gave up on the event. */
  function: 'herald-function',
  /** ISO 8601, when the event was dead-lettered. */
  deadLetteredAt: 'herald-dead-lettered-at',
  /** JSON array of `{attempt, at, outcome, reason}`, the last MAX_HISTORY entries. */
  history: 'herald-history',
} as const;

/** History entries a header keeps: the last ones, so a long retry chain cannot grow a record without bound. */
export const MAX_HISTORY = 20;
/** Characters of a reason or an error a header keeps; a stack trace in a message is cut, marked with `…`. */
export const MAX_TEXT = 4096;
/** Characters of each history entry's reason (twenty of them ride on every retry). */
export const MAX_HISTORY_REASON = 256;

/** What one attempt did. */
export interface AttemptEntry {
  /** 1-based. */
  readonly attempt: number;
  /** ISO 8601, when it ended. */
  readonly at: string;
  /** The pipeline's outcome for it, e.g. `retry`, `dead-letter`. */
  readonly outcome: string;
  readonly reason?: string;
}

/** The headers of a record sent to a retry topic (a retry, or a redrive from attempt 1). */
export interface RetryHeaders {
  readonly subscription: string;
  /** The attempt the next delivery is, 1-based. */
  readonly attempt: number;
  /** Epoch ms before which the retry is not run; 0 for at once (a redrive). */
  readonly notBefore: number;
  /** The attempts so far, oldest first; capped to the last MAX_HISTORY when written. @default none */
  readonly history?: readonly AttemptEntry[];
}

/** The headers of a record sent to a dead-letter topic. */
export interface DeadLetterHeaders {
  readonly subscription: string;
  readonly function: string;
  readonly reason: string;
  readonly attempts: number;
  /** @default the reason */
  readonly lastError?: string;
  /** When it was dead-lettered. */
  readonly deadLetteredAt: Date | string;
  /** @default none */
  readonly history?: readonly AttemptEntry[];
}

/** Every delivery header a record carries, each undefined when absent or malformed. */
export interface DeliveryHeaders {
  readonly subscription?: string;
  readonly attempt?: number;
  readonly notBefore?: number;
  readonly reason?: string;
  readonly attempts?: number;
  readonly lastError?: string;
  readonly function?: string;
  readonly deadLetteredAt?: string;
  readonly history?: readonly AttemptEntry[];
}

/** Headers for a retry-topic record, to pass to `encodeRecord` as its `extra`. */
export function writeRetryHeaders(retry: RetryHeaders): Record<string, string> {
  const headers: Record<string, string> = {
    [DELIVERY_HEADERS.subscription]: retry.subscription,
    [DELIVERY_HEADERS.attempt]: String(retry.attempt),
    [DELIVERY_HEADERS.notBefore]: String(Math.max(0, Math.floor(retry.notBefore))),
  };
  if (retry.history?.length) headers[DELIVERY_HEADERS.history] = historyText(retry.history);
  return headers;
}

/** Headers for a dead-letter-topic record, to pass to `encodeRecord` as its `extra`. */
export function writeDeadLetterHeaders(letter: DeadLetterHeaders): Record<string, string> {
  const at = letter.deadLetteredAt;
  const headers: Record<string, string> = {
    [DELIVERY_HEADERS.subscription]: letter.subscription,
    [DELIVERY_HEADERS.function]: letter.function,
    [DELIVERY_HEADERS.reason]: cut(letter.reason, MAX_TEXT),
    [DELIVERY_HEADERS.attempts]: String(letter.attempts),
    [DELIVERY_HEADERS.lastError]: cut(letter.lastError ?? letter.reason, MAX_TEXT),
    [DELIVERY_HEADERS.deadLetteredAt]: typeof at === 'string' ? at : at.toISOString(),
  };
  if (letter.history?.length) headers[DELIVERY_HEADERS.history] = historyText(letter.history);
  return headers;
}

/** `history` with `entry` added, capped to the last MAX_HISTORY. */
export function appendHistory(history: readonly AttemptEntry[] | undefined, entry: AttemptEntry): AttemptEntry[] {
  const all = history ? [...history, entry] : [entry];
  return all.length > MAX_HISTORY ? all.slice(all.length - MAX_HISTORY) : all;
}

/** Herald's delivery headers of a consumed record (kafkajs hands Buffers); absent or malformed → undefined. */
export function readDeliveryHeaders(headers: KafkaRecordIn['headers']): DeliveryHeaders {
  if (!headers || !hasDeliveryHeader(headers)) return NONE;
  const text = (name: string) => headerText(headers[name]);
  const result: { -readonly [K in keyof DeliveryHeaders]: DeliveryHeaders[K] } = {};
  const subscription = text(DELIVERY_HEADERS.subscription);
  if (subscription) result.subscription = subscription;
  const attempt = count(text(DELIVERY_HEADERS.attempt));
  if (attempt !== undefined && attempt >= 1) result.attempt = attempt;
  const notBefore = count(text(DELIVERY_HEADERS.notBefore));
  if (notBefore !== undefined) result.notBefore = notBefore;
  const reason = text(DELIVERY_HEADERS.reason);
  if (reason !== undefined) result.reason = reason;
  const attempts = count(text(DELIVERY_HEADERS.attempts));
  if (attempts !== undefined) result.attempts = attempts;
  const lastError = text(DELIVERY_HEADERS.lastError);
  if (lastError !== undefined) result.lastError = lastError;
  const fn = text(DELIVERY_HEADERS.function);
  if (fn) result.function = fn;
  const at = text(DELIVERY_HEADERS.deadLetteredAt);
  if (at && !Number.isNaN(Date.parse(at))) result.deadLetteredAt = at;
  const history = parseHistory(text(DELIVERY_HEADERS.history));
  if (history !== undefined) result.history = history;
  return result;
}

/** A record with none of them (every event as first published): nothing to read, nothing made. */
const NONE: DeliveryHeaders = Object.freeze({});
const NAMES: readonly string[] = Object.values(DELIVERY_HEADERS);

function hasDeliveryHeader(headers: NonNullable<KafkaRecordIn['headers']>): boolean {
  for (let i = 0; i < NAMES.length; i++) if (headers[NAMES[i]!] !== undefined) return true;
  return false;
}

/** A header's text: the last value of a repeated header (the newest a writer appended). */
function headerText(value: Buffer | string | (Buffer | string)[] | undefined): string | undefined {
  if (Array.isArray(value)) value = value[value.length - 1];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.toString('utf8');
}

/** A non-negative integer written in decimal digits, or undefined. */
function count(text: string | undefined): number | undefined {
  if (text === undefined || !/^[0-9]{1,16}$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

function historyText(history: readonly AttemptEntry[]): string {
  const kept = history.length > MAX_HISTORY ? history.slice(history.length - MAX_HISTORY) : history;
  return JSON.stringify(kept.map((e) => ({
    attempt: e.attempt, at: e.at, outcome: e.outcome, ...(e.reason !== undefined ? { reason: cut(e.reason, MAX_HISTORY_REASON) } : {}),
  })));
}

/** The well-formed entries of a history header; undefined when it is absent or not a JSON array. */
function parseHistory(text: string | undefined): AttemptEntry[] | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  const entries: AttemptEntry[] = [];
  for (const item of value) {
    if (typeof item !== 'object' || item === null) continue;
    const { attempt, at, outcome, reason } = item as Record<string, unknown>;
    if (!Number.isSafeInteger(attempt) || (attempt as number) < 1 || typeof at !== 'string' || typeof outcome !== 'string') continue;
    entries.push({ attempt: attempt as number, at, outcome, ...(typeof reason === 'string' ? { reason } : {}) });
  }
  return entries;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
