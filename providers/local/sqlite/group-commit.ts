/**
 * Group commit: the writes requested within one turn of the event loop (or within a small bounded window)
 * are applied in ONE transaction, and every caller's promise settles once that transaction committed.
 * A commit costs about the same for one row as for a thousand, so this is what lets the durable transport
 * answer many publishes and settle many deliveries per commit while each still resolves only once its own
 * rows are stored.
 */
import type { Database } from 'better-sqlite3';

/**
 * One write: runs synchronously inside the group's transaction and returns what its caller receives.
 * It must only touch the database (no other side effect): when another write of its group throws, the
 * group is rolled back and every write run again, each in its own savepoint, so that only the failing
 * one fails.
 */
export type Write<T> = (db: Database) => T;

interface Pending {
  readonly write: Write<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  /**
   * How long the first write of a group waits for others before the group commits, in ms. 0 commits
   * at the end of the current turn of the event loop (setImmediate): whatever the callbacks of this turn
   * asked for goes into one transaction, and no write waits for a timer.
   * @default 0
   */
  readonly windowMs?: number;
}

export class GroupCommit {
  private queue: Pending[] = [];
  private timer: NodeJS.Immediate | NodeJS.Timeout | undefined;
  private closed = false;
  private transactions = 0;
  private readonly windowMs: number;

  constructor(private readonly db: Database, options: GroupCommitOptions = {}) {
    this.windowMs = options.windowMs ?? 0;
    if (!(this.windowMs >= 0)) throw new RangeError(`the group-commit window must be ≥ 0 ms, got ${options.windowMs}`);
  }

  /** Transactions committed so far (diagnostics and tests: N writes of one turn make one). */
  get commits(): number {
    return this.transactions;
  }

  /**
   * Queues a write for the next group; resolves with its result once the group committed.
   * @rejects Error once closed; the write's own error, or the commit's (then every write of the group rejects)
   */
  write<T>(write: Write<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the state database is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      this.timer ??= this.windowMs > 0 ? setTimeout(this.flush, this.windowMs) : setImmediate(this.flush);
    });
  }

  /** Commits whatever is queued now, synchronously (close calls it; so may a caller that cannot wait). */
  readonly flush = (): void => {
    if (this.timer !== undefined) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = undefined;
    }
    const group = this.queue;
    if (!group.length) return;
    this.queue = [];
    let results: unknown[];
    try {
      results = this.db.transaction(() => group.map((p) => p.write(this.db)))();
    } catch {
      // One write (or the commit) failed: the whole group was rolled back. Run it again with each write in
      // its own savepoint, so only what fails again fails.
      this.oneByOne(group);
      return;
    }
    this.transactions++;
    for (let i = 0; i < group.length; i++) group[i]!.resolve(results[i]);
  };

  /** Commits what is queued and refuses further writes. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private oneByOne(group: readonly Pending[]): void {
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    const savepoint = this.db.transaction((write: Write<unknown>) => write(this.db));
    try {
      this.db.transaction(() => {
        for (const p of group) {
          try {
            outcomes.push({ ok: true, value: savepoint(p.write) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      })();
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing of the group is stored.
      for (const p of group) p.reject(error);
      return;
    }
    this.transactions++;
    group.forEach((p, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) p.resolve(outcome.value);
      else p.reject(outcome.error);
    });
  }
}
