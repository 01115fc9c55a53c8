import { expect } from 'chai';
import { durableDeadLetters, type DeadLetter } from '../../../../providers/local';
import { tick } from '../fixtures';
import { tempStates } from './temp-state';

const letter = (n: number, fn = 'f'): DeadLetter => {
  const event = tick(n);
  return { id: event.id, type: event.type, function: fn, subscription: `${fn}-b`, attempts: 5, reason: `gave up ${n}`, lastError: 'Error: x', at: '2026-12-02T00:00:00.000Z', event };
};

describe('dead letters in the state database (sqlite/dead-letters.ts)', () => {
  const states = tempStates();

  it('keeps what was added across a reopen, oldest first, with every field', async () => {
    const file = states.file();
    const first = states.open(file);
    const store = durableDeadLetters(first);
    const letters = [letter(1), letter(2, 'g'), letter(3)];
    letters.forEach((l) => store.add(l));
    expect(store.add({ ...letters[0]!, reason: 'a copy' }), 'one per event and subscription').to.equal(false);
    await first.write(() => undefined);
    first.close();
    const reopened = durableDeadLetters(states.open(file));
    expect(reopened.list()).to.deep.equal(letters);
  });

  it('forgets what was taken or purged, and what no longer fits its limits when reopened', async () => {
    const file = states.file();
    const first = states.open(file);
    const store = durableDeadLetters(first);
    const letters = [letter(1), letter(2, 'g'), letter(3), letter(4)];
    letters.forEach((l) => store.add(l));
    expect(store.take({ function: 'g' })).to.have.length(1);
    expect(store.purge({ id: letters[0]!.id })).to.equal(1);
    await first.write(() => undefined);
    first.close();
    const second = states.open(file);
    const smaller = durableDeadLetters(second, { maxCount: 1 });
    expect(smaller.list().map((l) => l.id)).to.deep.equal([letters[3]!.id]);
    await second.write(() => undefined);
    second.close();
    expect(durableDeadLetters(states.open(file)).list().map((l) => l.id)).to.deep.equal([letters[3]!.id]);
  });
});
