/**
 * Signed webhook requests seen recently, so a replay of one (the same signed request sent again while its
 * signature still verifies) is answered as a duplicate of the first instead of published again. Keyed on
 * the webhook and the request's signature; an entry is needed only until its signature stops verifying.
 *
 * Bounded by time, in two generations: claims go into the current map, and every `windowSeconds` (the
 * longest an entry can be needed) the previous map is dropped whole and the current one takes its place,
 * so every entry is kept at least as long as it is needed and at most twice that. A flood past
 * `maxEntries` within one window rotates early: memory stays bounded, at the price of forgetting early.
 */
import { SIGNATURE_TOLERANCE_SECONDS } from '../../contracts';

export interface ReplayGuardOptions {
  /**
   * The longest an entry is needed, in seconds: a signed time may be up to the tolerance ahead of now, and
   * its signature verifies for the tolerance after it. @default twice SIGNATURE_TOLERANCE_SECONDS
   */
  readonly windowSeconds?: number;
  /** Entries per generation at most. @default 100000 */
  readonly maxEntries?: number;
  /** Unix seconds. @default the system clock */
  readonly now?: () => number;
}

interface Seen {
  /** The event id the first request was accepted as. */
  readonly id: string;
  /** Unix seconds after which a replay no longer verifies anyway. */
  readonly until: number;
}

export class ReplayGuard {
  private current = new Map<string, Seen>();
  private previous = new Map<string, Seen>();
  private rotatedAt: number;
  private readonly windowSeconds: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: ReplayGuardOptions = {}) {
    this.windowSeconds = options.windowSeconds ?? 2 * SIGNATURE_TOLERANCE_SECONDS;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.now ?? (() => Date.now() / 1000);
    this.rotatedAt = this.now();
  }

  /**
   * Records a request about to be published as event `id`, valid until `until` (unix seconds).
   * @returns the first request's event id when this one is a replay of it; undefined when it is new
   */
  claim(webhook: string, signature: string, until: number, id: string): string | undefined {
    const now = this.now();
    if (now - this.rotatedAt >= this.windowSeconds || this.current.size >= this.maxEntries) this.rotate(now);
    const key = `${webhook}\u0000${signature}`;
    const seen = this.current.get(key) ?? this.previous.get(key);
    if (seen && seen.until >= now) return seen.id;
    this.current.set(key, { id, until });
    return undefined;
  }

  /** Forgets a claim whose event could not be published, so the sender's retry is not taken for a replay. */
  release(webhook: string, signature: string): void {
    const key = `${webhook}\u0000${signature}`;
    this.current.delete(key);
    this.previous.delete(key);
  }

  /** Requests remembered, in both generations. */
  get size(): number {
    return this.current.size + this.previous.size;
  }

  private rotate(now: number): void {
    // After two windows without a claim, the current generation is as stale as the previous one.
    this.previous = now - this.rotatedAt >= 2 * this.windowSeconds ? new Map() : this.current;
    this.current = new Map();
    this.rotatedAt = now;
  }
}
