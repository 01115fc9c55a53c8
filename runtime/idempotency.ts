/**
 * Deduplication of deliveries. Delivery is at-least-once on every target, and a publisher may send one
 * event several times, so copies of an event can arrive at a function together. The pipeline claims each
 * event per function before running the handler; the store decides, for every copy, whether it runs the
 * handler now, waits for (or comes back after) the delivery that holds the claim, or is a duplicate.
 * The store also counts the attempts on an event, whichever copy made them, so copies cannot multiply
 * the attempts a failing event gets, and it remembers an event given up on, so its copies are not
 * dead-lettered again.
 */
import { createHash } from 'node:crypto';

/** What `begin` found for a key. */
export type Claim =
  /** The key is this delivery's: run the handler as attempt `attempt` (1-based; every claim granted on the key counts). */
  | { readonly state: 'claimed'; readonly attempt: number }
  /** Another delivery holds the key; its hold lapses at `until`, epoch ms (a holder that died never settles it). */
  | { readonly state: 'in-progress'; readonly until: number }
  /** Handled: later copies are duplicates. */
  | { readonly state: 'completed' }
  /** Given up on (dead-lettered): later copies are duplicates too, until a redrive `forget`s the key. */
  | { readonly state: 'dead-lettered' };

export type ClaimState = Claim['state'];

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

/**
 * A store of claims. Cloud stores: DynamoDB, Table Storage or Cosmos DB, Firestore; embedded: memory,
 * SQLite. Each record lives `ttlSeconds` from its last change; the claim methods other than `begin` are
 * called only by the delivery that holds the claim.
 */
export interface IdempotencyStore {
  /**
   * Claims `key` when it is new, released after a failed attempt (the attempt count goes on), or held
   * by a holder whose hold has lapsed. Otherwise says why not. Atomic across every delivery that shares
   * the store.
   */
  begin(key: IdempotencyKey, ttlSeconds: number): MaybePromise<Claim>;
  /** Marks `key` handled: later copies are duplicates. */
  complete(key: IdempotencyKey, ttlSeconds: number): MaybePromise<void>;
  /**
   * After a failed attempt that will be retried: frees the claim, keeping the attempt count. (No time
   * before which it stays refused: a retry timer may fire a little early by the wall clock, and some
   * triggers retry at once, ignoring the backoff; neither may find its own event refused.)
   */
  release(key: IdempotencyKey, ttlSeconds: number): MaybePromise<void>;
  /** After the last attempt (the event is dead-lettered): later copies are duplicates. */
  giveUp(key: IdempotencyKey, ttlSeconds: number): MaybePromise<void>;
  /** Forgets `key` entirely: a redriven event starts again from attempt 1. */
  forget(key: IdempotencyKey): MaybePromise<void>;
  /**
   * Resolves once the event is done with: completed, given up or forgotten; at once when no delivery
   * holds `key` now. A release does not resolve it: the failed delivery's own retry claims the event
   * next, after its backoff, and copies stay out of its way. Only a store that sees its holders settle
   * offers it, and only for claims held in this process: it answers undefined otherwise, and the copy
   * comes back later instead. (An embedded store that survives a crash must not report a claim left by
   * the dead process as held here: it resets those when it opens, or answers undefined for them.)
   */
  whenSettled?(key: IdempotencyKey): Promise<void> | undefined;
}

export interface InMemoryIdempotencyOptions {
  /**
   * Event ids kept per function at most, whatever their sources; past it the oldest half is forgotten (a
   * long-running dev server must not grow without end, even when every event names its own source). @default 100000
   */
  readonly maxEntries?: number;
  /** @default Date.now */
  readonly now?: () => number;
  /** Where a durable store records what it must remember across a restart (sqlite/idempotency.ts in the embedded runtime). */
  readonly journal?: IdempotencyJournal;
}

/** What a record ended as: what a restart must remember. */
export type SettledState = 'completed' | 'dead-lettered';

/**
 * Where a durable store records the records that outlive a restart: handled and given-up events, and
 * redrives that forget them. Claims in flight and released ones are not recorded: a claim of a process
 * that died is nobody's, and the transport keeps each delivery's attempt count itself. Called in the
 * same turn as the change, so the write joins the group commit of the settlement that caused it.
 * Records are named by function (`scope`) and `record`, the event's key within it (source and id, or
 * their hash when long).
 */
export interface IdempotencyJournal {
  settled(scope: string, record: string, state: SettledState, expires: number): void;
  forgotten(scope: string, record: string): void;
  /** A function's oldest records were forgotten to bound the store: it keeps about `kept` of them now. */
  rotated(scope: string, kept: number): void;
}

