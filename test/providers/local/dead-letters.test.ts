import { expect } from 'chai';
import { DeadLetterStore, type DeadLetter } from '../../../providers/local';
import { tick } from './fixtures';

const letter = (n: number, fn = 'f'): DeadLetter => {
  const event = tick(n);
  return { id: event.id, type: event.type, function: fn, subscription: `${fn}-b`, attempts: 3, reason: 'r', lastError: 'e', at: '', event };
};

describe('local dead letters', () => {
  it('lists, takes all, or takes those of one event id', () => {
    const store = new DeadLetterStore();
    const [a, b] = [letter(1), letter(2)];
    const a2 = { ...a, function: 'g', subscription: 'g-b' };
    [a, b, a2].forEach((l) => store.add(l));
    expect(store.list()).to.deep.equal([a, b, a2]);
    expect(store.take(a.id)).to.deep.equal([a, a2]);
    expect(store.list()).to.deep.equal([b]);
    expect(store.take('nope')).to.deep.equal([]);
    expect(store.take()).to.deep.equal([b]);
    expect(store.size).to.equal(0);
  });

  it('keeps at most max, dropping the oldest', () => {
    const store = new DeadLetterStore(2);
    const all = [letter(1), letter(2), letter(3)];
    all.forEach((l) => store.add(l));
    expect(store.list().map((l) => l.id)).to.deep.equal([all[1]!.id, all[2]!.id]);
  });
});
