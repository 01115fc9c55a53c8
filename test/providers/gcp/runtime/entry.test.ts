/**
 * The push entry of a user function, configured as `herald invoke` and the deploy side configure it (the
 * one builder, offline names): what it answers Pub/Sub for each outcome, and what it dead-letters where.
 */
import { expect } from 'chai';
import { OrderPlaced } from '../../../../app/events';
import { shop } from '../../../../app/topology';
import { NonRetryableError, on, toClauses, type Envelope } from '../../../../contracts';
import { handler as auditOrders } from '../../../../functions/audit-orders';
import { handler as chargePayment } from '../../../../functions/charge-payment';
import { invokeConfig } from '../../../../providers/gcp/invoke';
import { offlineChannel } from '../../../../providers/gcp/offline';
import { GCP_CONFIG_ENV, type GcpFunctionConfig } from '../../../../providers/gcp/runtime/config';
import type { DeadLetterSender } from '../../../../providers/gcp/runtime/dead-letter';
import { createPushHandler, type PushHandlerDeps } from '../../../../providers/gcp/runtime/entry';
import { encodePush } from '../../../../providers/gcp/runtime/push';
import { InMemoryClaimCheckStore, InMemoryIdempotencyStore, RecordingPublisher, silentLogger } from '../../../../runtime';
import { envelope } from '../../../fixtures/aws';
import { FF_LEGACY_PUBSUB_EVENT, FF_NON_PUBSUB_BODY, FF_RAW_PUBSUB_BODY } from './google-samples';

const charge = invokeConfig(shop, 'charge-payment');
const audit = invokeConfig(shop, 'audit-orders');
const payments = offlineChannel({ subscription: charge.channels[0]!.subscription });
const auditing = offlineChannel({ subscription: audit.channels[0]!.subscription });

const item = { sku: 'sku-1', quantity: 1, unitPrice: 20 };
const order = (id: string, extra: Record<string, unknown> = {}): Envelope => envelope({
  id, type: 'OrderPlaced.v2', subject: `orders/${id}`,
  data: { orderId: id, amount: 20, currency: 'EUR', customerEmail: 'a@example.com', items: [item], channel: 'web', ...extra },
});

/** A request pushing `e` through `subscription`. */
const push = (e: Envelope, subscription: string, deliveryAttempt = 1, publishTime?: string) => {
  const body = encodePush(e, { subscription, deliveryAttempt });
  return { headers: { 'content-type': 'application/json' }, body: publishTime ? { ...body, message: { ...body.message, publishTime } } : body };
};

function harness(config: GcpFunctionConfig, handler = chargePayment, extra: Partial<PushHandlerDeps> = {}) {
  const publisher = new RecordingPublisher();
  const deadLetters: Array<{ topic: string; messageId?: string; reason: string; functionName: string; source?: string }> = [];
  const deadLetter: DeadLetterSender = async (topic, message, why) => { deadLetters.push({ topic, messageId: message.messageId, ...why }); };
  const handle = createPushHandler(handler, { config, publisher, deadLetter, idempotency: new InMemoryIdempotencyStore(), logger: silentLogger, ...extra });
  return { handle, publisher, deadLetters };
}

