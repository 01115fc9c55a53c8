/**
 * The dead letters of a local runtime: every event a function gave up on, with why and after how many
 * attempts, kept until it is redriven. `GET /dlq` and `herald dlq` read this list.
 */
import type { Envelope } from '../../contracts';

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

/**
 * In memory; bounded so a flood of failures cannot exhaust memory (the oldest go first). One event id
 * has at most one dead letter per subscription: copies of an event that each gave up (say, each failed
 * to decode) are one dead letter, the first, so a redrive delivers the event once.
 */
export class DeadLetterStore {
  private letters: DeadLetter[] = [];
  /** The letters held, by subscription and event id. */
  private readonly held = new Set<string>();

  /** @param max dead letters kept @default 10000 */
  constructor(private readonly max = 10_000) {}

  /** Keeps `letter` unless its subscription already holds a dead letter of that event id. Whether it was kept. */
  add(letter: DeadLetter): boolean {
    const name = heldName(letter);
    if (this.held.has(name)) return false;
    this.held.add(name);
    this.letters.push(letter);
    if (this.letters.length > this.max) this.drop(this.letters.splice(0, this.letters.length - this.max));
    return true;
  }

  /** Every dead letter, oldest first. */
  list(): readonly DeadLetter[] {
    return [...this.letters];
  }

  get size(): number {
    return this.letters.length;
  }

  /** Removes and returns the dead letters to redrive: all, or those of one event id. */
  take(id?: string): DeadLetter[] {
    if (id === undefined) {
      const all = this.letters;
      this.letters = [];
      this.held.clear();
      return all;
    }
    const taken = this.letters.filter((l) => l.id === id);
    if (taken.length) {
      this.letters = this.letters.filter((l) => l.id !== id);
      this.drop(taken);
    }
    return taken;
  }

  /** Puts dead letters back (a redrive whose target is gone). */
  restore(letters: readonly DeadLetter[]): void {
    for (const letter of letters) this.add(letter);
  }

  private drop(letters: readonly DeadLetter[]): void {
    for (const letter of letters) this.held.delete(heldName(letter));
  }
}

function heldName(letter: DeadLetter): string {
  return `${letter.subscription}\u0000${letter.id}`;
}
