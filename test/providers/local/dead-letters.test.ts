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

  it('keeps one dead letter per event id and subscription, the first, until it is taken', () => {
    const store = new DeadLetterStore();
    const a = letter(1);
    const copy = { ...a, reason: 'a copy gave up too', attempts: 1 };
    const elsewhere = { ...a, function: 'g', subscription: 'g-b' };
    expect(store.add(a)).to.equal(true);
    expect(store.add(copy), 'a second one for the same subscription').to.equal(false);
    expect(store.add(elsewhere), 'another subscription has its own').to.equal(true);
    expect(store.list()).to.deep.equal([a, elsewhere]);
    expect(store.take(a.id)).to.deep.equal([a, elsewhere]);
    expect(store.add(copy), 'after a redrive took it, the event may be dead-lettered again').to.equal(true);
    store.take();
    expect(store.add(a)).to.equal(true);
  });

  it('keeps at most max, dropping the oldest', () => {
    const store = new DeadLetterStore(2);
    const all = [letter(1), letter(2), letter(3)];
    all.forEach((l) => store.add(l));
    expect(store.list().map((l) => l.id)).to.deep.equal([all[1]!.id, all[2]!.id]);
    expect(store.add(all[0]!), 'a dropped letter no longer holds its place').to.equal(true);
  });
});
