/**
 * Herald's ingress functions on GCP, configured as `herald invoke` configures them (the one builder,
 * offline names), fed the requests Google sends: a signed webhook, Cloud Scheduler's call, a pushed
 * Cloud Storage notification, Eventarc's Firestore CloudEvent (protobuf, structured and binary mode).
 */
import { expect } from 'chai';
import { shop } from '../../../../app/topology';
import { invokeIngressConfig } from '../../../../providers/gcp/invoke';
import { invokeTarget, type InvokeTarget } from '../../../../providers/gcp/invoke-target';
import { offlineChangeDeadLetterTopic, offlineUploadSubscription } from '../../../../providers/gcp/offline';
import type { DeadLetterSender } from '../../../../providers/gcp/runtime/dead-letter';
import { encodeDocumentEventData, firestoreFields, type DocumentEventData } from '../../../../providers/gcp/runtime/document-event';
import type { GcpRequest } from '../../../../providers/gcp/runtime/entry';
import { SCHEDULE_TIME_HEADER, createIngressHandler } from '../../../../providers/gcp/runtime/ingress';
import { InMemoryClaimCheckStore, RecordingPublisher, signatureHeaders, silentLogger, type ClaimCheckStore } from '../../../../runtime';
import type { Publisher } from '../../../../runtime/publisher';
import { DOCUMENT_EVENT_SIMPLE, storageNotification } from './google-samples';

const SECRET = 's3cret';

function harness(name: string, options: { publisher?: Publisher; now?: () => number; claimCheck?: ClaimCheckStore } = {}) {
  const target = invokeTarget(shop, name) as Exclude<InvokeTarget, { kind: 'function' }>;
  const publisher = new RecordingPublisher();
  const deadLetters: Array<{ topic: string; data?: string; reason: string; source?: string }> = [];
  const deadLetter: DeadLetterSender = async (topic, message, why) => { deadLetters.push({ topic, data: message.data, reason: why.reason, source: why.source }); };
  const handle = createIngressHandler(shop, {
    kind: target.kind, config: invokeIngressConfig(shop, target), env: { PAYMENTS_WEBHOOK_SECRET: SECRET },
    publisher: options.publisher ?? publisher, deadLetter, logger: silentLogger, ...(options.now ? { now: options.now } : {}),
    ...(options.claimCheck ? { claimCheck: options.claimCheck } : {}),
  });
  return { handle, publisher, deadLetters };
}

const failing: Publisher = { async publish() { throw new Error('UNAVAILABLE'); } };

