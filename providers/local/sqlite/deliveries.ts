/**
 * The durable transport's tables: every accepted event once (`events`), and per subscription that owes it
 * a delivery row (`deliveries`) with its state, attempt and next-attempt time. A delivery row is deleted
 * when it is settled, and an event row with the last of its deliveries, so the file holds only what is
 * owed. Row ids follow acceptance order, which is the order deliveries are restored in: they are counted
 * here, from the largest at open, and inserted explicitly, so a turn's rows go in as one multi-row insert
 * (row-inserter.ts) and still each have a known id.
 *
 * `deliveries.event` names its event row without a foreign key: the transport counts each event's
 * deliveries in memory and deletes the event with its last one; an enforced key would make every event
 * deletion search the deliveries (better-sqlite3 turns enforcement on), or need an index on every write.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { Envelope } from '../../../contracts';
import { envelopeText } from '../envelope-text';
import { fewRuns, idRuns } from './id-runs';
import { RowInserter } from './row-inserter';
import type { SchemaPart } from './schema';
import type { StateDb } from './state';

export const TRANSPORT_SCHEMA: SchemaPart = {
  name: 'transport',
  migrations: [
    `CREATE TABLE events (
       seq INTEGER PRIMARY KEY,
       id TEXT NOT NULL,
       type TEXT NOT NULL,
       envelope TEXT NOT NULL
     ) STRICT;
     CREATE TABLE deliveries (
       seq INTEGER PRIMARY KEY,
       event INTEGER NOT NULL,
       subscription TEXT NOT NULL,
       state INTEGER NOT NULL CHECK (state IN (0, 1, 2)),
       attempt INTEGER NOT NULL,
       next_at INTEGER
     ) STRICT;`,
  ],
};

/** A delivery's state: `in-flight` means a delivery of `attempt` started and was not answered. */
export type DeliveryState = 'queued' | 'in-flight' | 'retrying';

/**
 * How `deliveries.state` stores a state. A number rather than the name: the row keeps its size when its
 * state changes (twice per delivery), so SQLite rewrites it in place.
 */
const CODE: Readonly<Record<DeliveryState, number>> = { queued: 0, 'in-flight': 1, retrying: 2 };

/** A delivery row as loaded at start, with its event. */
export interface OwedRow {
  readonly seq: number;
  readonly event: number;
  readonly subscription: string;
  readonly state: DeliveryState;
  readonly attempt: number;
  /** Epoch ms: not delivered before (a retry's backoff). */
  readonly nextAt: number | null;
  readonly envelope: string;
}

/** The stored event and its delivery rows, as `insert` returns them. */
export interface InsertedEvent {
  readonly event: number;
  readonly rows: number[];
}

/** Prepared statements over the transport's tables; each write method runs inside a group-commit write. */
export class DeliveryTables {
  private readonly insertEvents: RowInserter;
  private readonly insertDeliveries: RowInserter;
  /** The next rows' ids: one past the largest ever given (a deleted row's id is not given again). */
  private nextEvent: number;
  private nextDelivery: number;
  private readonly updateDelivery: Statement<[number, number, number | null, number]>;
  private readonly startDeliveries: Statement<[number, string]>;
  private readonly startRun: Statement<[number, number, number]>;
  private readonly deleteDelivery: Statement<[number]>;
  private readonly deleteDeliveries: Statement<[string]>;
  private readonly deleteDeliveryRun: Statement<[number, number]>;
  private readonly deleteEvent: Statement<[number]>;
  private readonly deleteEvents: Statement<[string]>;
  private readonly deleteEventRun: Statement<[number, number]>;
  private readonly owed: Statement<[], OwedRow>;

