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

/** In memory; bounded so a flood of failures cannot exhaust memory (the oldest go first). */
export class DeadLetterStore {
  private letters: DeadLetter[] = [];

  /** @param max dead letters kept @default 10000 */
  constructor(private readonly max = 10_000) {}

  add(letter: DeadLetter): void {
    this.letters.push(letter);
    if (this.letters.length > this.max) this.letters.splice(0, this.letters.length - this.max);
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
      return all;
    }
    const taken = this.letters.filter((l) => l.id === id);
    if (taken.length) this.letters = this.letters.filter((l) => l.id !== id);
    return taken;
  }

  /** Puts dead letters back (a redrive whose target is gone). */
  restore(letters: readonly DeadLetter[]): void {
    for (const letter of letters) this.add(letter);
  }
}
