import { expect } from 'chai';
import { InMemoryIdempotencyStore } from '../../runtime';

describe('InMemoryIdempotencyStore', () => {
  let now = 0;
  const store = () => new InMemoryIdempotencyStore(() => now);
  beforeEach(() => { now = 1_000_000; });

  it('claims a new key once, and reports it in progress to a concurrent delivery', () => {
    const s = store();
    expect(s.begin('k', 60)).to.equal('new');
    expect(s.begin('k', 60)).to.equal('in-progress');
  });

  it('reports a completed key as completed until its time to live passes', () => {
    const s = store();
    s.begin('k', 60);
    s.complete('k', 60);
    now += 59_999;
    expect(s.begin('k', 60)).to.equal('completed');
    now += 2;
    expect(s.begin('k', 60)).to.equal('new');
  });

  it('lets a released key be claimed again (a failed attempt)', () => {
    const s = store();
    s.begin('k', 60);
    s.release('k');
    expect(s.begin('k', 60)).to.equal('new');
  });

  it('forgets expired keys in its periodic sweep', () => {
    const s = store();
    for (let i = 0; i < 9_999; i++) s.begin(`a${i}`, 1);
    now += 2_000;
    s.begin('trigger', 60);
    expect(s.size).to.equal(1);
  });
});
