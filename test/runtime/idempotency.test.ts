import { expect } from 'chai';
import { InMemoryIdempotencyStore } from '../../runtime';

/** A claim of function `f` on event `id` from source `s`. */
const k = (id: string, scope = 'f') => ({ scope, source: 's', id });
const claimed = (attempt: number) => ({ state: 'claimed', attempt });

/** Whether `promise` has settled by the time queued callbacks have run. */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => { done = true; });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('InMemoryIdempotencyStore', () => {
  it('stays bounded per function when every event names its own source (a client-chosen source cannot grow it)', () => {
    const store = new InMemoryIdempotencyStore({ maxEntries: 1_000 });
    for (let i = 0; i < 20_000; i++) store.complete({ scope: 'f', source: `src-${i}`, id: `e-${i}` }, 60);
    expect(store.size).to.be.at.most(1_000);
    // The newest are still known, with their own source.
    expect(store.begin({ scope: 'f', source: 'src-19999', id: 'e-19999' }, 60)).to.deep.equal({ state: 'completed' });
    expect(store.begin({ scope: 'f', source: 'other', id: 'e-19999' }, 60)).to.deep.include({ state: 'claimed' });
  });

  it('tells long sources and ids apart by their hash, so a record stays small', () => {
    const store = new InMemoryIdempotencyStore();
    const long = 'x'.repeat(10_000);
    store.complete({ scope: 'f', source: long, id: 'a' }, 60);
    expect(store.begin({ scope: 'f', source: long, id: 'a' }, 60)).to.deep.equal({ state: 'completed' });
    expect(store.begin({ scope: 'f', source: `${long}y`, id: 'a' }, 60)).to.deep.include({ state: 'claimed' });
  });

  it('gives back, from what its journal kept, every settled record to a store started afresh: plain, long, and a source holding a NUL', () => {
    // arrange: a store journaling what it settles, as a durable one does
    const kept: [string, string, 'completed' | 'dead-lettered' | 'forgotten', number][] = [];
    const journal = {
      settled: (scope: string, record: string, state: 'completed' | 'dead-lettered', expires: number) => { kept.push([scope, record, state, expires]); },
      forgotten: (scope: string, record: string) => { kept.push([scope, record, 'forgotten', 0]); },
      rotated: () => {},
    };
    const first = new InMemoryIdempotencyStore({ journal });
    const keys = {
      plain: { scope: 'f', source: 'shop.web', id: 'e-1' },
      long: { scope: 'f', source: 'shop.web', id: 'y'.repeat(500) },
      nul: { scope: 'f', source: 'shop\u0000web', id: 'e-2' },
      forgotten: { scope: 'f', source: 'shop.web', id: 'e-3' },
    };
    first.complete(keys.plain, 60);
    first.complete(keys.long, 60);
    first.giveUp(keys.nul, 60);
    first.complete(keys.forgotten, 60);
    first.forget(keys.forgotten);

    // act: a new store loads the journal in order
    const second = new InMemoryIdempotencyStore();
    for (const [scope, record, state, expires] of kept) second.load(scope, record, state, expires);

    // assert
    expect(second.begin(keys.plain, 60)).to.deep.equal({ state: 'completed' });
    expect(second.begin(keys.long, 60)).to.deep.equal({ state: 'completed' });
    expect(second.begin(keys.nul, 60)).to.deep.equal({ state: 'dead-lettered' });
    expect(second.begin(keys.forgotten, 60), 'forgotten by a redrive').to.deep.include({ state: 'claimed' });
    // Nothing else is taken for one of them: the source and id are told apart from the NUL-joined record.
    expect(second.begin({ scope: 'f', source: 'shop', id: 'web\u0000e-2' }, 60)).to.deep.include({ state: 'claimed' });
    expect(second.begin({ scope: 'f', source: 'shop.web', id: 'e-2' }, 60)).to.deep.include({ state: 'claimed' });
  });

  let now = 0;
  const store = () => new InMemoryIdempotencyStore(() => now);
  beforeEach(() => { now = 1_000_000; });

  it('claims a new key once, and reports it in progress to a concurrent delivery until its record expires', () => {
    const s = store();
    expect(s.begin(k('k'), 60)).to.deep.equal(claimed(1));
    expect(s.begin(k('k'), 60)).to.deep.equal({ state: 'in-progress', until: 1_060_000 });
  });

  it('reports a completed key as completed until its time to live passes', () => {
    const s = store();
    s.begin(k('k'), 60);
    s.complete(k('k'), 60);
    now += 59_999;
    expect(s.begin(k('k'), 60)).to.deep.equal({ state: 'completed' });
    now += 2;
    expect(s.begin(k('k'), 60)).to.deep.equal(claimed(1));
  });

  it('counts attempts across releases, whichever delivery claims next', () => {
    const s = store();
    s.begin(k('k'), 60);
    s.release(k('k'), 60);
    expect(s.begin(k('k'), 60)).to.deep.equal(claimed(2));
    s.release(k('k'), 60);
    expect(s.begin(k('k'), 60)).to.deep.equal(claimed(3));
    expect(s.begin(k('k'), 60).state).to.equal('in-progress');
  });

  it('answers dead-lettered after giving up, until the key is forgotten (a redrive starts at attempt 1)', () => {
    const s = store();
    s.begin(k('k'), 60);
    s.release(k('k'), 60);
    s.begin(k('k'), 60);
    s.giveUp(k('k'), 60);
    expect(s.begin(k('k'), 60)).to.deep.equal({ state: 'dead-lettered' });
    s.forget(k('k'));
    expect(s.begin(k('k'), 60)).to.deep.equal(claimed(1));
  });

  it('keeps claims of different functions and sources apart', () => {
    const s = store();
    s.begin(k('e1'), 60);
    s.complete(k('e1'), 60);
    expect(s.begin(k('e1', 'other-function'), 60)).to.deep.equal(claimed(1));
    expect(s.begin({ scope: 'f', source: 'other-source', id: 'e1' }, 60)).to.deep.equal(claimed(1));
    expect(s.begin(k('e1'), 60)).to.deep.equal({ state: 'completed' });
  });

  it('tells a waiting copy when the event is done with: completed, given up or forgotten, not merely released', async () => {
    const s = store();
    for (const finish of ['complete', 'giveUp', 'forget'] as const) {
      const key = k(finish);
      s.begin(key, 60);
      const done = s.whenSettled(key);
      expect(await settled(done), `${finish}: before`).to.equal(false);
      s.release(key, 60);
      expect(await settled(done), `${finish}: a release leaves the event to the failed delivery's retry`).to.equal(false);
      s.begin(key, 60);
      if (finish === 'forget') s.forget(key);
      else s[finish](key, 60);
      expect(await settled(done), `${finish}: after`).to.equal(true);
    }
    expect(await settled(s.whenSettled(k('never-claimed'))), 'nothing holds it').to.equal(true);
  });

  it('forgets the oldest half past its capacity, and never holds more than it', () => {
    const s = new InMemoryIdempotencyStore({ now: () => now, maxEntries: 100 });
    for (let i = 0; i < 150; i++) {
      s.begin(k(`k${i}`), 60);
      s.complete(k(`k${i}`), 60);
      expect(s.size).to.be.at.most(100);
    }
    expect(s.begin(k('k0'), 60), 'the oldest was forgotten').to.deep.equal(claimed(1));
    expect(s.begin(k('k149'), 60), 'a recent one is still known').to.deep.equal({ state: 'completed' });
    expect(s.begin(k('k100'), 60), 'the previous generation is still known').to.deep.equal({ state: 'completed' });
  });
});
