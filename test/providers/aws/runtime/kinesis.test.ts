import { expect } from 'chai';
import { kinesis } from '../../../../providers/aws/runtime/kinesis';
import { envelope, eventBridgeOf, kinesisEvent } from '../../../fixtures/aws';

const order = envelope({ type: 'OrderPlaced.v2', data: { orderId: 'o-1' } });

describe('providers/aws/runtime/kinesis', () => {
  it('decodes base64 data, the sequence number and the partition key', () => {
    const event = kinesisEvent({ data: JSON.stringify(order), partitionKey: 'o-1', sequenceNumber: '42' });
    expect(kinesis.detect(event)).to.equal(true);
    expect(kinesis.decode(event, { 'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream': 'stream:audit' })).to.deep.equal([{
      itemId: '42', payload: order, attempt: 1, orderKey: 'o-1', channel: 'stream:audit', rawBody: JSON.stringify(order),
    }]);
    expect(kinesis.decode(event)[0]).to.not.have.property('channel');
  });

  it('unwraps the EventBridge event a bus rule puts on the stream, and passes other data on as it is', () => {
    const records = kinesis.decode(kinesisEvent({ data: JSON.stringify(eventBridgeOf(order)) }, { data: 'Hello, this is a test.' }));
    expect(records.map((r) => r.payload)).to.deep.equal([order, 'Hello, this is a test.']);
  });

  it('round-trips and answers sequence numbers', () => {
    expect(kinesis.decode(kinesis.encode([order])).map((r) => r.payload)).to.deep.equal([order]);
    const arn = 'arn:aws:kinesis:eu-west-1:000000000000:stream/audit';
    const [r] = kinesis.decode(kinesis.encode([order], { source: arn, orderKey: 'data.orderId' }), { [arn]: 'stream:audit' });
    expect([r!.channel, r!.orderKey]).to.deep.equal(['stream:audit', 'o-1']);
    expect(kinesis.respond([{ itemId: '42', reason: 'x' }])).to.deep.equal({ batchItemFailures: [{ itemIdentifier: '42' }] });
  });
});
