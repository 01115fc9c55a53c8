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

/** In memory, for `herald dev` and tests; entries expire lazily and by a periodic sweep on insert. */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, { state: 'in-progress' | 'completed'; expires: number }>();
  private inserts = 0;

  constructor(private readonly now: () => number = Date.now) {}

  begin(key: string, ttlSeconds: number): ClaimState {
    const now = this.now();
    const entry = this.entries.get(key);
    if (entry && entry.expires > now) return entry.state;
    this.entries.set(key, { state: 'in-progress', expires: now + ttlSeconds * 1_000 });
    if (++this.inserts % 10_000 === 0) this.sweep(now);
    return 'new';
  }

  complete(key: string, ttlSeconds: number): void {
    this.entries.set(key, { state: 'completed', expires: this.now() + ttlSeconds * 1_000 });
  }

  release(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expires <= now) this.entries.delete(key);
  }
}
