import { expect } from 'chai';
import { runBatch } from '../../runtime/batch';
import type { InboundRecord } from '../../runtime/binding';

const rec = (itemId: string, orderKey?: string): InboundRecord => ({ itemId, payload: {}, attempt: 1, rawBody: '', ...(orderKey ? { orderKey } : {}) });

describe('runtime/batch', () => {
  it('runs records without a key concurrently and answers failures in batch order', async () => {
    let inFlight = 0;
    let most = 0;
    const failures = await runBatch([rec('a'), rec('b'), rec('c'), rec('d')], async (r) => {
      most = Math.max(most, ++inFlight);
      await new Promise((done) => setTimeout(done, 5));
      inFlight--;
      return r.itemId === 'b' || r.itemId === 'd' ? `bad ${r.itemId}` : undefined;
    });
    expect(most).to.be.greaterThan(1);
    expect(failures).to.deep.equal([{ itemId: 'b', reason: 'bad b' }, { itemId: 'd', reason: 'bad d' }]);
  });

  it('runs one key in order and fails the rest of a key after its first failure, unprocessed', async () => {
    const seen: string[] = [];
    const failures = await runBatch([rec('k1', 'k'), rec('j1', 'j'), rec('k2', 'k'), rec('k3', 'k'), rec('j2', 'j')], async (r) => {
      seen.push(r.itemId);
      return r.itemId === 'k2' ? 'boom' : undefined;
    }, { concurrency: 1 });
    expect(seen).to.deep.equal(['k1', 'k2', 'j1', 'j2']);
    expect(failures).to.deep.equal([{ itemId: 'k2', reason: 'boom' }, { itemId: 'k3', reason: 'not processed: an earlier record of k failed (k2)' }]);
  });

  it('turns a handler that rejects into a failure of that record only', async () => {
    const failures = await runBatch([rec('a'), rec('b')], async (r) => {
      if (r.itemId === 'a') throw new Error('oops');
      return undefined;
    });
    expect(failures).to.deep.equal([{ itemId: 'a', reason: 'unexpected: oops' }]);
  });

  it('answers an empty batch with no failures', async () => {
    expect(await runBatch([], async () => 'never')).to.deep.equal([]);
  });
});
