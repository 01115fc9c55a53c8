/** The push binding and the binary-mode wire, fed Google's published push bodies and Herald's own messages. */
import { expect } from 'chai';
import { CloudEvent, HTTP } from 'cloudevents';
import { decodePush, encodePush, isPushBody, pushBodyOf } from '../../../../providers/gcp/runtime/push';
import { envelopeOfMessage, messageOf } from '../../../../providers/gcp/runtime/wire';
import { envelope } from '../../../fixtures/aws';
import {
  FF_LEGACY_PUBSUB_EVENT, FF_NON_PUBSUB_BODY, FF_RAW_PUBSUB_BODY, MESSAGE_PUBLISHED_DUPLICATED_FIELDS, MESSAGE_PUBLISHED_TEXT,
} from './google-samples';

const order = envelope({ type: 'OrderPlaced.v2', data: { orderId: 'o-1', amount: 20 }, subject: 'orders/o-1', correlationid: 'c-1' });

describe('providers/gcp/runtime/push', () => {
  it("recognises Google's push bodies (both spellings of the id) and nothing else", () => {
    expect(isPushBody(MESSAGE_PUBLISHED_TEXT)).to.equal(true);
    expect(isPushBody(MESSAGE_PUBLISHED_DUPLICATED_FIELDS)).to.equal(true);
    expect(isPushBody(FF_RAW_PUBSUB_BODY)).to.equal(true);
    expect(isPushBody({ subscription: 's', message: { message_id: '7' } })).to.equal(true);
    expect(isPushBody(FF_NON_PUBSUB_BODY)).to.equal(false);
    expect(isPushBody(FF_LEGACY_PUBSUB_EVENT)).to.equal(false);
    expect(isPushBody(null)).to.equal(false);
    expect(isPushBody({ subscription: 's', message: {} })).to.equal(false);
  });

  it('finds the push in a structured messagePublished CloudEvent (MessagePublishedData) but not in a legacy GCF event', () => {
    const event = { specversion: '1.0', type: 'google.cloud.pubsub.topic.v1.messagePublished', source: '//pubsub.googleapis.com/projects/my-project/topics/t', id: 'message-id', data: MESSAGE_PUBLISHED_TEXT };
    expect(pushBodyOf(event)).to.equal(MESSAGE_PUBLISHED_TEXT);
    expect(pushBodyOf(MESSAGE_PUBLISHED_TEXT)).to.equal(MESSAGE_PUBLISHED_TEXT);
    expect(pushBodyOf(FF_LEGACY_PUBSUB_EVENT)).to.equal(undefined);
    expect(pushBodyOf({ specversion: '1.0', data: FF_NON_PUBSUB_BODY })).to.equal(undefined);
  });

  it("reads Google's text sample: the message id, publish time, attempt 1 without deliveryAttempt, the bytes for the pipeline", () => {
    const d = decodePush(MESSAGE_PUBLISHED_TEXT, { 'projects/my-project/subscriptions/my-subscription': 'charge-payment-shop' });
    expect(d).to.deep.include({ subscription: 'projects/my-project/subscriptions/my-subscription', messageId: 'message-id', publishedAt: Date.parse('2021-02-05T04:06:14.109Z') });
    expect(d.record).to.deep.equal({
      itemId: 'message-id', attempt: 1, channel: 'charge-payment-shop', payload: 'test message 3', rawBody: JSON.stringify(MESSAGE_PUBLISHED_TEXT.message),
    });
    expect(d.unreadable).to.equal(undefined);
  });

  it('reads message_id and publish_time when only they are there, and leaves the channel out for an unknown subscription', () => {
    const { message } = MESSAGE_PUBLISHED_DUPLICATED_FIELDS;
    const d = decodePush({ subscription: 'projects/p/subscriptions/other', message: { data: message.data, message_id: 'm-2', publish_time: message.publish_time } });
    expect(d.messageId).to.equal('m-2');
    expect(d.publishedAt).to.equal(Date.parse(message.publish_time));
    expect(d.record).to.not.have.property('channel');
    expect(d.record.payload).to.equal(Buffer.from([1, 2, 3, 4]).toString('utf8'));
  });

  it("hands the functions framework's raw push (JSON that is no CloudEvent) to the pipeline as text, to be refused there", () => {
    const d = decodePush(FF_RAW_PUBSUB_BODY);
    expect(d.record.payload).to.equal('{"foo":"bar"}');
    expect(d).to.not.have.property('publishedAt');
  });

  it('round-trips an envelope through a binary-mode message and its push: attributes, data, ordering key and attempt', () => {
    const body = encodePush(order, { subscription: 'projects/p/subscriptions/s', orderKey: 'data.orderId', deliveryAttempt: 4, messageId: '42' });
    expect(body.message.attributes).to.deep.equal({
      'ce-specversion': '1.0', 'ce-id': order.id, 'ce-source': 'shop.orders', 'ce-type': 'OrderPlaced.v2', 'ce-time': order.time,
      'content-type': 'application/json', 'ce-subject': 'orders/o-1', 'ce-correlationid': 'c-1',
    });
    expect(JSON.parse(Buffer.from(body.message.data!, 'base64').toString())).to.deep.equal(order.data);
    const d = decodePush(body, { 'projects/p/subscriptions/s': 'audit' });
    expect(d.record).to.deep.include({ itemId: '42', attempt: 4, orderKey: 'o-1', channel: 'audit', payload: order });
  });

  it('agrees with the CloudEvents SDK on the binary-mode attributes: ce- headers are the message attributes', () => {
    const { headers } = HTTP.binary(new CloudEvent({ ...order }));
    const { attributes } = messageOf(order);
    for (const [name, value] of Object.entries(attributes)) expect(headers[name], name).to.equal(value);
  });

  it('reads a structured-mode message (content-type application/cloudevents+json) as the CloudEvents JSON format', () => {
    const text = JSON.stringify(order);
    expect(envelopeOfMessage(Buffer.from(text), { 'content-type': 'application/cloudevents+json' })).to.deep.equal({ mode: 'structured', text });
  });

  it('keeps a claim-checked event without data, and reports binary-mode bytes that are not JSON', () => {
    const claimed = { ...order, data: undefined, dataref: 'gs://b/claim-check/x.json' };
    const { data, attributes } = messageOf(claimed as never);
    expect(data.length).to.equal(0);
    const read = envelopeOfMessage(data, attributes);
    expect(read.mode === 'binary' && read.envelope).to.not.have.property('data');
    expect(read.mode === 'binary' && read.envelope.dataref).to.equal('gs://b/claim-check/x.json');
    const bad = decodePush({ subscription: 's', message: { messageId: '1', data: Buffer.from('not json').toString('base64'), attributes } });
    expect(bad.unreadable).to.match(/^EnvelopeDecodeError: the message data is not JSON/);
    expect(bad.record.payload).to.equal('not json');
  });
});
