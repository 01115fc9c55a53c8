/** Shared by the sqlite tests: state databases in a fresh temp folder per test, closed and removed after it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { openState, type SchemaPart, type StateDb, type StateOptions } from '../../../../providers/local';

/** A table to write to. */
export const NOTES: SchemaPart = { name: 'notes', migrations: ['CREATE TABLE notes (n INTEGER NOT NULL) STRICT'] };
export const count = (state: StateDb) => (state.db.prepare('SELECT count(*) AS n FROM notes').get() as { n: number }).n;
/** A write that inserts a note and returns its row id. */
export const note = (n: number) => (db: StateDb['db']) => Number(db.prepare('INSERT INTO notes (n) VALUES (?)').run(n).lastInsertRowid);

/** Installs the hooks; `dir()` is this test's folder, `open` opens a state file in it (default `state.db`). */
export function tempStates() {
  let dir = '';
  let opened: StateDb[] = [];
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'herald-state-'));
    opened = [];
  });
  afterEach(() => {
    for (const s of opened) s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir: () => dir,
    file: (name = 'state.db') => path.join(dir, name),
    open(file = path.join(dir, 'state.db'), options: StateOptions = {}): StateDb {
      const state = openState(file, options);
      opened.push(state);
      return state;
    },
  };
}
