import { expect } from 'chai';
import { ManualClock, systemClock } from '../../../providers/local';

describe('local clock', () => {
  it('ManualClock runs due timers in time order while advancing, and moves only forward', () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const fired: Array<[string, string]> = [];
    clock.setTimer(() => fired.push(['b', new Date(clock.now()).toISOString()]), 2000);
    clock.setTimer(() => fired.push(['a', new Date(clock.now()).toISOString()]), 1000);
    const cancelled = clock.setTimer(() => fired.push(['c', '']), 1500);
    cancelled.cancel();
    clock.advance(1500);
    expect(fired).to.deep.equal([['a', '2026-01-01T00:00:01.000Z']]);
    clock.set('2026-01-01T00:00:05Z');
    expect(fired.map((f) => f[0])).to.deep.equal(['a', 'b']);
    expect(clock.now()).to.equal(Date.parse('2026-01-01T00:00:05Z'));
    expect(clock.pending).to.equal(0);
    expect(() => clock.set(0)).to.throw(RangeError, /only moves forward/);
  });

  it('ManualClock runs timers set by a timer when they fall inside the same advance', () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    const every = () => clock.setTimer(() => { fired.push(clock.now()); every(); }, 100);
    every();
    clock.advance(350);
    expect(fired).to.deep.equal([100, 200, 300]);
  });

  it('rejects a start that is not a date', () => {
    expect(() => new ManualClock('not a date')).to.throw(RangeError, /not a date/);
  });

  it('the system clock fires after the delay and can be cancelled', async () => {
    const start = Date.now();
    const fired = await new Promise<number>((resolve) => systemClock.setTimer(() => resolve(Date.now()), 20));
    expect(fired - start).to.be.at.least(19);
    let ran = false;
    systemClock.setTimer(() => { ran = true; }, 5).cancel();
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).to.equal(false);
  });
});
