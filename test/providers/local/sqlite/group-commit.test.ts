import { expect } from 'chai';
import { rejection } from '../fixtures';
import { NOTES, count, note, tempStates } from './temp-state';

describe('group commit (sqlite/group-commit.ts, through StateDb.write)', () => {
  const states = tempStates();

  describe('write (group commit)', () => {
    it('commits the writes asked for in one turn of the event loop in one transaction, and resolves each after it', async () => {
      const state = states.open();
      state.migrate(NOTES);
      const before = state.commits;
      const writes = [1, 2, 3, 4, 5].map((n) => state.write(note(n)));
      // Nothing is stored until the turn ends.
      expect(count(state)).to.equal(0);
      const ids = await Promise.all(writes);
      expect(ids).to.deep.equal([1, 2, 3, 4, 5]);
      expect(count(state)).to.equal(5);
      expect(state.commits - before).to.equal(1);
      await state.write(note(6));
      expect(state.commits - before).to.equal(2);
    });

    it('groups writes of several turns within the window', async () => {
      const state = states.open(states.file(), { windowMs: 200 });
      state.migrate(NOTES);
      const before = state.commits;
      const first = state.write(note(1));
      await new Promise((resolve) => setImmediate(resolve));
      const second = state.write(note(2));
      await Promise.all([first, second]);
      expect(state.commits - before).to.equal(1);
      expect(count(state)).to.equal(2);
    });

    it('fails only the write that throws; the others of its group commit', async () => {
      const state = states.open();
      state.migrate(NOTES);
      const good = state.write(note(1));
      const bad = state.write((db) => db.prepare('INSERT INTO notes (n) VALUES (NULL)').run());
      const alsoGood = state.write(note(3));
      expect(await rejection(bad)).to.be.instanceOf(Error).with.property('message').that.matches(/NOT NULL/);
      expect(await Promise.all([good, alsoGood])).to.deep.equal([1, 2]);
      expect(state.db.prepare('SELECT n FROM notes ORDER BY n').pluck().all()).to.deep.equal([1, 3]);
    });

    it('commits what is queued when closed, and refuses writes after', async () => {
      const file = states.file();
      const state = states.open(file);
      state.migrate(NOTES);
      const queued = state.write(note(1));
      state.close();
      expect(await queued).to.equal(1);
      expect(await rejection(state.write(note(2)))).to.be.instanceOf(Error).with.property('message').that.matches(/closed/);
      expect(count(states.open(file))).to.equal(1);
    });
  });
});
