import { expect } from 'chai';
import type { Envelope } from '../../../../contracts';
import { DeliveryTables } from '../../../../providers/local';
import { tempStates } from './temp-state';

const event = (id: string) => ({ specversion: '1.0', id, source: 'test', type: 'Ping.v1', time: '2026-01-01T00:00:00Z', data: { id } }) as unknown as Envelope;

describe('the transport tables (sqlite/deliveries.ts)', () => {
  const states = tempStates();

  it('gives each event and delivery row the next id, in the order given, and loads them back with their events', () => {
    const state = states.open();
    const tables = new DeliveryTables(state);
    const inserted = tables.insertAll([[event('a'), ['s1', 's2']], [event('b'), ['s1']]]);
    expect(inserted).to.deep.equal([{ event: 1, rows: [1, 2] }, { event: 2, rows: [3] }]);
    expect(tables.load().map((r) => [r.seq, r.event, r.subscription, r.state, r.attempt, (JSON.parse(r.envelope) as Envelope).id]))
      .to.deep.equal([[1, 1, 's1', 'queued', 1, 'a'], [2, 1, 's2', 'queued', 1, 'a'], [3, 2, 's1', 'queued', 1, 'b']]);
  });

  it('counts on from the largest id kept in the file, so a reopened file keeps acceptance order', () => {
    const file = states.file();
    const first = states.open(file);
    const tables = new DeliveryTables(first);
    tables.insertAll([[event('a'), ['s1']], [event('b'), ['s1']], [event('c'), ['s1']]]);
    // The oldest settled: the largest ids stay.
    tables.settle(1, 1, true);
    first.close();
    const again = new DeliveryTables(states.open(file)).insertAll([[event('d'), ['s1']]]);
    expect(again).to.deep.equal([{ event: 4, rows: [4] }]);
  });
});