describe('providers/gcp/runtime/ingress', () => {
  describe('webhook', () => {
    const payment = { orderId: 'o-1', paymentId: 'p-1', amount: 20, currency: 'EUR' };
    const signed = (text: string, secret = SECRET, extra: Record<string, string> = {}): GcpRequest => ({
      headers: { 'content-type': 'application/json', ...signatureHeaders('herald', text, secret), ...extra },
      body: JSON.parse(text), rawBody: Buffer.from(text),
    });

    it('verifies the signature over the raw bytes, publishes the event and answers 202 with its id', async () => {
      const h = harness('webhook:payments');
      // Spacing the parsed body would lose: the signature is over the bytes as sent.
      const a = await h.handle(signed(`{ "orderId": "o-1",  "paymentId": "p-1", "amount": 20, "currency": "EUR" }`, SECRET, { 'idempotency-key': 'd-1' }));
      expect(a).to.deep.include({ status: 202, outcome: 'ok' });
      expect(h.publisher.events).to.have.length(1);
      expect(a.body).to.deep.equal({ id: h.publisher.events[0]!.id });
      expect(h.publisher.events[0]).to.deep.include({ type: 'PaymentReceived.v1', data: payment });
    });

    it('refuses a bad signature (401) and data outside the schema (400), publishing nothing', async () => {
      const h = harness('webhook:payments');
      const text = JSON.stringify(payment);
      const forged = await h.handle(signed(text, 'wrong'));
      expect(forged).to.deep.include({ status: 401, outcome: 'refused' });
      expect((forged.body as { error: string }).error).to.equal(forged.reason);
      expect((await h.handle(signed(JSON.stringify({ ...payment, amount: 'x' })))).status).to.equal(400);
      expect(h.publisher.events).to.deep.equal([]);
    });

    it('refuses a method the webhook is not declared for (405), and takes its own', async () => {
      const h = harness('webhook:payments');
      const text = JSON.stringify(payment);
      const get = await h.handle({ ...signed(text), method: 'GET' });
      expect(get).to.deep.equal({ status: 405, outcome: 'refused', reason: 'GET is not allowed; send POST', body: { error: 'GET is not allowed; send POST' } });
      expect((await h.handle({ ...signed(text), method: 'post' })).status).to.equal(202);
      expect(h.publisher.events).to.have.length(1);
    });

    it('answers 503 when the publish fails, so the sender retries', async () => {
      const h = harness('webhook:payments', { publisher: failing });
      expect(await h.handle(signed(JSON.stringify(payment)))).to.deep.include({ status: 503, outcome: 'retry', reason: 'UNAVAILABLE' });
    });
  });

  describe('schedule', () => {
    it("fills {{scheduledTime}} from X-CloudScheduler-ScheduleTime: the run's id and time, whatever the clock says", async () => {
      const h = harness('schedule:nightly-report', { now: () => Date.parse('2026-05-05T05:05:05Z') });
      const a = await h.handle({ headers: { [SCHEDULE_TIME_HEADER]: '2026-03-01T02:00:00Z', 'user-agent': 'Google-Cloud-Scheduler' }, body: Buffer.alloc(0) });
      expect(a).to.deep.include({ status: 200, outcome: 'ok' });
      expect(h.publisher.events.map((e) => [e.id, e.time, e.data])).to.deep.equal([['nightly-report@2026-03-01T02:00:00Z', '2026-03-01T02:00:00Z', { date: '2026-03-01T02:00:00Z' }]]);
    });

    it('takes the time now without the header, and answers 503 when the publish fails so the job retries', async () => {
      const h = harness('schedule:nightly-report', { now: () => Date.parse('2026-05-05T05:05:05.600Z') });
      await h.handle({ headers: {}, body: '' });
      expect(h.publisher.events[0]!.data).to.deep.equal({ date: '2026-05-05T05:05:05Z' });
      expect(await harness('schedule:nightly-report', { publisher: failing }).handle({ headers: {}, body: '' })).to.deep.include({ status: 503, outcome: 'retry' });
    });
  });

  describe('upload', () => {
    const subscription = offlineUploadSubscription('media');
    const pushed = (body: ReturnType<typeof storageNotification>) => ({ headers: {}, body: { ...body, subscription: subscription.subscription } });

    it('publishes the upload of an OBJECT_FINALIZE notification under the prefix: bucket, key, size, content type, the time it happened', async () => {
      const h = harness('upload:media');
      const a = await h.handle(pushed(storageNotification('media', 'uploads/cat.png', { size: '352' })));
      expect(a).to.deep.equal({ status: 204, outcome: 'ok' });
      expect(h.publisher.events).to.have.length(1);
      expect(h.publisher.events[0]).to.deep.include({
        type: 'ImageUploaded.v1', subject: 'uploads/cat.png', time: '2020-05-06T15:14:15.917Z', contenttype: 'image/png',
        data: { bucket: 'media', key: 'uploads/cat.png', size: 352, contentType: 'image/png' },
      });
    });

    it('publishes the same id when the same generation is notified twice (consumers dedupe)', async () => {
      const h = harness('upload:media');
      const again = storageNotification('media', 'uploads/cat.png');
      await h.handle(pushed(again));
      await h.handle(pushed({ ...again, message: { ...again.message, messageId: 'another', message_id: 'another' } }));
      expect(new Set(h.publisher.events.map((e) => e.id)).size).to.equal(1);
    });

    it('acknowledges other event types and keys outside the prefix without publishing', async () => {
      const h = harness('upload:media');
      expect(await h.handle(pushed(storageNotification('media', 'uploads/cat.png', { eventType: 'OBJECT_DELETE' })))).to.deep.include({ status: 204, outcome: 'filtered' });
      expect(await h.handle(pushed(storageNotification('media', 'other/cat.png')))).to.deep.include({ status: 204, outcome: 'filtered' });
      expect(h.publisher.events).to.deep.equal([]);
    });

    it("dead-letters a notification that cannot become the event, to its subscription's dead-letter topic, then acknowledges it", async () => {
      const h = harness('upload:media');
      const bad = storageNotification('media', 'uploads/cat.png', { size: '-1' });
      const a = await h.handle(pushed(bad));
      expect(a).to.deep.include({ status: 204, outcome: 'dead-letter' });
      expect(a.reason).to.match(/^SchemaValidationError/);
      expect(h.deadLetters).to.deep.equal([{ topic: subscription.deadLetterTopic, data: bad.message.data, reason: a.reason, source: subscription.subscription }]);
    });

    it('retries an oversize upload event when the claim check cannot be written now, and stores it when it can', async () => {
      const key = `uploads/${'k'.repeat(300 * 1024)}.png`;
      const down = harness('upload:media', { claimCheck: { put: async () => { throw new Error('503 Service Unavailable'); }, get: async () => '' } });
      expect(await down.handle(pushed(storageNotification('media', key)))).to.deep.equal({ status: 500, outcome: 'retry', reason: 'Error: 503 Service Unavailable' });
      expect(down.deadLetters).to.deep.equal([]);
      const claimCheck = new InMemoryClaimCheckStore();
      const up = harness('upload:media', { claimCheck });
      expect(await up.handle(pushed(storageNotification('media', key)))).to.deep.equal({ status: 204, outcome: 'ok' });
      expect(up.publisher.events[0]!.dataref).to.be.a('string');
    });

    it('answers 500 when the publish fails, so Pub/Sub pushes the notification again', async () => {
      const h = harness('upload:media', { publisher: failing });
      expect(await h.handle(pushed(storageNotification('media', 'uploads/cat.png')))).to.deep.include({ status: 500, outcome: 'retry' });
    });
  });

  describe('change', () => {
    const name = (id: string, collection = 'customers') => `projects/p/databases/(default)/documents/${collection}/${id}`;
    const doc = (id: string, fields: Record<string, unknown>, collection = 'customers') => ({ name: name(id, collection), fields: firestoreFields(fields) });
    /** Eventarc's CloudEvent as the Functions Framework hands it to cloudEvent(): the protobuf data as a Buffer. */
    const written = (data: DocumentEventData, id = 'evt-1') => ({
      headers: {},
      body: {
        specversion: '1.0', id, type: 'google.cloud.firestore.document.v1.written', source: '//firestore.googleapis.com/projects/p/databases/(default)',
        subject: `documents/${(data.value ?? data.oldValue)!.name!.split('/documents/')[1]}`, time: '2026-03-01T10:00:00.123456Z',
        datacontenttype: 'application/protobuf', data: Buffer.from(encodeDocumentEventData(data)),
      },
    });

    it('publishes an update with its old and new values, keyed by the document id', async () => {
      const h = harness('change:customers');
      const before = { customerId: 'c-1', email: 'old@example.com' };
      const after = { customerId: 'c-1', email: 'new@example.com', name: 'Ada' };
      expect(await h.handle(written({ oldValue: doc('c-1', before), value: doc('c-1', after), updateMask: { fieldPaths: ['email', 'name'] } }))).to.deep.equal({ status: 204, outcome: 'ok' });
      expect(h.publisher.events[0]).to.deep.include({
        type: 'CustomerChanged.v1', subject: 'c-1', time: '2026-03-01T10:00:00.123456Z',
        data: { table: 'customers', op: 'modify', keys: { customerId: 'c-1' }, newImage: after, oldImage: before },
      });
    });

    it('reads an insert and a delete, the key from the document id when no field holds it, and the same id for a redelivery', async () => {
      const h = harness('change:customers');
      await h.handle(written({ value: doc('c-2', { customerId: 'c-2', email: 'a@example.com' }) }, 'evt-2'));
      await h.handle(written({ oldValue: doc('c-3', { email: 'b@example.com', customerId: 'c-3' }) }, 'evt-3'));
      await h.handle(written({ value: doc('c-2', { customerId: 'c-2', email: 'a@example.com' }) }, 'evt-2'));
      expect(h.publisher.events.map((e) => [(e.data as { op: string }).op, (e.data as { keys: unknown }).keys])).to.deep.equal([
        ['insert', { customerId: 'c-2' }], ['remove', { customerId: 'c-3' }], ['insert', { customerId: 'c-2' }],
      ]);
      expect(h.publisher.events[0]!.id).to.equal(h.publisher.events[2]!.id);
      expect(h.publisher.events[0]!.id).to.not.equal(h.publisher.events[1]!.id);
    });

    it("reads Google's update sample in JSON form, in structured mode and in binary mode (ce- headers) as `herald invoke` may get them", async () => {
      const renamed = JSON.parse(JSON.stringify(DOCUMENT_EVENT_SIMPLE).replaceAll('gcf-test', 'customers')) as typeof DOCUMENT_EVENT_SIMPLE;
      // The customers schema wants an email and the key in each image.
      for (const f of [renamed.value.fields, renamed.oldValue.fields] as Record<string, unknown>[]) Object.assign(f, { email: { stringValue: 'x@example.com' }, customerId: { stringValue: '2Vm2mI1d0wIaK2Waj5to' } });
      const h = harness('change:customers');
      const attributes = { specversion: '1.0', id: 'evt-4', type: 'google.cloud.firestore.document.v1.written', source: '//firestore.googleapis.com/projects/project-id/databases/(default)' };
      await h.handle({ headers: { 'content-type': 'application/cloudevents+json' }, body: { ...attributes, datacontenttype: 'application/json', data: renamed } });
      const binary = Buffer.from(encodeDocumentEventData({ value: doc('c-5', { customerId: 'c-5', email: 'c@example.com' }) }));
      await h.handle({ headers: { 'ce-specversion': '1.0', 'ce-id': 'evt-5', 'ce-type': attributes.type, 'ce-source': attributes.source, 'content-type': 'application/protobuf' }, body: binary.toString('base64') });
      expect(h.publisher.events.map((e) => e.data)).to.deep.equal([
        {
          table: 'customers', op: 'modify', keys: { customerId: '2Vm2mI1d0wIaK2Waj5to' },
          newImage: { 'another test': 'asd', count: 4, foo: 'bar', email: 'x@example.com', customerId: '2Vm2mI1d0wIaK2Waj5to' },
          oldImage: { 'another test': 'asd', count: 3, foo: 'bar', email: 'x@example.com', customerId: '2Vm2mI1d0wIaK2Waj5to' },
        },
        { table: 'customers', op: 'insert', keys: { customerId: 'c-5' }, newImage: { customerId: 'c-5', email: 'c@example.com' } },
      ]);
    });

    it('ignores writes to another collection, and dead-letters a write that cannot become the event', async () => {
      const h = harness('change:customers');
      expect(await h.handle(written({ value: doc('x', { a: 1 }, 'orders') }))).to.deep.include({ status: 204, outcome: 'filtered' });
      const bad = await h.handle(written({ value: doc('c-6', { customerId: 'c-6', email: 'not an email' }) }, 'evt-6'));
      expect(bad).to.deep.include({ status: 204, outcome: 'dead-letter' });
      const unreadable = await h.handle({ headers: {}, body: { specversion: '1.0', id: 'evt-7', type: 't', source: 's', datacontenttype: 'application/protobuf', data: Buffer.from('garbage!') } });
      expect(unreadable).to.deep.include({ status: 204, outcome: 'dead-letter' });
      expect(unreadable.reason).to.match(/^EnvelopeDecodeError: the event data is not DocumentEventData/);
      expect(h.deadLetters.map((d) => [d.topic, d.source])).to.deep.equal([
        [offlineChangeDeadLetterTopic('customers'), 'change:customers'], [offlineChangeDeadLetterTopic('customers'), 'change:customers'],
      ]);
      expect(Buffer.from(h.deadLetters[1]!.data!, 'base64').toString()).to.equal('garbage!');
      expect(h.publisher.events).to.deep.equal([]);
    });

    it('answers 500 when the publish fails, so Eventarc delivers the write again', async () => {
      const h = harness('change:customers', { publisher: failing });
      expect(await h.handle(written({ value: doc('c-7', { customerId: 'c-7', email: 'd@example.com' }) }))).to.deep.include({ status: 500, outcome: 'retry' });
    });
  });
});
