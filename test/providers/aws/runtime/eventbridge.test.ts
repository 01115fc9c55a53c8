import { expect } from 'chai';
import { EventBridgeDeliveryError, eventbridge } from '../../../../providers/aws/runtime/eventbridge';
import { envelope, eventBridgeEvent, eventBridgeOf, sqsEvent, sqsRecord } from '../../../fixtures/aws';

const order = envelope({ type: 'OrderPlaced.v2', data: { orderId: 'o-1' } });

describe('providers/aws/runtime/eventbridge', () => {
  it('detects an EventBridge event and not an SQS batch', () => {
    expect(eventbridge.detect(eventBridgeOf(order))).to.equal(true);
    expect(eventbridge.detect(sqsEvent(sqsRecord('{}')))).to.equal(false);
    expect(eventbridge.detect({ source: 'x' })).to.equal(false);
  });

  it('reads the envelope from detail, keyed by the EventBridge event id', () => {
    const [r] = eventbridge.decode(eventBridgeOf(order));
    expect(r).to.deep.include({ itemId: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa', payload: order, attempt: 1 });
  });

  it('passes a detail that is not an envelope on, for the pipeline to reject', () => {
    const [r] = eventbridge.decode(eventBridgeEvent('Thing', 'custom', { hello: 1 }));
    expect(r!.payload).to.deep.equal({ hello: 1 });
  });

  it('round-trips one envelope and refuses several', () => {
    expect(eventbridge.decode(eventbridge.encode([order]))[0]!.payload).to.deep.equal(order);
    expect(() => eventbridge.encode([order, order])).to.throw(RangeError, /one event/);
  });

  it('answers ok, and throws the reason on failure so Lambda retries and then uses the on-failure destination', () => {
    expect(eventbridge.respond([])).to.deep.equal({ status: 'ok' });
    expect(() => eventbridge.respond([{ itemId: 'e-1', reason: 'Error: boom' }])).to.throw(EventBridgeDeliveryError, 'event e-1: Error: boom');
  });
});
