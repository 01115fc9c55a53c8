/**
 * Traces kept in the state database, so `GET /traces/<id>` still answers after a crash or a restart. The
 * in-memory store (../traces.ts) answers every read; its journal appends each record as a row in the
 * group commit of the turn that settled the delivery, so a record is stored exactly when its settlement
 * is. Rows are numbered in the order they were recorded, and each names the first row of its trace: when
 * the oldest traces are dropped, every row numbered before the oldest kept trace's first goes in one
 * range delete, and a row left behind by a dropped trace is recognised at load by the first row it names.
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
    `CREATE TABLE traces (
       seq INTEGER PRIMARY KEY,
       opened INTEGER NOT NULL,
       record TEXT NOT NULL
     ) STRICT;`,
  ],
};

/**
 * A trace store on the state database.
 * @param onError what to do when a write fails (the record stays in memory; the runtime logs it)
 */
export function durableTraces(state: StateDb, options: TraceStoreOptions = {}, onError: (error: unknown) => void = () => {}, now: () => number = Date.now): TraceStore {
  state.migrate(TRACES_SCHEMA);
  const insert: Statement = state.db.prepare('INSERT OR REPLACE INTO traces (seq, opened, record) VALUES (?, ?, ?)');
  const cutBefore: Statement = state.db.prepare('DELETE FROM traces WHERE seq < ?');
  let next = ((state.db.prepare('SELECT max(seq) AS last FROM traces').get() as { last: number | null }).last ?? 0) + 1;
  const rows = new TurnWriter<[seq: number, opened: number, record: string]>(state, (batch) => {
    for (const [seq, opened, record] of batch) insert.run(seq, opened, record);
  }, onError);
  // Only the latest cut of a turn matters: one delete per turn however many traces were dropped.
  const cuts = new TurnWriter<number>(state, (batch) => { cutBefore.run(Math.max(...batch)); }, onError);
  const store = new TraceStore(options, now, {
    recorded(record, opened) {
      const seq = next++;
      rows.add([seq, opened ?? seq, JSON.stringify(record)]);
      return seq;
    },
    evicted: (oldest) => cuts.add(oldest ?? next),
  });
  const kept = state.db.prepare('SELECT seq, opened, record FROM traces ORDER BY seq').iterate() as IterableIterator<{ seq: number; opened: number; record: string }>;
  store.load((function* (): Generator<KeptTraceRecord> {
    for (const row of kept) yield { record: JSON.parse(row.record) as DeliveryRecord, number: row.seq, opened: row.opened };
  })());
  return store;
}
