/**
 * Traces kept in the state database, so `GET /traces/<id>` still answers after a crash or a restart. The
 * in-memory store (../traces.ts) answers every read; its journal writes the records of a turn as one row
 * (a JSON array: one insert per turn, not per delivery) in the group commit that settles their
 * deliveries, so a record is stored exactly when its settlement is.
 *
 * Records are numbered in the order they were recorded, and each names the first record of its trace.
 * Traces are dropped oldest first, so what is kept is exactly the traces opened at or after the oldest
 * kept one's first record: that number, the cut, is stored, rows wholly before it are deleted, and at load
 * a record of a trace opened before the cut (in a row that straddles it) is left out.
 *
 * A row's records are positional arrays (`Stored`, below), not objects: a trace record is written for
 * every delivery, and the key names were about 40% of its bytes: the bench's trace rows went from 265 to 161
 * bytes a record, which the WAL writes and each checkpoint copies again.
 */
import type { Statement } from 'better-sqlite3';
import type { DeliveryRecord } from '../function';
import { TraceStore, type KeptTraceRecord, type TraceStoreOptions } from '../traces';
import type { SchemaPart } from './schema';
import type { StateDb } from './state';
import { TurnWriter } from './turn-writer';

export const TRACES_SCHEMA: SchemaPart = {
  name: 'traces',
  migrations: [
    `CREATE TABLE trace_records (
       last INTEGER PRIMARY KEY, -- the number of the row's last record
       records TEXT NOT NULL     -- JSON: [Stored, …] in order (Stored, below)
     ) STRICT;
     CREATE TABLE trace_cut (
       one INTEGER PRIMARY KEY CHECK (one = 1),
       cut INTEGER NOT NULL
     ) STRICT;
     INSERT INTO trace_cut (one, cut) VALUES (1, 0);`,
  ],
};

/**
 * One record as a row stores it. `durationMs` is kept to the microsecond, all that a trace ever shows
 * (traces.ts rounds it so). The optional tail (`delayMs`, `reason`, `causationid`) is cut after its last
 * value set, with null for one unset before it: rows written before `causationid` was kept still read.
 */
type Stored = [
  number: number, opened: number, fn: string, subscription: string, type: string, id: string, correlationid: string,
  attempt: number, outcome: DeliveryRecord['outcome'], durationMs: number, at: number,
  delayMs?: number | null, reason?: string | null, causationid?: string | null,
];

function toRow(number: number, opened: number, r: DeliveryRecord): Stored {
  const row: Stored = [number, opened, r.function, r.subscription, r.type, r.id, r.correlationid, r.attempt, r.outcome, Math.round(r.durationMs * 1000) / 1000, r.at];
  const tail = [r.delayMs ?? null, r.reason ?? null, r.causationid ?? null] as const;
  let last = tail.length;
  while (last > 0 && tail[last - 1] === null) last--;
  (row as unknown[]).push(...tail.slice(0, last));
  return row;
}

function fromRow(row: Stored): KeptTraceRecord {
  const [number, opened, fn, subscription, type, id, correlationid, attempt, outcome, durationMs, at, delayMs, reason, causationid] = row;
  const record: { -readonly [K in keyof DeliveryRecord]: DeliveryRecord[K] } = { function: fn, subscription, type, id, correlationid, attempt, outcome, durationMs, at };
  if (delayMs !== undefined && delayMs !== null) record.delayMs = delayMs;
  if (reason !== undefined && reason !== null) record.reason = reason;
  if (causationid !== undefined && causationid !== null) record.causationid = causationid;
  return { number, opened, record };
}

/**
 * A trace store on the state database.
 * @param onError what to do when a write fails (the record stays in memory; the runtime logs it)
 */
export function durableTraces(state: StateDb, options: TraceStoreOptions = {}, onError: (error: unknown) => void = () => {}, now: () => number = Date.now): TraceStore {
  state.migrate(TRACES_SCHEMA);
  const db = state.db;
  const insert: Statement = db.prepare('INSERT OR REPLACE INTO trace_records (last, records) VALUES (?, ?)');
  const deleteBefore: Statement = db.prepare('DELETE FROM trace_records WHERE last < ?');
  const setCut: Statement = db.prepare('UPDATE trace_cut SET cut = max(cut, ?)');
  const cut = (db.prepare('SELECT cut FROM trace_cut').get() as { cut: number }).cut;
  let next = ((db.prepare('SELECT max(last) AS last FROM trace_records').get() as { last: number | null }).last ?? cut) + 1;
  const rows = new TurnWriter<Stored>(state, (batch) => { insert.run(batch[batch.length - 1]![0], JSON.stringify(batch)); }, onError);
  // Only the latest cut of a turn matters: one delete per turn however many traces were dropped.
  const cuts = new TurnWriter<number>(state, (batch) => {
    const latest = Math.max(...batch);
    deleteBefore.run(latest);
    setCut.run(latest);
  }, onError);
  const store = new TraceStore(options, now, {
    recorded(record, opened) {
      const number = next++;
      rows.add(toRow(number, opened ?? number, record));
      return number;
    },
    evicted: (oldest) => cuts.add(oldest ?? next),
  });
  const kept = db.prepare('SELECT records FROM trace_records WHERE last >= ? ORDER BY last').pluck().iterate(cut) as IterableIterator<string>;
  store.load((function* (): Generator<KeptTraceRecord> {
    for (const records of kept) {
      for (const row of JSON.parse(records) as Stored[]) {
        const k = fromRow(row);
        if (k.opened >= cut) yield k;
      }
    }
  })());
  return store;
}
