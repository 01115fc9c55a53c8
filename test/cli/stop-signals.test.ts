import { expect } from 'chai';
import { SAME_SIGNAL_MS, stopSignals } from '../../cli/stop-signals';

describe('stop signals (herald dev, herald worker)', () => {
  const realNow = Date.now;
  // As the OS delivers it: node calls each listener with the signal's name.
  const signal = (name: NodeJS.Signals) => process.listeners(name).forEach((l) => (l as (s: NodeJS.Signals) => void)(name));
  afterEach(() => { Date.now = realNow; });

  it('resolves on the first signal, says so when a second comes within a second, and cuts the grace short on a later one', async () => {
    let now = 1_000_000;
    Date.now = () => now;
    let ignored = 0;
    const before = process.listenerCount('SIGTERM');
    const s = stopSignals(() => { ignored += 1; });
    try {
      signal('SIGTERM');
      expect(await s.signal).to.equal('SIGTERM');
      now += SAME_SIGNAL_MS - 1;
      signal('SIGINT');
      expect([ignored, s.hurry.aborted]).to.deep.equal([1, false]);
      now += 2;
      signal('SIGINT');
      expect([ignored, s.hurry.aborted]).to.deep.equal([1, true]);
    } finally {
      s.release();
    }
    expect(process.listenerCount('SIGTERM')).to.equal(before);
  });
});
