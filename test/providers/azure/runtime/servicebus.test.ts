import { expect } from 'chai';
import { applicationPropertiesOf, parseServiceBusToken, serviceBus, serviceBusAttempt } from '../../../../providers/azure/runtime/servicebus';
import { RESEND_PROPERTIES, serviceBusPropertyName } from '../../../../providers/azure/runtime/wire';
import { envelope, serviceBusMessage } from './fixtures';

const placed = envelope({ type: 'OrderPlaced.v1', data: { orderId: 'o-1' }, subject: 'eu/o-1' });

describe('providers/azure/runtime/servicebus', () => {
  it('decodes a message as the Node.js library hands it: body, id, attempt, channel, token and raw body', () => {
    const [record] = serviceBus.decode(serviceBusMessage(placed, { deliveryCount: 2 }), 'queue:payments');
    expect(record).to.include({ itemId: 'a11f788b439b4c5daa6a9f173bf78d68', attempt: 2, channel: 'queue:payments' });
    expect(record!.payload).to.deep.equal(placed);
    expect(JSON.parse(record!.rawBody)).to.deep.equal(placed);
    expect(parseServiceBusToken(record!.token)).to.deep.equal({
      messageId: 'a11f788b439b4c5daa6a9f173bf78d68', contentType: 'application/cloudevents+json',
      properties: { $AzureWebJobsParentId: '4cad516d-0081-4fa8-8ddb-2f898c664d2b' },
    });
  });

  it('reads a body handed over as text or bytes as the same CloudEvent', () => {
    const text = JSON.stringify(placed);
    for (const body of [text, Buffer.from(text)]) {
      const [record] = serviceBus.decode(serviceBusMessage(body));
      expect(record!.payload).to.equal(text);
      expect(record!.rawBody).to.equal(text);
    }
  });

  it('counts attempts by one rule: attempts spent before a resent copy plus its own delivery count', () => {
    expect(serviceBusAttempt(serviceBusMessage(placed).triggerMetadata)).to.equal(1);
    expect(serviceBusAttempt(serviceBusMessage(placed, { deliveryCount: 3 }).triggerMetadata)).to.equal(3);
    expect(serviceBusAttempt(serviceBusMessage(placed, { properties: { [RESEND_PROPERTIES.attempts]: 4 } }).triggerMetadata)).to.equal(5);
    expect(serviceBusAttempt(serviceBusMessage(placed, { deliveryCount: 2, properties: { [RESEND_PROPERTIES.attempts]: 4 } }).triggerMetadata)).to.equal(6);
    expect(serviceBusAttempt(undefined)).to.equal(1);
  });

  it('keeps a session as the order key', () => {
    const [record] = serviceBus.decode(serviceBusMessage(placed, { sessionId: 'o-1' }));
    expect(record!.orderKey).to.equal('o-1');
    expect(parseServiceBusToken(record!.token)?.sessionId).to.equal('o-1');
  });

  it('reads the older extension\'s userProperties when applicationProperties is absent', () => {
    expect(applicationPropertiesOf({ userProperties: { a: 1 } })).to.deep.equal({ a: 1 });
    expect(applicationPropertiesOf(undefined)).to.deep.equal({});
  });

  it('refuses tokens it did not make', () => {
    expect(parseServiceBusToken(undefined)).to.equal(undefined);
    expect(parseServiceBusToken('arn:aws:sqs:… handle')).to.equal(undefined);
    expect(parseServiceBusToken('{"not":"a token"}')).to.equal(undefined);
  });

  it('encodes a message that decodes back to the same event, with the promoted properties of a topic message', () => {
    const delivery = serviceBus.encode([placed], { promote: true, orderKey: 'data.orderId', attemptsBefore: 2 });
    expect(delivery.triggerMetadata).to.include({ messageId: placed.id, deliveryCount: 1, sessionId: 'o-1' });
    expect(applicationPropertiesOf(delivery.triggerMetadata)).to.deep.equal({
      [serviceBusPropertyName('type')]: 'OrderPlaced.v1', [serviceBusPropertyName('source')]: 'shop.orders',
      [serviceBusPropertyName('subject')]: 'eu/o-1', [RESEND_PROPERTIES.attempts]: 2,
    });
    const [record] = serviceBus.decode(delivery, 'queue:payments');
    expect(record).to.include({ itemId: placed.id, attempt: 3, orderKey: 'o-1' });
    expect(record!.payload).to.deep.equal(placed);
  });
});
