/**
 * Deduplication of deliveries. Delivery is at-least-once on every target, so the pipeline claims each
 * event id per function before running the handler and marks it completed after.
 */

/** What `begin` found. */
export type ClaimState = 'new' | 'in-progress' | 'completed';

type MaybePromise<T> = T | Promise<T>;

/** A store of claimed keys. Cloud stores: DynamoDB, Table Storage or Cosmos DB, Firestore. */
export interface IdempotencyStore {
  /** Claims `key` for `ttlSeconds` unless it is already claimed or completed. */
  begin(key: string, ttlSeconds: number): MaybePromise<ClaimState>;
  /** Marks `key` completed for `ttlSeconds`: later deliveries of it are duplicates. */
  complete(key: string, ttlSeconds: number): MaybePromise<void>;
  /** Gives up a claim after a failed attempt, so the retry can run. */
  release(key: string): MaybePromise<void>;
}

export interface InMemoryIdempotencyOptions {
  /** Keys kept at most; past it the oldest half is forgotten (a long-running dev server must not grow without end). @default 100000 */
  readonly maxEntries?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * In memory, for `herald dev` and tests. Bounded: keys expire by their time to live, and past
 * `maxEntries` the oldest are forgotten — generationally: claims go into the young map; when it is full
 * the old map is dropped whole and the young one takes its place. (Evicting key by key from one Map made
 * every eviction scan the Map's deleted slots, a quarter of the embedded runtime's CPU.)
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  // Each value is the expiry in epoch ms, negative while the key is in progress: no object per key.
  private young = new Map<string, number>();
  private old = new Map<string, number>();
  private readonly now: () => number;
  private readonly generation: number;

  constructor(options: InMemoryIdempotencyOptions | (() => number) = {}) {
    const o = typeof options === 'function' ? { now: options } : options;
    this.now = o.now ?? Date.now;
    this.generation = Math.max(1, Math.ceil((o.maxEntries ?? 100_000) / 2));
  }

  begin(key: string, ttlSeconds: number): ClaimState {
    const now = this.now();
    const value = this.young.get(key) ?? this.old.get(key);
    if (value !== undefined && Math.abs(value) > now) return value < 0 ? 'in-progress' : 'completed';
    if (value !== undefined) this.old.delete(key);
    this.young.set(key, -(now + ttlSeconds * 1_000));
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
    return 'new';
  }

  complete(key: string, ttlSeconds: number): void {
    const expires = this.now() + ttlSeconds * 1_000;
    // A key found in the old generation is renewed in the young one: one write, and it lives longer.
    this.young.set(key, expires);
  }

  release(key: string): void {
    this.young.delete(key);
    this.old.delete(key);
  }

  /** Keys held (at most `maxEntries`). */
  get size(): number {
    return this.young.size + this.old.size;
  }
}
