/**
 * Every bound of the embedded runtime's stores and requests, in one place: the stores take their
 * defaults from here, and `herald dev` prints them at start (`describeLimits`). Each store is bounded by
 * count and by bytes (or age), so no client can make a long-running dev server grow without end.
 */
import { MAX_EVENT_BYTES } from '../../contracts';

export const LOCAL_LIMITS = {
  /** One event, envelope included (the clouds' limit), and one `POST /events` batch. */
  request: { maxEventBytes: MAX_EVENT_BYTES, maxBatchBytes: 4 * 1024 * 1024 },
  /** Dead letters kept (oldest dropped first). */
  deadLetters: { maxCount: 10_000, maxBytes: 64 * 1024 * 1024 },
  /** Traces kept by correlation id (oldest dropped first), deliveries recorded per trace, and how long one lives. */
  traces: { maxTraces: 10_000, maxEntriesPerTrace: 1_000, maxBytes: 32 * 1024 * 1024, maxAgeMs: 60 * 60 * 1000 },
  /** Event ids remembered per function for deduplication, whatever their sources, and for how long. */
  idempotency: { maxEntriesPerFunction: 100_000, ttlSeconds: 86_400 },
} as const;

/** The limits' shape, with any values (tests, a larger machine). */
export type LocalLimits = { readonly [K in keyof typeof LOCAL_LIMITS]: { readonly [F in keyof (typeof LOCAL_LIMITS)[K]]: number } };

const mb = (bytes: number) => (bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MB` : `${bytes / 1024} KB`);

/** The limits in one line, as `herald dev` prints them. */
export function describeLimits(l: LocalLimits = LOCAL_LIMITS): string {
  return [
    `events ≤ ${mb(l.request.maxEventBytes)} (batches ≤ ${mb(l.request.maxBatchBytes)})`,
    `dead letters ≤ ${l.deadLetters.maxCount} / ${mb(l.deadLetters.maxBytes)}`,
    `traces ≤ ${l.traces.maxTraces} ids × ${l.traces.maxEntriesPerTrace} / ${mb(l.traces.maxBytes)}, ${l.traces.maxAgeMs / 60_000} min`,
    `dedupe ≤ ${l.idempotency.maxEntriesPerFunction} ids per function, ${l.idempotency.ttlSeconds / 3600} h`,
  ].join(' · ');
}
