import { expect } from 'chai';
import { sqs } from '../../../../providers/aws/runtime/sqs';
import { envelope, eventBridgeOf, snsNotificationBody, sqsEvent, sqsRecord } from '../../../fixtures/aws';

const order = envelope({ type: 'OrderPlaced.v2', data: { orderId: 'o-1' }, subject: 'orders/o-1' });

describe('providers/aws/runtime/sqs', () => {
  it('detects SQS batches and nothing else', () => {
    expect(sqs.detect(sqsEvent(sqsRecord('x')))).to.equal(true);
    expect(sqs.detect(eventBridgeOf(order))).to.equal(false);
    expect(sqs.detect({ Records: [] })).to.equal(false);
    expect(sqs.detect(null)).to.equal(false);
  });

  it('reads a Herald envelope body, the receive count as the attempt, and the source queue', () => {
    const [r] = sqs.decode(sqsEvent(sqsRecord(JSON.stringify(order), { receiveCount: 3, messageId: 'm-1' })));
    expect(r).to.deep.include({ itemId: 'm-1', payload: order, attempt: 3, sourceArn: 'arn:aws:sqs:us-east-2:123456789012:my-queue', rawBody: JSON.stringify(order) });
    expect(r).to.not.have.property('orderKey');
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

  it('round-trips envelopes through encode and decode', () => {
    const other = envelope({ id: 'x-2', type: 'PaymentReceived.v1', data: {} });
    expect(sqs.decode(sqs.encode([order, other])).map((r) => r.payload)).to.deep.equal([order, other]);
  });

  it('answers failures as batchItemFailures naming message ids', () => {
    expect(sqs.respond([{ itemId: 'm-1', reason: 'x' }])).to.deep.equal({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(sqs.respond([])).to.deep.equal({ batchItemFailures: [] });
  });
});