const IN_PROGRESS = 0;
const RELEASED = 1;
const COMPLETED = 2;
const DEAD_LETTERED = 3;

/** One event id's record. Mutated in place: a claim, its settling and a retry touch one object. */
interface Entry {
  state: typeof IN_PROGRESS | typeof RELEASED | typeof COMPLETED | typeof DEAD_LETTERED;
  /** Epoch ms when the record is forgotten. */
  expires: number;
  /** Claims granted so far. */
  attempts: number;
}

// Shared answers: the common claims allocate nothing.
const FIRST: Claim = Object.freeze({ state: 'claimed', attempt: 1 });
const HANDLED: Claim = Object.freeze({ state: 'completed' });
const GIVEN_UP: Claim = Object.freeze({ state: 'dead-lettered' });

/** Longest source and id kept as they are; longer ones are kept as their SHA-256, so a record's size is bounded. */
const MAX_PLAIN_KEY = 160;

/**
 * The hash a key's record is kept under; undefined for a plain key, kept under its source and id as they are.
 * Long keys are hashed, and so is one whose source holds a NUL: the journal names a plain record `source NUL
 * id` (`recordName`), read back by splitting at the first NUL.
 */
function hashOf(key: IdempotencyKey): string | undefined {
  if (key.source.length + key.id.length < MAX_PLAIN_KEY && !key.source.includes('\u0000')) return undefined;
  return createHash('sha256').update(key.source).update('\u0000').update(key.id).digest('base64');
}

/** The journal's name of a key's record: its hash, or `source NUL id`. */
const recordName = (key: IdempotencyKey, hash: string | undefined) => hash ?? `${key.source}\u0000${key.id}`;

/**
 * One generation of a function's records: by source, then by the event id string itself (no key string built
 * and hashed per call: the id's hash is computed once, at the claim, and its settling finds it cached); records
 * of hashed keys by their hash.
 */
class Generation {
  private readonly bySource = new Map<string, Map<string, Entry>>();
  private readonly hashed = new Map<string, Entry>();
  size = 0;

  get(key: IdempotencyKey, hash: string | undefined): Entry | undefined {
    return hash === undefined ? this.bySource.get(key.source)?.get(key.id) : this.hashed.get(hash);
  }

  /** Stores `entry` as `key`'s record; counts it when new. */
  set(key: IdempotencyKey, hash: string | undefined, entry: Entry): void {
    let records = this.hashed;
    if (hash === undefined) {
      const known = this.bySource.get(key.source);
      if (known) records = known;
      else this.bySource.set(key.source, (records = new Map()));
    }
    const before = records.size;
    records.set(hash ?? key.id, entry);
    this.size += records.size - before;
  }

  delete(key: IdempotencyKey, hash: string | undefined): void {
    const records = hash === undefined ? this.bySource.get(key.source) : this.hashed;
    if (records?.delete(hash ?? key.id)) this.size--;
  }
}

interface Generations {
  young: Generation;
  old: Generation;
}

