/**
 * Dead letters kept in the state database, so they outlive a crash or a restart: the in-memory store
 * (../dead-letters.ts) answers every read, and its journal writes each change through the group commit,
 * in the same turn as the settlement or redrive that caused it. At open, the letters kept are loaded back
 * (oldest first, within the store's limits).
 */
import type { Statement } from 'better-sqlite3';
import { DeadLetterStore, type DeadLetter, type DeadLetterLimits } from '../dead-letters';
import type { SchemaPart } from './schema';
import type { StateDb } from './state';

export const DEAD_LETTERS_SCHEMA: SchemaPart = {
  name: 'dead-letters',
  migrations: [
    `CREATE TABLE dead_letters (
       seq INTEGER PRIMARY KEY,
       subscription TEXT NOT NULL,
       id TEXT NOT NULL,
       letter TEXT NOT NULL,
       UNIQUE (subscription, id)
     ) STRICT;`,
  ],
};

/**
 * A dead-letter store on the state database.
 * @param onError what to do when a write fails (the letter stays in memory; the runtime logs it)
 */
export function durableDeadLetters(state: StateDb, limits: DeadLetterLimits = {}, onError: (error: unknown) => void = () => {}): DeadLetterStore {
  state.migrate(DEAD_LETTERS_SCHEMA);
  const insert: Statement = state.db.prepare('INSERT OR REPLACE INTO dead_letters (subscription, id, letter) VALUES (?, ?, ?)');
  const remove: Statement = state.db.prepare('DELETE FROM dead_letters WHERE subscription = ? AND id = ?');
  const store = new DeadLetterStore(limits, {
    added: (l) => void state.write(() => insert.run(l.subscription, l.id, JSON.stringify(l))).catch(onError),
    removed: (letters) => void state.write(() => { for (const l of letters) remove.run(l.subscription, l.id); }).catch(onError),
  });
  const rows = state.db.prepare('SELECT letter FROM dead_letters ORDER BY seq').iterate() as IterableIterator<{ letter: string }>;
  const over = store.load((function* () { for (const row of rows) yield JSON.parse(row.letter) as DeadLetter; })());
  // Limits lowered since they were kept: what no longer fits goes, as it would have when it was added.
  if (over.length) void state.write(() => { for (const l of over) remove.run(l.subscription, l.id); }).catch(onError);
  return store;
}
