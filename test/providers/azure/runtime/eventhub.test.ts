import { expect } from 'chai';
import { eventHub } from '../../../../providers/azure/runtime/eventhub';
import { envelope, eventHubBatch } from './fixtures';

describe('providers/azure/runtime/eventhub', () => {
  const a = envelope({ id: 'a', type: 'OrderPlaced.v1', data: { orderId: 'o-1' } });
  const b = envelope({ id: 'b', type: 'OrderPlaced.v1', data: { orderId: 'o-2' } });

  it('decodes a batch into one record per event, keyed by its partition key, named by partition and sequence number', () => {
    const records = eventHub.decode(eventHubBatch([a, JSON.stringify(b)], ['o-1', 'o-2']), 'stream:order-audit');
    expect(records.map((r) => [r.itemId, r.orderKey, r.channel, r.attempt])).to.deep.equal([
      ['3:4711', 'o-1', 'stream:order-audit', 1], ['3:4712', 'o-2', 'stream:order-audit', 1],
    ]);
    expect(records[0]!.payload).to.deep.equal(a);
    expect(records[1]!.payload).to.equal(JSON.stringify(b));
  });

  it('encodes a batch keyed by the stream key that decodes back', () => {
    const records = eventHub.decode(eventHub.encode([a, b], { orderKey: 'data.orderId' }));
    expect(records.map((r) => r.orderKey)).to.deep.equal(['o-1', 'o-2']);
    expect(records.map((r) => (r.payload as { id: string }).id)).to.deep.equal(['a', 'b']);
  });
});
