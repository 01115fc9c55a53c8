/**
 * Deduplication of deliveries. Delivery is at-least-once on every target, so the pipeline claims each
 * event per function before running the handler and marks it completed after.
 */

/** What `begin` found. */
export type ClaimState = 'new' | 'in-progress' | 'completed';

/**
 * Which delivery a claim is about: one function (`scope`) reading one event (`source` + `id`, unique
 * together per CloudEvents). Structured, so a store need not build (and keep) one string per claim.
 */
export interface IdempotencyKey {
  readonly scope: string;
  readonly source: string;
  readonly id: string;
}

/** The key as one string, for stores that keep string keys (DynamoDB's partition key). */
export function idempotencyKeyString(key: IdempotencyKey): string {
  return `${key.scope}\u0000${key.source}\u0000${key.id}`;
}

type MaybePromise<T> = T | Promise<T>;

/** A store of claimed keys. Cloud stores: DynamoDB, Table Storage or Cosmos DB, Firestore. */
export interface IdempotencyStore {
  /** Claims `key` for `ttlSeconds` unless it is already claimed or completed. */
  begin(key: IdempotencyKey, ttlSeconds: number): MaybePromise<ClaimState>;
  /** Marks `key` completed for `ttlSeconds`: later deliveries of it are duplicates. */
  complete(key: IdempotencyKey, ttlSeconds: number): MaybePromise<void>;
  /** Gives up a claim after a failed attempt, so the retry can run. */
  release(key: IdempotencyKey): MaybePromise<void>;
}

export interface InMemoryIdempotencyOptions {
  /** Event ids kept per function and source at most; past it the oldest half is forgotten (a long-running dev server must not grow without end). @default 100000 */
  readonly maxEntries?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * In memory, for `herald dev` and tests. Event ids are kept per function and source, so a claim looks up
 * the event's own id string (no key built per delivery). Bounded: ids expire by their time to live, and
 * past `maxEntries` the oldest are forgotten generationally: claims go into the young map; when it is full
 * the old map is dropped whole and the young one takes its place. (Evicting key by key from one Map made
 * every eviction scan the Map's deleted slots.)
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly scopes = new Map<string, Map<string, Generations>>();
  private readonly now: () => number;
  private readonly generation: number;

  constructor(options: InMemoryIdempotencyOptions | (() => number) = {}) {
    const o = typeof options === 'function' ? { now: options } : options;
    this.now = o.now ?? Date.now;
    this.generation = Math.max(1, Math.ceil((o.maxEntries ?? 100_000) / 2));
  }

  begin(key: IdempotencyKey, ttlSeconds: number): ClaimState {
    const ids = this.idsOf(key);
    const now = this.now();
    // Each value is the expiry in epoch ms, negative while in progress: no object per id.
    const value = ids.young.get(key.id) ?? ids.old.get(key.id);
    if (value !== undefined && Math.abs(value) > now) return value < 0 ? 'in-progress' : 'completed';
    if (value !== undefined) ids.old.delete(key.id);
    ids.young.set(key.id, -(now + ttlSeconds * 1_000));
    if (ids.young.size >= this.generation) {
      ids.old = ids.young;
      ids.young = new Map();
    }
    return 'new';
  }

  complete(key: IdempotencyKey, ttlSeconds: number): void {
    // An id found in the old generation is renewed in the young one: one write, and it lives longer.
    this.idsOf(key).young.set(key.id, this.now() + ttlSeconds * 1_000);
  }

  release(key: IdempotencyKey): void {
    const ids = this.idsOf(key);
    ids.young.delete(key.id);
    ids.old.delete(key.id);
  }

  /** Ids held, in all. */
  get size(): number {
    let n = 0;
    for (const sources of this.scopes.values()) for (const ids of sources.values()) n += ids.young.size + ids.old.size;
    return n;
  }

  private idsOf(key: IdempotencyKey): Generations {
    let sources = this.scopes.get(key.scope);
    if (!sources) this.scopes.set(key.scope, (sources = new Map()));
    let ids = sources.get(key.source);
    if (!ids) sources.set(key.source, (ids = { young: new Map(), old: new Map() }));
    return ids;
  }
}

interface Generations {
  young: Map<string, number>;
  old: Map<string, number>;
}
