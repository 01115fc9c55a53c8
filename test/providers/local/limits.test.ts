import { expect } from 'chai';
import { DeadLetterStore, LOCAL_LIMITS, MAX_BATCH_BYTES, TraceStore, describeLimits } from '../../../providers/local';

describe('local limits', () => {
  it('are the defaults of every store and of ingest, so what herald dev prints is what applies', () => {
    const letters = new DeadLetterStore();
    expect([letters.maxCount, letters.maxBytes]).to.deep.equal([LOCAL_LIMITS.deadLetters.maxCount, LOCAL_LIMITS.deadLetters.maxBytes]);
    const traces = new TraceStore();
    expect({ maxTraces: traces.maxTraces, maxEntriesPerTrace: traces.maxEntries, maxBytes: traces.maxBytes, maxAgeMs: traces.maxAgeMs }).to.deep.equal(LOCAL_LIMITS.traces);
    expect(MAX_BATCH_BYTES).to.equal(LOCAL_LIMITS.request.maxBatchBytes);
  });

  it('describes them in one line', () => {
    const line = describeLimits({ ...LOCAL_LIMITS, deadLetters: { maxCount: 5, maxBytes: 2 * 1024 * 1024 } });
    expect(line).to.contain('dead letters ≤ 5 / 2 MB');
    expect(line.split('\n')).to.have.length(1);
  });
});