/**
 * In memory, for `herald dev` and tests. Records are kept per function, then source, under the event's own id
 * string. Bounded: ids expire by their time to live, and past `maxEntries` the oldest are forgotten
 * generationally: records go into the young generation; when it is full the old one is dropped whole and the
 * young one takes its place. (Evicting key by key from one Map made every eviction scan the Map's deleted
 * slots.) Every holder is in this process, so a copy can wait for the claim to settle (`whenSettled`).
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  /** By function: its records, in two generations. */
  private readonly scopes = new Map<string, Generations>();
  /** Copies waiting for a claim to settle, by key string: only events with copies in flight are here. */
  private readonly waiters = new Map<string, Array<() => void>>();
  private readonly now: () => number;
  private readonly generation: number;
  private readonly journal: IdempotencyJournal | undefined;

  constructor(options: InMemoryIdempotencyOptions | (() => number) = {}) {
    const o = typeof options === 'function' ? { now: options } : options;
    this.now = o.now ?? Date.now;
    this.generation = Math.max(1, Math.ceil((o.maxEntries ?? 100_000) / 2));
    this.journal = o.journal;
  }

  /**
   * Puts back a record a journal kept before a restart (not journaled again), in the order they were
   * written: a later record of one event replaces an earlier one; `forgotten` drops it.
   */
  load(scope: string, record: string, state: SettledState | 'forgotten', expires: number): void {
    const ids = this.idsOf(scope);
    // `source NUL id` (recordName): a plain record; anything else is a hash.
    const nul = record.indexOf('\u0000');
    const key = nul < 0 ? { scope, source: '', id: '' } : { scope, source: record.slice(0, nul), id: record.slice(nul + 1) };
    const hash = nul < 0 ? record : undefined;
    if (state === 'forgotten' || expires <= this.now()) {
      ids.young.delete(key, hash);
      ids.old.delete(key, hash);
    } else {
      this.put(ids, key, hash, { state: state === 'completed' ? COMPLETED : DEAD_LETTERED, expires, attempts: 1 });
    }
  }

  begin(key: IdempotencyKey, ttlSeconds: number): Claim {
    const ids = this.idsOf(key.scope);
    const hash = hashOf(key);
    const now = this.now();
    const entry = ids.young.get(key, hash) ?? ids.old.get(key, hash);
    if (entry === undefined || entry.expires <= now) {
      this.put(ids, key, hash, { state: IN_PROGRESS, expires: now + ttlSeconds * 1_000, attempts: 1 });
      return FIRST;
    }
    switch (entry.state) {
      case COMPLETED: return HANDLED;
      case DEAD_LETTERED: return GIVEN_UP;
      // Every holder is in this process and settles its claim, so a claim holds until the record expires.
      case IN_PROGRESS: return { state: 'in-progress', until: entry.expires };
      default:
        entry.state = IN_PROGRESS;
        entry.expires = now + ttlSeconds * 1_000;
        this.put(ids, key, hash, entry);
        return { state: 'claimed', attempt: ++entry.attempts };
    }
  }

  complete(key: IdempotencyKey, ttlSeconds: number): void {
    this.settle(key, COMPLETED, ttlSeconds);
  }

  release(key: IdempotencyKey, ttlSeconds: number): void {
    this.settle(key, RELEASED, ttlSeconds);
  }

  giveUp(key: IdempotencyKey, ttlSeconds: number): void {
    this.settle(key, DEAD_LETTERED, ttlSeconds);
  }

  forget(key: IdempotencyKey): void {
    const ids = this.idsOf(key.scope);
    const hash = hashOf(key);
    ids.young.delete(key, hash);
    ids.old.delete(key, hash);
    this.journal?.forgotten(key.scope, recordName(key, hash));
    if (this.waiters.size) this.wake(key);
  }

  whenSettled(key: IdempotencyKey): Promise<void> {
    const ids = this.idsOf(key.scope);
    const hash = hashOf(key);
    const entry = ids.young.get(key, hash) ?? ids.old.get(key, hash);
    if (entry === undefined || entry.state !== IN_PROGRESS || entry.expires <= this.now()) return Promise.resolve();
    const name = idempotencyKeyString(key);
    return new Promise((resolve) => {
      const list = this.waiters.get(name);
      if (list) list.push(resolve);
      else this.waiters.set(name, [resolve]);
    });
  }

  /** Records held, in all (an id renewed from the old generation counts in both until the old one is dropped). */
  get size(): number {
    let n = 0;
    for (const ids of this.scopes.values()) n += ids.young.size + ids.old.size;
    return n;
  }

  private settle(key: IdempotencyKey, state: Entry['state'], ttlSeconds: number): void {
    const ids = this.idsOf(key.scope);
    const hash = hashOf(key);
    const expires = this.now() + ttlSeconds * 1_000;
    const young = ids.young.get(key, hash);
    const entry = young ?? ids.old.get(key, hash);
    if (entry) {
      entry.state = state;
      entry.expires = expires;
      // An id found in the old generation is renewed in the young one, so it lives as long as its record says.
      if (young === undefined) this.put(ids, key, hash, entry);
    } else {
      // Forgotten while held (evicted with the old generation): settled all the same.
      this.put(ids, key, hash, { state, expires, attempts: 1 });
    }
    if (state === RELEASED) return;
    this.journal?.settled(key.scope, recordName(key, hash), state === COMPLETED ? 'completed' : 'dead-lettered', expires);
    if (this.waiters.size) this.wake(key);
  }

  private put(ids: Generations, key: IdempotencyKey, hash: string | undefined, entry: Entry): void {
    ids.young.set(key, hash, entry);
    if (ids.young.size >= this.generation) {
      ids.old = ids.young;
      ids.young = new Generation();
      this.journal?.rotated(key.scope, this.generation);
    }
  }

  private wake(key: IdempotencyKey): void {
    const name = idempotencyKeyString(key);
    const list = this.waiters.get(name);
    if (!list) return;
    this.waiters.delete(name);
    for (const resolve of list) resolve();
  }

  private idsOf(scope: string): Generations {
    let ids = this.scopes.get(scope);
    if (!ids) this.scopes.set(scope, (ids = { young: new Generation(), old: new Generation() }));
    return ids;
  }
}