  /** Migrates the tables and prepares the statements. */
  constructor(state: StateDb) {
    state.migrate(TRANSPORT_SCHEMA);
    const { db } = state;
    this.insertEvents = new RowInserter(db, 'events (seq, id, type, envelope)', '(?, ?, ?, ?)', 4);
    this.insertDeliveries = new RowInserter(db, 'deliveries (seq, event, subscription, state, attempt)', `(?, ?, ?, ${CODE.queued}, ?)`, 4);
    const next = (table: string) => (db.prepare(`SELECT coalesce(max(seq), 0) + 1 FROM ${table}`).pluck().get() as number);
    this.nextEvent = next('events');
    this.nextDelivery = next('deliveries');
    this.updateDelivery = db.prepare('UPDATE deliveries SET state = ?, attempt = ?, next_at = ? WHERE seq = ?');
    // The batch forms take a turn's row ids as runs of consecutive ids (id-runs.ts), a statement per run,
    // or when scattered as one JSON array: one statement for them all, about half the cost per row of a
    // statement each.
    this.startDeliveries = db.prepare(`UPDATE deliveries SET state = ${CODE['in-flight']}, attempt = ? WHERE seq IN (SELECT value FROM json_each(?))`);
    this.startRun = db.prepare(`UPDATE deliveries SET state = ${CODE['in-flight']}, attempt = ? WHERE seq BETWEEN ? AND ?`);
    this.deleteDelivery = db.prepare('DELETE FROM deliveries WHERE seq = ?');
    this.deleteDeliveries = db.prepare('DELETE FROM deliveries WHERE seq IN (SELECT value FROM json_each(?))');
    this.deleteDeliveryRun = db.prepare('DELETE FROM deliveries WHERE seq BETWEEN ? AND ?');
    this.deleteEvent = db.prepare('DELETE FROM events WHERE seq = ?');
    this.deleteEvents = db.prepare('DELETE FROM events WHERE seq IN (SELECT value FROM json_each(?))');
    this.deleteEventRun = db.prepare('DELETE FROM events WHERE seq BETWEEN ? AND ?');
    this.owed = db.prepare(`SELECT d.seq, d.event, d.subscription,
        CASE d.state WHEN ${CODE['in-flight']} THEN 'in-flight' WHEN ${CODE.retrying} THEN 'retrying' ELSE 'queued' END AS state,
        d.attempt, d.next_at AS nextAt, e.envelope
      FROM deliveries d JOIN events e ON e.seq = d.event ORDER BY d.seq`);
  }

  /**
   * Stores each event once, with a queued delivery row per subscription (a subscription may owe it twice),
   * in the order given. Ids are taken as the rows are built: when a group commit is rolled back and run
   * again, its second run takes new ones, and the first run's are never stored.
   */
  insertAll(events: ReadonlyArray<readonly [Envelope, readonly string[]]>, attempt = 1): InsertedEvent[] {
    const eventValues: unknown[] = [];
    const deliveryValues: unknown[] = [];
    const inserted = events.map(([envelope, subscriptions]): InsertedEvent => {
      const event = this.nextEvent++;
      eventValues.push(event, envelope.id, envelope.type, envelopeText(envelope));
      const rows = subscriptions.map((subscription) => {
        const row = this.nextDelivery++;
        deliveryValues.push(row, event, subscription, attempt);
        return row;
      });
      return { event, rows };
    });
    this.insertEvents.insert(eventValues);
    this.insertDeliveries.insert(deliveryValues);
    return inserted;
  }

  /** Records a delivery's state and the attempt it is at. */
  update(row: number, state: DeliveryState, attempt: number, nextAt: number | null = null): void {
    this.updateDelivery.run(CODE[state], attempt, nextAt, row);
  }

  /** Records that deliveries of `attempt` started on these rows. */
  startAll(rows: readonly number[], attempt: number): void {
    const runs = idRuns(rows);
    if (fewRuns(runs, rows)) for (const [first, last] of runs) this.startRun.run(attempt, first, last);
    else this.startDeliveries.run(attempt, JSON.stringify(rows));
  }

  /** Deletes settled delivery rows, and the event rows no delivery owes any more. */
  settleAll(rows: readonly number[], events: readonly number[]): void {
    deleteAll(rows, this.deleteDeliveryRun, this.deleteDeliveries);
    deleteAll(events, this.deleteEventRun, this.deleteEvents);
  }

  /** Deletes a settled delivery row, and its event row when `last` (no other delivery owes it). */
  settle(row: number, event: number, last: boolean): void {
    this.deleteDelivery.run(row);
    if (last) this.deleteEvent.run(event);
  }

  /** Every delivery owed, in acceptance order. */
  load(): OwedRow[] {
    return this.owed.all();
  }

  /** Rows in each table (tests and diagnostics). */
  static counts(db: Database): { events: number; deliveries: number } {
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { events: count('events'), deliveries: count('deliveries') };
  }
}

/** Deletes the rows `ids` names: a statement per run of consecutive ids, or one over them all when scattered. */
function deleteAll(ids: readonly number[], run: Statement<[number, number]>, list: Statement<[string]>): void {
  if (!ids.length) return;
  const runs = idRuns(ids);
  if (fewRuns(runs, ids)) for (const [first, last] of runs) run.run(first, last);
  else list.run(JSON.stringify(ids));
}
