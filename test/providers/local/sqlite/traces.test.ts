import { expect } from 'chai';
import { durableTraces, type DeliveryRecord } from '../../../../providers/local';
import { tempStates } from './temp-state';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const record = (correlationid: string, n: number, extra: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
  function: 'f', subscription: 'f-b', type: 'Tick.v1', id: `e${n}`, correlationid, attempt: 1, outcome: 'ok',
  durationMs: 1, at: T0 + n, ...extra,
});
/** Records stored, in all rows. */
const stored = (state: { db: any }) => (state.db.prepare('SELECT coalesce(sum(json_array_length(records)), 0) AS n FROM trace_records').get() as { n: number }).n;
const rows = (state: { db: any }) => (state.db.prepare('SELECT count(*) AS n FROM trace_records').get() as { n: number }).n;

describe('traces in the state database (sqlite/traces.ts)', () => {
  const states = tempStates();
  const now = () => T0 + 1_000;

  it('answers after a reopen with every record of every trace, in order', async () => {
    const file = states.file();
    const first = states.open(file);
    const traces = durableTraces(first, {}, undefined, now);
    traces.record(record('c1', 1));
    traces.record(record('c2', 2));
    traces.record(record('c1', 3, { outcome: 'retry', attempt: 2, delayMs: 40, reason: 'Error: x' }));
    const before = [traces.get('c1'), traces.get('c2')];
    await first.write(() => undefined);
    first.close();
    const reopened = durableTraces(states.open(file), {}, undefined, now);
    expect([reopened.get('c1'), reopened.get('c2')]).to.deep.equal(before);
    expect(before[0]).to.have.length(2);
    expect(reopened.has('c3')).to.equal(false);
  });

  it('deletes the rows of dropped traces, and keeps them dropped after a reopen', async () => {
    const file = states.file();
    const first = states.open(file);
    const traces = durableTraces(first, { maxTraces: 2 }, undefined, now);
    // A commit after each: a row per record.
    for (const [c, n] of [['a', 1], ['b', 2], ['a', 3], ['c', 4], ['b', 5]] as const) {
      traces.record(record(c, n)); // c drops a
      await first.write(() => undefined);
    }
    // a's first record is gone; its second (numbered after b's first) stays until the cut passes it, and is left out at load.
    expect(stored(first)).to.equal(4);
    first.close();
    const reopened = durableTraces(states.open(file), { maxTraces: 2 }, undefined, now);
    expect(['a', 'b', 'c'].map((c) => reopened.get(c).length)).to.deep.equal([0, 2, 1]);
  });

  it('leaves out a row that outlived its dropped trace, and a correlation id seen again opens a new trace', async () => {
    const file = states.file();
    const first = states.open(file);
    const traces = durableTraces(first, { maxTraces: 2 }, undefined, now);
    traces.record(record('a', 1));
    traces.record(record('b', 2));
    traces.record(record('c', 3)); // drops a: rows before b's first go
    traces.record(record('a', 4)); // a again: a new trace, which drops b
    await first.write(() => undefined);
    first.close();
    const reopened = durableTraces(states.open(file), { maxTraces: 2 }, undefined, now);
    expect(reopened.get('a').map((e) => e.id)).to.deep.equal(['e4']);
    expect(reopened.get('b')).to.deep.equal([]);
    expect(reopened.get('c').map((e) => e.id)).to.deep.equal(['e3']);
  });

  it('drops at load what has aged out since, and deletes its rows', async () => {
    const file = states.file();
    const first = states.open(file);
    const traces = durableTraces(first, { maxAgeMs: 60_000 }, undefined, now);
    traces.record(record('old', 1));
    await first.write(() => undefined);
    traces.record(record('new', 30_000));
    await first.write(() => undefined);
    first.close();
    const second = states.open(file);
    const later = durableTraces(second, { maxAgeMs: 60_000 }, undefined, () => T0 + 61_000);
    expect([later.has('old'), later.has('new')]).to.deep.equal([false, true]);
    await second.write(() => undefined);
    expect(stored(second), 'old\'s row is deleted').to.equal(1);
  });

  it('writes a turn\'s records as one row, in one commit', async () => {
    const state = states.open();
    const traces = durableTraces(state, {}, undefined, now);
    const commits = state.commits;
    for (let i = 0; i < 50; i++) traces.record(record(`c${i}`, i));
    await state.write(() => undefined);
    expect(state.commits - commits).to.equal(1);
    expect([rows(state), stored(state)]).to.deep.equal([1, 50]);
  });

  it('keeps every field through a reopen, a duration to the microsecond as traces show it', async () => {
    const file = states.file();
    const first = states.open(file);
    const traces = durableTraces(first, {}, undefined, now);
    traces.record(record('new', 2, { durationMs: 1.23456789 }));
    traces.record(record('new', 3, { outcome: 'deferred', delayMs: 25 }));
    traces.record(record('new', 4, { outcome: 'dead-letter', reason: 'NonRetryableError: no' }));
    traces.record(record('new', 5, { outcome: 'retry', attempt: 2, delayMs: 40, reason: 'Error: x' }));
    traces.record(record('new', 6, { causationid: 'e2' }));
    traces.record(record('new', 7, { outcome: 'deferred', delayMs: 25, causationid: 'e3' }));
    const before = traces.get('new');
    await first.write(() => undefined);
    first.close();
    const reopened = durableTraces(states.open(file), {}, undefined, now);
    expect(reopened.get('new')).to.deep.equal(before);
    expect(before.map((e) => [e.durationMs, e.delayMs, e.reason, e.causationid])).to.deep.equal([
      [1.235, undefined, undefined, undefined], [1, 25, undefined, undefined], [1, undefined, 'NonRetryableError: no', undefined],
      [1, 40, 'Error: x', undefined], [1, undefined, undefined, 'e2'], [1, 25, undefined, 'e3'],
    ]);
  });
});