describe('providers/gcp/runtime/entry', () => {
  it('handles an order pushed through its queue subscription: 204 ok, the payment published with its cause', async () => {
    const h = harness(charge);
    expect(await h.handle(push(order('o-1'), payments.subscription))).to.deep.equal({ status: 204, outcome: 'ok' });
    expect(h.publisher.events.map((e) => [e.type, e.subject, e.causationid])).to.deep.equal([['PaymentReceived.v1', 'orders/o-1', 'o-1']]);
    expect(h.deadLetters).to.deep.equal([]);
  });

  it('answers 500 while attempts are left (the subscription redelivers after its backoff), and dead-letters on the last one', async () => {
    const h = harness(charge);
    const failing = order('o-2', { customerEmail: 'x@fail.example' });
    const first = await h.handle(push(failing, payments.subscription, 1));
    expect(first).to.deep.include({ status: 500, outcome: 'retry' });
    expect(first.reason).to.match(/payment processor unavailable/);
    expect(h.deadLetters).to.deep.equal([]);
    const last = await h.handle(push(failing, payments.subscription, charge.channels[0]!.maxAttempts));
    expect(last).to.deep.include({ status: 204, outcome: 'dead-letter' });
    expect(h.deadLetters).to.have.length(1);
    expect(h.deadLetters[0]).to.deep.include({ topic: payments.deadLetterTopic, functionName: 'charge-payment', source: payments.subscription });
    expect(h.deadLetters[0]!.reason).to.match(/^gave up after 5 attempts: Error: payment processor unavailable/);
  });

  it("dead-letters bad input at once and acknowledges it: the functions framework's raw push (JSON that is no CloudEvent), and data that does not fit the schema", async () => {
    const h = harness(charge);
    const raw = await h.handle({ headers: {}, body: { ...FF_RAW_PUBSUB_BODY, subscription: payments.subscription } });
    expect(raw).to.deep.include({ status: 204, outcome: 'dead-letter' });
    expect(raw.reason).to.match(/^EnvelopeDecodeError: unsupported specversion/);
    const invalid = await h.handle(push(order('o-3', { amount: 'twenty' }), payments.subscription));
    expect(invalid).to.deep.include({ status: 204, outcome: 'dead-letter' });
    expect(invalid.reason).to.match(/^SchemaValidationError/);
    expect(h.deadLetters.map((d) => [d.topic, d.messageId])).to.deep.equal([[payments.deadLetterTopic, '1'], [payments.deadLetterTopic, h.deadLetters[1]!.messageId]]);
    expect(h.publisher.events).to.deep.equal([]);
  });

  it('dead-letters a NonRetryableError on the first attempt', async () => {
    const refusing = on(OrderPlaced, async () => { throw new NonRetryableError('card declined for good'); });
    const h = harness(charge, refusing);
    const a = await h.handle(push(order('o-4'), payments.subscription, 1));
    expect(a).to.deep.equal({ status: 204, outcome: 'dead-letter', reason: 'NonRetryableError: card declined for good' });
    expect(h.deadLetters.map((d) => d.topic)).to.deep.equal([payments.deadLetterTopic]);
  });

  it('answers 500 when the dead-letter topic refuses the message, so Pub/Sub delivers it again', async () => {
    const h = harness(charge, chargePayment, { deadLetter: async () => { throw new Error('PERMISSION_DENIED'); } });
    const a = await h.handle(push(order('o-5', { amount: 'twenty' }), payments.subscription));
    expect(a).to.deep.include({ status: 500, outcome: 'retry' });
  });

  it("forgets an event given up on whose dead letter failed, so its redelivery is dead-lettered then, not taken for a duplicate", async () => {
    let refuse = true;
    const topics: string[] = [];
    const h = harness(charge, chargePayment, {
      deadLetter: async (topic) => { if (refuse) throw new Error('UNAVAILABLE'); topics.push(topic); },
    });
    const failing = order('o-14', { customerEmail: 'x@fail.example' });
    expect(await h.handle(push(failing, payments.subscription, 5))).to.deep.include({ status: 500, outcome: 'retry' });
    refuse = false;
    expect(await h.handle(push(failing, payments.subscription, 6))).to.deep.include({ status: 204, outcome: 'dead-letter' });
    expect(topics).to.deep.equal([payments.deadLetterTopic]);
    expect(await h.handle(push(failing, payments.subscription, 7))).to.deep.equal({ status: 204, outcome: 'duplicate' });
  });

  it('answers 400 to what is not a push: a plain request, a legacy GCF event', async () => {
    const h = harness(charge);
    expect(await h.handle({ headers: {}, body: FF_NON_PUBSUB_BODY })).to.deep.equal({ status: 400, outcome: 'retry', reason: 'the request body is not a Pub/Sub push' });
    expect((await h.handle({ headers: {}, body: FF_LEGACY_PUBSUB_EVENT })).status).to.equal(400);
    expect(h.deadLetters).to.deep.equal([]);
  });

  it("acknowledges a copy of an event already handled as a duplicate, without running the handler again", async () => {
    const h = harness(charge);
    await h.handle(push(order('o-6'), payments.subscription));
    expect(await h.handle(push(order('o-6'), payments.subscription))).to.deep.equal({ status: 204, outcome: 'duplicate' });
    expect(h.publisher.events).to.have.length(1);
  });

  it("dead-letters a stream delivery published longer ago than the stream's maxEventAge, and runs a younger one", async () => {
    const h = harness(audit, auditOrders, { now: () => Date.parse('2026-03-01T12:00:00Z') });
    expect(audit.subscriptions[auditing.subscription]!.maxEventAgeMs).to.equal(3_600_000);
    const old = await h.handle(push(order('o-7'), auditing.subscription, 1, '2026-03-01T10:59:59Z'));
    expect(old).to.deep.include({ status: 204, outcome: 'dead-letter' });
    expect(old.reason).to.match(/^EventTooOldError: published 3601 s ago, past the stream's maxEventAge of 3600 s/);
    expect(h.deadLetters.map((d) => d.topic)).to.deep.equal([auditing.deadLetterTopic]);
    expect(await h.handle(push(order('o-8'), auditing.subscription, 1, '2026-03-01T11:30:00Z'))).to.deep.equal({ status: 204, outcome: 'ok' });
  });

  it("acknowledges an event its residual filter does not want as filtered", async () => {
    const channel = { ...charge.channels[0]!, residual: toClauses({ subject: { prefix: 'orders/eu-' } }) };
    const h = harness({ ...charge, channels: [channel] });
    expect(await h.handle(push(order('us-1'), payments.subscription))).to.deep.equal({ status: 204, outcome: 'filtered' });
    expect(await h.handle(push(order('eu-1'), payments.subscription))).to.deep.equal({ status: 204, outcome: 'ok' });
  });

  it('runs a push from a subscription it does not know by the event type, and leaves its dead letter to Pub/Sub (no topic here)', async () => {
    const h = harness(charge);
    expect(await h.handle(push(order('o-9'), 'projects/p/subscriptions/by-hand'))).to.deep.equal({ status: 204, outcome: 'ok' });
    const bad = await h.handle(push(order('o-10', { amount: 'x' }), 'projects/p/subscriptions/by-hand'));
    expect(bad).to.deep.include({ status: 500, outcome: 'retry' });
    expect(h.deadLetters).to.deep.equal([]);
  });

  it('reads a claim-checked event (no message data, ce-dataref) from the claim-check store', async () => {
    const claimCheck = new InMemoryClaimCheckStore();
    const { data, ...claimed } = order('o-15');
    const dataref = await claimCheck.put('o-15', JSON.stringify(data));
    const h = harness(charge, chargePayment, { claimCheck });
    const request = push({ ...claimed, dataref } as Envelope, payments.subscription);
    expect(request.body.message).to.not.have.property('data');
    expect(await h.handle(request)).to.deep.equal({ status: 204, outcome: 'ok' });
    expect(h.publisher.events.map((e) => e.subject)).to.deep.equal(['orders/o-15']);
  });

  it('reads its config from HERALD_GCP_CONFIG once, and refuses an ingress config', async () => {
    const publisher = new RecordingPublisher();
    const handle = createPushHandler(chargePayment, { env: { [GCP_CONFIG_ENV]: JSON.stringify(charge) }, publisher, idempotency: new InMemoryIdempotencyStore(), logger: silentLogger });
    expect((await handle(push(order('o-11'), payments.subscription))).outcome).to.equal('ok');
    const ingress = createPushHandler(chargePayment, { env: { [GCP_CONFIG_ENV]: JSON.stringify({ kind: 'webhook', name: 'w' }) } });
    let error: unknown;
    await ingress(push(order('o-12'), payments.subscription)).catch((e) => { error = e; });
    expect((error as Error).message).to.equal('HERALD_GCP_CONFIG is for a webhook ingress, not a function');
    const unset = createPushHandler(chargePayment, { env: {} });
    await unset(push(order('o-13'), payments.subscription)).catch((e) => { error = e; });
    expect((error as Error).message).to.match(/^HERALD_GCP_CONFIG is not set/);
  });
});
