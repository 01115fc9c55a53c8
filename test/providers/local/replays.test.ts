import { expect } from 'chai';
import { ReplayGuard } from '../../../providers/local';

describe('local webhook replay guard', () => {
  let now: number;
  const guard = (options: { maxEntries?: number } = {}) => new ReplayGuard({ windowSeconds: 600, now: () => now, ...options });
  beforeEach(() => { now = 1_000_000; });

  it('answers a replay with the first request\'s event id until its signature stops verifying', () => {
    const g = guard();
    expect(g.claim('hook', 'sig-1', now + 300, 'id-1')).to.equal(undefined);
    expect(g.claim('hook', 'sig-1', now + 300, 'id-other')).to.equal('id-1');
    now += 300;
    expect(g.claim('hook', 'sig-1', now, 'id-2')).to.equal('id-1');
    now += 1;
    expect(g.claim('hook', 'sig-1', now + 300, 'id-3')).to.equal(undefined);
  });

  it('keys on the webhook as well as the signature', () => {
    const g = guard();
    g.claim('a', 'sig', now + 300, 'id-a');
    expect(g.claim('b', 'sig', now + 300, 'id-b')).to.equal(undefined);
  });

  it('forgets a released claim, so a retry after a failed publish is not a duplicate', () => {
    const g = guard();
    g.claim('hook', 'sig', now + 300, 'id-1');
    g.release('hook', 'sig');
    expect(g.claim('hook', 'sig', now + 300, 'id-2')).to.equal(undefined);
  });

  it('keeps an entry at least as long as it is needed across generations, and drops it after two windows', () => {
    const g = guard();
    now += 599;
    g.claim('hook', 'late', now + 600, 'id-late');
    now += 2;
    // Rotated once: the entry is in the previous generation, and still answered.
    expect(g.claim('hook', 'probe', now + 1, 'p')).to.equal(undefined);
    expect(g.claim('hook', 'late', now + 600, 'x')).to.equal('id-late');
    now += 1_200;
    g.claim('hook', 'other', now + 1, 'o');
    expect(g.size).to.equal(1);
  });

  it('is bounded by count when flooded within one window', () => {
    const g = guard({ maxEntries: 100 });
    for (let i = 0; i < 10_000; i++) g.claim('hook', `sig-${i}`, now + 300, `id-${i}`);
    expect(g.size).to.be.at.most(200);
  });
});
