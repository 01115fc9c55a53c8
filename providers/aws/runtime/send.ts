/**
 * What every AWS batch-send API needs around it: chunks within the API's count and size limits, retry of
 * the entries the service reports as failed (each batch API answers 200 with per-entry errors), with
 * exponential backoff and full jitter, and one error naming every entry that still failed.
 */
import { PublishError } from '../../../runtime/publisher';

/** One entry the service refused, and whether sending it again can help. */
export interface EntryFailure {
  readonly index: number;
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

export interface RetryOptions {
  /** Calls per entry, the first included. @default 4 */
  readonly attempts?: number;
  /** @default 100 */
  readonly baseMs?: number;
  /** @default 2000 */
  readonly capMs?: number;
  /** @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Math.random */
  readonly random?: () => number;
}

/** Splits items into chunks of at most `maxCount` items and `maxBytes` bytes (an item over the limit goes alone). */
export function chunk<T>(items: readonly T[], maxCount: number, maxBytes: number, sizeOf: (item: T) => number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length && (current.length >= maxCount || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/**
 * Sends `items` chunk by chunk with `send` (which answers the failed entries of its chunk by index),
 * retrying the retryable failures with backoff.
 * @throws PublishError naming every item that failed in the end (or whose chunk threw).
 */
export async function sendAll<T>(
  target: string,
  items: readonly T[],
  idOf: (item: T) => string,
  chunks: (items: readonly T[]) => T[][],
  send: (chunk: readonly T[]) => Promise<EntryFailure[]>,
  options: RetryOptions = {},
): Promise<void> {
  const attempts = options.attempts ?? 4;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const final: { id: string; code: string; message: string }[] = [];
  let pending = [...items];
  let cause: unknown;
  for (let attempt = 1; pending.length; attempt++) {
    const again: T[] = [];
    for (const part of chunks(pending)) {
      let failures: EntryFailure[];
      try {
        failures = await send(part);
      } catch (error) {
        // The SDK already retried transport errors and throttles: the whole chunk failed.
        cause = error;
        failures = part.map((_, index) => ({ index, code: (error as Error).name ?? 'Error', message: (error as Error).message ?? String(error), retryable: false }));
      }
      for (const f of failures) {
        const item = part[f.index];
        if (item === undefined) continue; // an index outside the request: nothing to resend
        if (f.retryable && attempt < attempts) again.push(item);
        else final.push({ id: idOf(item), code: f.code, message: f.message });
      }
    }
    pending = again;
    if (pending.length) {
      const ceiling = Math.min(options.capMs ?? 2_000, (options.baseMs ?? 100) * 2 ** (attempt - 1));
      await sleep(Math.floor(random() * ceiling));
    }
  }
  if (final.length) throw new PublishError(target, final, cause === undefined ? undefined : { cause });
}
