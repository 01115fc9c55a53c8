/**
 * The dead letters of a local runtime: every event a function gave up on, with why and after how many
 * attempts, kept until it is redriven. `GET /dlq` and `herald dlq` read this list.
 */
import type { Envelope } from '../../contracts';
import { LOCAL_LIMITS } from './limits';

/** One dead letter. `event` is the envelope exactly as it was delivered. */
export interface DeadLetter {
  /** The event's id. */
  readonly id: string;
  readonly type: string;
  readonly function: string;
  /** The subscription it came through: where a redrive sends it back to. */
  readonly subscription: string;
  /** Attempts made before giving up. */
  readonly attempts: number;
  /** Why it was dead-lettered, e.g. `gave up after 5 attempts: Error: …`. */
  readonly reason: string;
  /** The last error, `Name: message`. */
  readonly lastError: string;
  /** ISO 8601, when it was dead-lettered. */
  readonly at: string;
  readonly event: Envelope;
}

/** Which dead letters a list, redrive or purge means; every field given must match (none: all). */
export interface DeadLetterQuery {
  readonly id?: string;
  readonly function?: string;
  readonly subscription?: string;
  readonly type?: string;
}

/** Whether a dead letter matches a query. */
export function matchesQuery(letter: DeadLetter, q: DeadLetterQuery): boolean {
  return (q.id === undefined || letter.id === q.id) && (q.function === undefined || letter.function === q.function)
    && (q.subscription === undefined || letter.subscription === q.subscription) && (q.type === undefined || letter.type === q.type);
}

export interface DeadLetterLimits {
  /** Dead letters kept at most. @default 10000 */
  readonly maxCount?: number;
  /** Their events' JSON size in all at most. @default 64 MiB */
  readonly maxBytes?: number;
}

/**
 * Where a durable store records what changes (the state database: sqlite/dead-letters.ts). Called after
 * the change is made in memory, in the same turn, so its writes join the same group commit as the
 * transport's settlement or redrive that caused them.
 */
export interface DeadLetterJournal {
  added(letter: DeadLetter): void;
  removed(letters: readonly DeadLetter[]): void;
}

/** A page of a list: `limit` letters after skipping `offset`, oldest first. */
export interface Page {
  readonly offset?: number;
  readonly limit?: number;
}

/**
 * In memory; bounded by count and by bytes so a flood of failures cannot exhaust memory (the oldest go
 * first). One event id has at most one dead letter per subscription: copies of an event that each gave
 * up (say, each failed to decode) are one dead letter, the first, so a redrive delivers the event once.
 */
export class DeadLetterStore {
  private letters: DeadLetter[] = [];
  /** The letters held, by subscription and event id, with their size. */
  private readonly held = new Map<string, number>();
  private heldBytes = 0;
  readonly maxCount: number;
  readonly maxBytes: number;

  constructor(limits: DeadLetterLimits = {}, private readonly journal?: DeadLetterJournal) {
    this.maxCount = limits.maxCount ?? LOCAL_LIMITS.deadLetters.maxCount;
    this.maxBytes = limits.maxBytes ?? LOCAL_LIMITS.deadLetters.maxBytes;
  }

  /** Keeps `letter` unless its subscription already holds a dead letter of that event id. Whether it was kept. */
  add(letter: DeadLetter): boolean {
    const dropped = this.keep(letter);
    if (dropped === undefined) return false;
    this.journal?.added(letter);
    if (dropped.length) this.journal?.removed(dropped);
    return true;
  }

  /** Puts back dead letters kept before a restart (not journaled again), oldest first; returns those over the limits. */
  load(letters: Iterable<DeadLetter>): DeadLetter[] {
    const over: DeadLetter[] = [];
    for (const letter of letters) over.push(...(this.keep(letter) ?? [letter]));
    return over;
  }

  /** Keeps a letter in memory: the letters it pushed out, or undefined when its place was taken. */
  private keep(letter: DeadLetter): DeadLetter[] | undefined {
    const name = heldName(letter);
    if (this.held.has(name)) return undefined;
    const bytes = sizeOf(letter);
    this.held.set(name, bytes);
    this.heldBytes += bytes;
    this.letters.push(letter);
    let drop = 0;
    let bytesLeft = this.heldBytes;
    while (drop < this.letters.length - 1 && (this.letters.length - drop > this.maxCount || bytesLeft > this.maxBytes)) {
      bytesLeft -= this.held.get(heldName(this.letters[drop]!)) ?? 0;
      drop++;
    }
    const dropped = drop ? this.letters.splice(0, drop) : [];
    this.drop(dropped);
    return dropped;
  }

  /** The dead letters a query matches, oldest first, a page of them when asked. */
  list(query: DeadLetterQuery = {}, page: Page = {}): DeadLetter[] {
    const all = this.letters.filter((l) => matchesQuery(l, query));
    const offset = page.offset ?? 0;
    return all.slice(offset, page.limit === undefined ? undefined : offset + page.limit);
  }

  get size(): number {
    return this.letters.length;
  }

  /** Their events' JSON size in all. */
  get bytes(): number {
    return this.heldBytes;
  }

  /** Removes and returns the dead letters a query matches (all without one): to redrive them. */
  take(query: DeadLetterQuery = {}): DeadLetter[] {
    const taken: DeadLetter[] = [];
    const kept: DeadLetter[] = [];
    for (const l of this.letters) (matchesQuery(l, query) ? taken : kept).push(l);
    if (taken.length) {
      this.letters = kept;
      this.drop(taken);
      this.journal?.removed(taken);
    }
    return taken;
  }

  /** Deletes the dead letters a query matches for good; how many. */
  purge(query: DeadLetterQuery = {}): number {
    return this.take(query).length;
  }

  /** Puts dead letters back (a redrive whose target is gone). */
  restore(letters: readonly DeadLetter[]): void {
    for (const letter of letters) this.add(letter);
  }

  private drop(letters: readonly DeadLetter[]): void {
    for (const letter of letters) {
      const name = heldName(letter);
      this.heldBytes -= this.held.get(name) ?? 0;
      this.held.delete(name);
    }
  }
}

function heldName(letter: DeadLetter): string {
  return `${letter.subscription}\u0000${letter.id}`;
}

/** What a letter costs in memory, near enough: its event's JSON and its texts. */
function sizeOf(letter: DeadLetter): number {
  return JSON.stringify(letter.event).length + letter.reason.length + letter.lastError.length + 200;
}
