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
    // Appended, never updated: a function's records of one turn are one row (one insert per turn, not per
    // delivery), and the latest record of an event wins at load. Keyed by function, then write order, so
    // trimming a function's oldest rows is a range delete.
    `CREATE TABLE idempotency_records (
       scope TEXT NOT NULL,
       seq INTEGER NOT NULL,
       count INTEGER NOT NULL,   -- records in the row
       expires INTEGER NOT NULL, -- when the last of them expires (epoch ms)
       records TEXT NOT NULL,    -- JSON: [[record, state, expires], …] in order
       PRIMARY KEY (scope, seq)
     ) STRICT, WITHOUT ROWID;`,
  ],
};

type State = SettledState | 'forgotten';
type Kept = [record: string, state: State, expires: number];

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
  const insert: Statement = db.prepare('INSERT INTO idempotency_records (scope, seq, count, expires, records) VALUES (?, ?, ?, ?, ?)');
  // Keeps the newest rows that hold `kept` records between them.
  const trim: Statement = db.prepare(`DELETE FROM idempotency_records WHERE scope = @scope AND seq < (
    SELECT seq FROM (SELECT seq, sum(count) OVER (ORDER BY seq DESC) AS newer FROM idempotency_records WHERE scope = @scope)
    WHERE newer >= @kept ORDER BY seq DESC LIMIT 1)`);
  let next = ((db.prepare('SELECT max(seq) AS last FROM idempotency_records').get() as { last: number | null }).last ?? 0) + 1;
  const rows = new TurnWriter<[scope: string, ...Kept]>(state, (batch) => {
    const byScope = new Map<string, Kept[]>();
    for (const [scope, ...kept] of batch) {
      const list = byScope.get(scope);
      if (list) list.push(kept);
      else byScope.set(scope, [kept]);
    }
    for (const [scope, kept] of byScope) insert.run(scope, next++, kept.length, Math.max(...kept.map((k) => k[2])), JSON.stringify(kept));
  }, onError);
  const trims = new TurnWriter<[scope: string, kept: number]>(state, (batch) => {
    for (const [scope, kept] of batch) trim.run({ scope, kept });
  }, onError);
  const store = new InMemoryIdempotencyStore({
    ...options,
    journal: {
      settled: (scope, record, settled, expires) => rows.add([scope, record, settled, expires]),
      // A tombstone outlives the records it hides: only the trim removes it, with them.
      forgotten: (scope, record) => rows.add([scope, record, 'forgotten', Number.MAX_SAFE_INTEGER]),
      rotated: (scope, kept) => trims.add([scope, kept]),
    },
  });
  state.write(() => db.prepare('DELETE FROM idempotency_records WHERE expires <= ?').run(now())).catch(onError);
  const kept = db.prepare('SELECT scope, records FROM idempotency_records WHERE expires > ? ORDER BY scope, seq').iterate(now()) as IterableIterator<{ scope: string; records: string }>;
  for (const row of kept) {
    for (const [record, settled, expires] of JSON.parse(row.records) as Kept[]) store.load(row.scope, record, settled, expires);
  }
  return store;
}
