import { expect } from 'chai';
import { parseSqsToken, sqs, sqsToken } from '../../../../providers/aws/runtime/sqs';
import { envelope, eventBridgeOf, snsNotificationBody, sqsEvent, sqsRecord } from '../../../fixtures/aws';

const order = envelope({ type: 'OrderPlaced.v2', data: { orderId: 'o-1' }, subject: 'orders/o-1' });

describe('providers/aws/runtime/sqs', () => {
  it('detects SQS batches and nothing else', () => {
    expect(sqs.detect(sqsEvent(sqsRecord('x')))).to.equal(true);
    expect(sqs.detect(eventBridgeOf(order))).to.equal(false);
    expect(sqs.detect({ Records: [] })).to.equal(false);
    expect(sqs.detect(null)).to.equal(false);
  });

  it('reads a Herald envelope body, the receive count as the attempt, the channel of its queue and a token naming the message', () => {
    const arn = 'arn:aws:sqs:us-east-2:123456789012:my-queue';
    const record = sqsRecord(JSON.stringify(order), { receiveCount: 3, messageId: 'm-1' });
    const [r] = sqs.decode(sqsEvent(record), { [arn]: 'queue:payments' });
    expect(r).to.deep.equal({ itemId: 'm-1', payload: order, attempt: 3, channel: 'queue:payments', token: sqsToken(arn, record.receiptHandle), rawBody: JSON.stringify(order) });
    expect(parseSqsToken(r!.token)).to.deep.equal({ queueArn: arn, receiptHandle: record.receiptHandle });
  });

  it('names no channel for a queue the function\'s sources do not know', () => {
    const [r] = sqs.decode(sqsEvent(sqsRecord('{}')), { 'arn:aws:sqs:us-east-2:123456789012:other': 'queue:other' });
    expect(r).to.not.have.property('channel');
    expect(parseSqsToken('not a token')).to.equal(undefined);
    expect(parseSqsToken(undefined)).to.equal(undefined);
  });

  it('unwraps an SNS notification (raw delivery off) and an EventBridge event (bus rule → queue)', () => {
    const records = sqs.decode(sqsEvent(
      sqsRecord(snsNotificationBody(JSON.stringify(order), { ce_type: order.type })),
      sqsRecord(JSON.stringify(eventBridgeOf(order))),
    ));
    expect(records.map((r) => r.payload)).to.deep.equal([order, order]);
  });

  it('hands over bodies that are not JSON or not envelopes as they are, for the pipeline to reject', () => {
    const records = sqs.decode(sqsEvent(sqsRecord('test'), sqsRecord('{"foo": 2}'), sqsRecord('[1,2]')));
    expect(records.map((r) => r.payload)).to.deep.equal(['test', { foo: 2 }, [1, 2]]);
  });

  it('orders FIFO records by message group', () => {
    const [r] = sqs.decode(sqsEvent(sqsRecord('{}', { groupId: 'o-1' })));
    expect(r!.orderKey).to.equal('o-1');
  });

  it('round-trips envelopes through encode and decode, from the queue and in the message groups it is told', () => {
    const other = envelope({ id: 'x-2', type: 'PaymentReceived.v1', data: {} });
    expect(sqs.decode(sqs.encode([order, other])).map((r) => r.payload)).to.deep.equal([order, other]);
    const fifo = 'arn:aws:sqs:eu-west-1:000000000000:orders.fifo';
    const records = sqs.decode(sqs.encode([order, other], { source: fifo, orderKey: 'data.orderId' }), { [fifo]: 'queue:orders' });
    expect(records.map((r) => [r.channel, r.orderKey])).to.deep.equal([['queue:orders', 'o-1'], ['queue:orders', 'x-2']]);
  });

  it('answers failures as batchItemFailures naming message ids', () => {
    expect(sqs.respond([{ itemId: 'm-1', reason: 'x' }])).to.deep.equal({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(sqs.respond([])).to.deep.equal({ batchItemFailures: [] });
  });
});
