/**
 * Exponential backoff with full jitter: a random delay in [0, min(cap, base × 2^(attempt-1))).
 * Full jitter spreads retries of a burst of failures instead of retrying them in lock-step.
 * @see https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
import { DEFAULT_BACKOFF } from '../contracts/delivery';

export interface BackoffOptions {
  /** @default 1000 */
  readonly baseMs?: number;
  /** @default 300000 */
  readonly capMs?: number;
  /** @default Math.random */
  readonly random?: () => number;
}

/** The ceiling for the delay before attempt `attempt + 1`, after attempt `attempt` failed. */
export function backoffCeiling(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const cap = options.capMs ?? DEFAULT_BACKOFF.capMs;
  return Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
}

/** The delay before the next attempt, after attempt `attempt` (1-based) failed. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  return Math.floor((options.random ?? Math.random)() * backoffCeiling(attempt, options));
}
