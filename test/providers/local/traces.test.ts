import { expect } from 'chai';
import { TraceStore, type DeliveryRecord } from '../../../providers/local';

const record = (correlationid: string, extra: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
  function: 'f', subscription: 'f-b', type: 'Tick.v1', id: 'e1', correlationid, attempt: 1, outcome: 'ok',
  durationMs: 1.23456, at: Date.parse('2026-01-01T00:00:00Z'), ...extra,
});

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (ms: number) => () => T0 + ms;

describe('local traces', () => {
  it('returns the deliveries of a correlation id in order, as {function, type, id, attempt, outcome, durationMs, at}', () => {
    const traces = new TraceStore({}, at(0));
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
    const traces = new TraceStore({ maxTraces: 2, maxEntriesPerTrace: 2 }, at(0));
    for (const c of ['a', 'b', 'c']) traces.record(record(c));
    for (let i = 0; i < 5; i++) traces.record(record('c'));
    expect(traces.size).to.equal(2);
    expect(traces.get('a')).to.deep.equal([]);
    expect(traces.has('a')).to.equal(false);
    expect(traces.get('c')).to.have.length(2);
  });

  it('keeps nothing with maxTraces 0 (a Kafka worker\'s store)', () => {
    const traces = new TraceStore({ maxTraces: 0 }, at(0));
    traces.record(record('a'));
    expect([traces.size, traces.heldBytes, traces.has('a')]).to.deep.equal([0, 0, false]);
    expect(traces.get('a')).to.deep.equal([]);
  });

    it('is bounded by bytes: the oldest traces go first, never the one being written', () => {
    const traces = new TraceStore({ maxBytes: 5_000 }, at(0));
    for (let i = 0; i < 50; i++) traces.record(record(`c${i}`, { reason: 'x'.repeat(200) }));
    expect(traces.heldBytes).to.be.at.most(5_000);
    expect(traces.has('c49')).to.equal(true);
    expect(traces.has('c0')).to.equal(false);
    const big = new TraceStore({ maxBytes: 100 }, at(0));
    big.record(record('only', { reason: 'x'.repeat(1_000) }));
    expect(big.get('only')).to.have.length(1);
  });

  it('is bounded by age: a trace is gone maxAgeMs after its first delivery, as if never seen', () => {
    let now = 0;
    const traces = new TraceStore({ maxAgeMs: 60_000 }, () => T0 + now);
    traces.record(record('old'));
    now = 30_000;
    traces.record(record('new', { at: T0 + now }));
    expect([traces.has('old'), traces.has('new')]).to.deep.equal([true, true]);
    now = 61_000;
    expect(traces.get('old')).to.deep.equal([]);
    expect([traces.has('old'), traces.has('new')]).to.deep.equal([false, true]);
    expect(traces.size).to.equal(1);
  });
});
