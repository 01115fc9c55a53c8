import { expect } from 'chai';
import { InMemoryIdempotencyStore } from '../../runtime';

/** A claim of function `f` on event `id` from source `s`. */
const k = (id: string, scope = 'f') => ({ scope, source: 's', id });

describe('InMemoryIdempotencyStore', () => {
  let now = 0;
  const store = () => new InMemoryIdempotencyStore(() => now);
  beforeEach(() => { now = 1_000_000; });

  it('claims a new key once, and reports it in progress to a concurrent delivery', () => {
    const s = store();
    expect(s.begin(k('k'), 60)).to.equal('new');
    expect(s.begin(k('k'), 60)).to.equal('in-progress');
  });

  it('reports a completed key as completed until its time to live passes', () => {
    const s = store();
    s.begin(k('k'), 60);
    s.complete(k('k'), 60);
    now += 59_999;
    expect(s.begin(k('k'), 60)).to.equal('completed');
    now += 2;
    expect(s.begin(k('k'), 60)).to.equal('new');
  });

  it('lets a released key be claimed again (a failed attempt)', () => {
    const s = store();
    s.begin(k('k'), 60);
    s.release(k('k'));
    expect(s.begin(k('k'), 60)).to.equal('new');
  });

  it('keeps claims of different functions and sources apart', () => {
    const s = store();
    s.begin(k('e1'), 60);
    s.complete(k('e1'), 60);
    expect(s.begin(k('e1', 'other-function'), 60)).to.equal('new');
    expect(s.begin({ scope: 'f', source: 'other-source', id: 'e1' }, 60)).to.equal('new');
    expect(s.begin(k('e1'), 60)).to.equal('completed');
  });

  it('forgets the oldest half past its capacity, and never holds more than it', () => {
    const s = new InMemoryIdempotencyStore({ now: () => now, maxEntries: 100 });
    for (let i = 0; i < 150; i++) {
      s.begin(k(`k${i}`), 60);
      s.complete(k(`k${i}`), 60);
      expect(s.size).to.be.at.most(100);
    }
    expect(s.begin(k('k0'), 60), 'the oldest was forgotten').to.equal('new');
    expect(s.begin(k('k149'), 60), 'a recent one is still known').to.equal('completed');
    expect(s.begin(k('k100'), 60), 'the previous generation is still known').to.equal('completed');
  });
});
