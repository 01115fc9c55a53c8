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
    expect(store.take({ id: a.id })).to.deep.equal([a, a2]);
    expect(store.list()).to.deep.equal([b]);
    expect(store.take({ id: 'nope' })).to.deep.equal([]);
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
    expect(store.take({ id: a.id })).to.deep.equal([a, elsewhere]);
    expect(store.add(copy), 'after a redrive took it, the event may be dead-lettered again').to.equal(true);
    store.take();
    expect(store.add(a)).to.equal(true);
  });

  it('keeps at most maxCount, dropping the oldest', () => {
    const store = new DeadLetterStore({ maxCount: 2 });
    const all = [letter(1), letter(2), letter(3)];
    all.forEach((l) => store.add(l));
    expect(store.list().map((l) => l.id)).to.deep.equal([all[1]!.id, all[2]!.id]);
    expect(store.add(all[0]!), 'a dropped letter no longer holds its place').to.equal(true);
  });

  it('keeps at most maxBytes of events, dropping the oldest, and always the newest', () => {
    const big = (n: number) => ({ ...letter(n), event: { ...tick(n), data: { pad: 'x'.repeat(10_000) } } });
    const store = new DeadLetterStore({ maxBytes: 25_000 });
    [big(1), big(2), big(3)].forEach((l) => store.add(l));
    expect(store.size).to.equal(2);
    expect(store.bytes).to.be.at.most(25_000);
    const huge = { ...letter(4), event: { ...tick(4), data: { pad: 'x'.repeat(50_000) } } };
    store.add(huge);
    expect(store.list().map((l) => l.id)).to.deep.equal([huge.id]);
  });

  it('lists, pages, takes and purges by function, subscription, type and id', () => {
    const store = new DeadLetterStore();
    const letters = [letter(1), letter(2, 'g'), letter(3), { ...letter(4), type: 'Other.v1' }];
    letters.forEach((l) => store.add(l));
    expect(store.list({ function: 'f' }).map((l) => l.id)).to.deep.equal([letters[0]!.id, letters[2]!.id, letters[3]!.id]);
    expect(store.list({ function: 'f', type: 'Other.v1' })).to.deep.equal([letters[3]]);
    expect(store.list({ subscription: 'g-b' })).to.deep.equal([letters[1]]);
    expect(store.list({}, { offset: 1, limit: 2 })).to.deep.equal([letters[1], letters[2]]);
    expect(store.purge({ function: 'g' })).to.equal(1);
    expect(store.take({ type: 'Tick.v1' }).map((l) => l.id)).to.deep.equal([letters[0]!.id, letters[2]!.id]);
    expect(store.list()).to.deep.equal([letters[3]]);
    expect(store.purge()).to.equal(1);
    expect(store.size).to.equal(0);
    expect(store.bytes).to.equal(0);
  });
});
