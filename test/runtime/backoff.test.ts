import { expect } from 'chai';
import { backoffCeiling, backoffDelay } from '../../runtime';

describe('backoff (exponential, full jitter)', () => {
  it('doubles the ceiling per attempt up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffCeiling(a, { baseMs: 100, capMs: 1_000 }))).to.deep.equal([100, 200, 400, 800, 1_000]);
  });

  it('draws the delay uniformly below the ceiling', () => {
    expect(backoffDelay(3, { baseMs: 100, random: () => 0 })).to.equal(0);
    expect(backoffDelay(3, { baseMs: 100, random: () => 0.5 })).to.equal(200);
    expect(backoffDelay(3, { baseMs: 100, random: () => 0.9999 })).to.equal(399);
  });

  it('spreads real delays over the whole range', () => {
    const delays = Array.from({ length: 400 }, () => backoffDelay(4, { baseMs: 100 }));
    expect(Math.max(...delays)).to.be.below(800);
    expect(Math.min(...delays)).to.be.at.least(0);
    expect(delays.filter((d) => d < 400).length).to.be.within(120, 280);
  });
});
