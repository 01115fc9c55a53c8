/**
 * The durable transport's journal writes, batched per turn of the event loop: the delivery starts,
 * settlements and rows given back to their queues that the queues report in one turn become one
 * group-commit write (one statement per kind, over the turn's rows) settled by one promise, instead of a
 * write and a promise per delivery.
 */
import type { DeliveryState, DeliveryTables } from './deliveries';
import type { StateDb } from './state';

/** One turn's journal writes. */
export class TurnBatch {
  private readonly waiting: Array<[row: number, state: DeliveryState, attempt: number, nextAt: number | null]> = [];
  /** Rows whose delivery started, by attempt. */
  private readonly started = new Map<number, number[]>();
  private readonly settled: number[] = [];
  /** Event rows whose last delivery is settled. */
  private readonly emptied: number[] = [];
  /** Resolves once the batch is committed. */
  readonly done: Promise<void>;

  /** Queues the batch's write; `written` is called when it runs (no later call joins this batch). */
  constructor(state: StateDb, private readonly tables: DeliveryTables, written: () => void, broken: (error: unknown) => Error) {
    this.done = state.write(() => {
      written();
      this.apply();
    }).catch((error: unknown) => { throw broken(error); });
    // A batch of given-back rows only has nobody waiting on it; a failure is kept by `broken` all the same.
    this.done.catch(() => {});
  }

  /** A delivery of `attempt` starts on `row`: resolves once recorded. */
  start(row: number, attempt: number): Promise<void> {
    const rows = this.started.get(attempt);
    if (rows) rows.push(row);
    else this.started.set(attempt, [row]);
    return this.done;
  }

  /** `row` is owed again at `attempt`: a retry due at `notBefore` (epoch ms), or at once. */
  wait(row: number, attempt: number, notBefore?: number): void {
    this.waiting.push([row, notBefore === undefined ? 'queued' : 'retrying', attempt, notBefore ?? null]);
  }

  /** `row` is settled, and with it the event row `emptied` when it was the event's last: resolves once committed. */
  settle(row: number, emptied?: number): Promise<void> {
    this.settled.push(row);
    if (emptied !== undefined) this.emptied.push(emptied);
    return this.done;
  }

  /**
   * In the order that is right for a row touched twice in one turn: a row given back to its queue may
   * start again in the same turn; nothing else of one row shares a turn (a start is committed before its
   * delivery runs, and a settlement ends the row). Run again as a whole if its group is retried.
   */
  private apply(): void {
    for (const [row, state, attempt, nextAt] of this.waiting) this.tables.update(row, state, attempt, nextAt);
    for (const [attempt, rows] of this.started) this.tables.startAll(rows, attempt);
    this.tables.settleAll(this.settled, this.emptied);
  }
}

/** The batch of the current turn, made by the turn's first journal call. */
export class TurnBatches {
  private batch: TurnBatch | undefined;

  constructor(private readonly state: StateDb, private readonly tables: DeliveryTables, private readonly broken: (error: unknown) => Error) {}

  current(): TurnBatch {
    if (this.batch) return this.batch;
    const batch: TurnBatch = new TurnBatch(this.state, this.tables, () => {
      if (this.batch === batch) this.batch = undefined;
    }, this.broken);
    this.batch = batch;
    return batch;
  }
}
