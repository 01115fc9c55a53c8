/**
 * The idempotency store kept in the state database, so an event handled (or given up on) before a crash
 * or a restart is still a duplicate after it: a copy re-posted later does not run its handlers again.
 * The in-memory store (runtime/idempotency.ts) answers every claim; its journal appends the records that
 * must outlive the process (handled, given up, forgotten by a redrive) in the group commit of the turn
 * that settled them. Claims in flight are not written: a dead process holds no claim, and the transport
 * keeps each delivery's attempts. Bounded like the memory store: records past their time to live are not
 * loaded and are deleted at open, and when a function's store forgets its oldest records the table keeps
 * only its newest as many.
 */
import type { Statement } from 'better-sqlite3';
import { InMemoryIdempotencyStore, type InMemoryIdempotencyOptions, type SettledState } from '../../../runtime';
import type { SchemaPart } from './schema';
import type { StateDb } from './state';
import { TurnWriter } from './turn-writer';

export const IDEMPOTENCY_SCHEMA: SchemaPart = {
  name: 'idempotency',
  migrations: [
    // Appended, never updated: the latest row of a record wins at load. Keyed by function, then write order,
    // so trimming a function's oldest rows is a range delete.
    `CREATE TABLE idempotency (
       scope TEXT NOT NULL,
       seq INTEGER NOT NULL,
       record TEXT NOT NULL,
       state TEXT NOT NULL CHECK (state IN ('completed', 'dead-lettered', 'forgotten')),
       expires INTEGER NOT NULL,
       PRIMARY KEY (scope, seq)
     ) STRICT, WITHOUT ROWID;`,
  ],
};

type Row = [scope: string, seq: number, record: string, state: SettledState | 'forgotten', expires: number];

/**
 * An idempotency store on the state database.
 * @param onError what to do when a write fails (the record stays in memory; the runtime logs it)
 */
export function durableIdempotency(
  state: StateDb,
  options: Omit<InMemoryIdempotencyOptions, 'journal'> = {},
  onError: (error: unknown) => void = () => {},
): InMemoryIdempotencyStore {
  state.migrate(IDEMPOTENCY_SCHEMA);
  const now = options.now ?? Date.now;
  const db = state.db;
  const insert: Statement = db.prepare('INSERT INTO idempotency (scope, seq, record, state, expires) VALUES (?, ?, ?, ?, ?)');
  const trim: Statement = db.prepare(`DELETE FROM idempotency WHERE scope = @scope AND seq < (
    SELECT seq FROM idempotency WHERE scope = @scope ORDER BY seq DESC LIMIT 1 OFFSET @offset)`);
  let next = ((db.prepare('SELECT max(seq) AS last FROM idempotency').get() as { last: number | null }).last ?? 0) + 1;
  const rows = new TurnWriter<Row>(state, (batch) => { for (const row of batch) insert.run(...row); }, onError);
  const trims = new TurnWriter<[scope: string, kept: number]>(state, (batch) => {
    for (const [scope, kept] of batch) trim.run({ scope, offset: kept - 1 });
  }, onError);
  const store = new InMemoryIdempotencyStore({
    ...options,
    journal: {
      settled: (scope, record, settled, expires) => rows.add([scope, next++, record, settled, expires]),
      // A tombstone outlives the rows it hides: only the trim removes it, with them.
      forgotten: (scope, record) => rows.add([scope, next++, record, 'forgotten', Number.MAX_SAFE_INTEGER]),
      rotated: (scope, kept) => trims.add([scope, kept]),
    },
  });
  state.write(() => db.prepare('DELETE FROM idempotency WHERE expires <= ?').run(now())).catch(onError);
  const kept = db.prepare('SELECT scope, record, state, expires FROM idempotency ORDER BY scope, seq').iterate() as IterableIterator<{ scope: string; record: string; state: Row[3]; expires: number }>;
  for (const row of kept) store.load(row.scope, row.record, row.state, row.expires);
  return store;
}
