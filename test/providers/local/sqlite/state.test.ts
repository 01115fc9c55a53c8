import { expect } from 'chai';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { StateLockedError } from '../../../../providers/local';
import { tempStates } from './temp-state';

describe('state database (sqlite/state.ts)', () => {
  const states = tempStates();

  describe('openState', () => {
    it('creates the file and its folder, in WAL mode with synchronous=NORMAL', () => {
      const file = path.join(states.dir(), 'nested', '.herald', 'state.db');
      const state = states.open(file);
      expect(existsSync(file)).to.equal(true);
      expect(state.db.pragma('journal_mode', { simple: true })).to.equal('wal');
      // 1 is NORMAL (0 OFF, 2 FULL, 3 EXTRA).
      expect(state.db.pragma('synchronous', { simple: true })).to.equal(1);
    });

    it('refuses a file another runtime has open, naming it, and opens it once that one closed', () => {
      const file = states.file();
      const first = states.open(file);
      expect(() => states.open(file)).to.throw(StateLockedError, /state\.db is in use by another process/);
      first.close();
      expect(states.open(file).file).to.equal(file);
    });
  });
});
