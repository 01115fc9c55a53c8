import { expect } from 'chai';
import { TraceStore, type DeliveryRecord } from '../../../providers/local';

const record = (correlationid: string, extra: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
  function: 'f', subscription: 'f-b', type: 'Tick.v1', id: 'e1', correlationid, attempt: 1, outcome: 'ok',
  durationMs: 1.23456, at: Date.parse('2026-01-01T00:00:00Z'), ...extra,
});

describe('local traces', () => {
  it('returns the deliveries of a correlation id in order, as {function, type, id, attempt, outcome, durationMs, at}', () => {
    const traces = new TraceStore();
    traces.record(record('c1'));
    traces.record(record('c2'));
    traces.record(record('c1', { function: 'g', outcome: 'retry', attempt: 2, delayMs: 40, reason: 'Error: x' }));
    expect(traces.get('c1')).to.deep.equal([
      { function: 'f', subscription: 'f-b', type: 'Tick.v1', id: 'e1', attempt: 1, outcome: 'ok', durationMs: 1.235, at: '2026-01-01T00:00:00.000Z' },
      { function: 'g', subscription: 'f-b', type: 'Tick.v1', id: 'e1', attempt: 2, outcome: 'retry', durationMs: 1.235, at: '2026-01-01T00:00:00.000Z', delayMs: 40, reason: 'Error: x' },
    ]);
    expect(traces.get('unknown')).to.deep.equal([]);
    expect([traces.has('c1'), traces.has('unknown')]).to.deep.equal([true, false]);
  });

  it('is bounded: oldest correlation id first, and entries per id', () => {
    const traces = new TraceStore({ maxTraces: 2, maxEntriesPerTrace: 2 });
    for (const c of ['a', 'b', 'c']) traces.record(record(c));
    for (let i = 0; i < 5; i++) traces.record(record('c'));
    expect(traces.size).to.equal(2);
    expect(traces.get('a')).to.deep.equal([]);
    expect(traces.has('a')).to.equal(false);
    expect(traces.get('c')).to.have.length(2);
  });
});
