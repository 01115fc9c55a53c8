import { expect } from 'chai';
import { WorkTracker } from '../../../providers/local';

describe('local work tracker', () => {
  it('resolves idle() at once when nothing is owed, and only when the count returns to zero otherwise', async () => {
    const work = new WorkTracker();
    await work.idle();
    work.add(2);
    let idle = false;
    const waiting = work.idle().then(() => { idle = true; });
    work.done();
    await Promise.resolve();
    expect(idle).to.equal(false);
    expect(work.count).to.equal(1);
    work.done();
    await waiting;
    expect(idle).to.equal(true);
  });
});
