import { expect } from 'chai';
import { StateVersionError, schemaVersion, type SchemaPart } from '../../../../providers/local';
import { NOTES, tempStates } from './temp-state';

describe('state database schema (sqlite/schema.ts)', () => {
  const states = tempStates();

  describe('migrate', () => {
    it('applies a part once and records its version; a migration appended later is applied on the next open', () => {
      const file = states.file();
      let state = states.open(file);
      state.migrate(NOTES);
      state.migrate(NOTES);
      expect(schemaVersion(state.db, 'notes')).to.equal(1);
      state.close();
      state = states.open(file);
      const grown: SchemaPart = { name: 'notes', migrations: [...NOTES.migrations, 'ALTER TABLE notes ADD COLUMN text TEXT'] };
      state.migrate(grown);
      expect(schemaVersion(state.db, 'notes')).to.equal(2);
      expect(state.db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('notes')).to.deep.equal(['n', 'text']);
    });

    it('keeps parts apart: each has its own version', () => {
      const state = states.open();
      state.migrate(NOTES);
      state.migrate({ name: 'other', migrations: ['CREATE TABLE a (x INTEGER) STRICT', 'CREATE TABLE b (y INTEGER) STRICT'] });
      expect([schemaVersion(state.db, 'notes'), schemaVersion(state.db, 'other'), schemaVersion(state.db, 'never')]).to.deep.equal([1, 2, 0]);
    });

    it('refuses a part the file holds at a newer version than the code knows', () => {
      const state = states.open();
      state.migrate({ name: 'notes', migrations: [...NOTES.migrations, 'ALTER TABLE notes ADD COLUMN text TEXT'] });
      expect(() => state.migrate(NOTES)).to.throw(StateVersionError, /notes tables are at schema version 2, newer than this Herald knows \(1\)/);
    });

    it('leaves a part at its old version when one of its migrations fails', () => {
      const state = states.open();
      const broken: SchemaPart = { name: 'notes', migrations: [NOTES.migrations[0]!, 'THIS IS NOT SQL'] };
      expect(() => state.migrate(broken)).to.throw(/syntax error/);
      expect(schemaVersion(state.db, 'notes')).to.equal(0);
      expect(state.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'notes'").pluck().get()).to.equal(0);
    });
  });
});
