import { expect } from 'chai';
import { NonRetryableError, on, MAX_EVENT_BYTES, type Envelope, type HandlerDefinition } from '../../contracts';
import {
  EventRegistry, InMemoryClaimCheckStore, InMemoryIdempotencyStore, Pipeline, RecordingPublisher, newEnvelope,
  type Outcome, type PipelineOptions,
} from '../../runtime';
import { OrderPlaced, OrderPlacedV1, PaymentFailed, PaymentReceived, allEvents } from '../../app/events';

const order = { orderId: 'o-1', amount: 42, currency: 'EUR', customerEmail: 'ada@example.com', items: [{ sku: 'tea', quantity: 2, unitPrice: 21 }] };

function pipeline(handler: HandlerDefinition, options: Partial<PipelineOptions> = {}) {
  const publisher = new RecordingPublisher();
  const p = new Pipeline({
    functionName: 'test-fn', handler, registry: new EventRegistry(allEvents), publisher, maxAttempts: 5, ...options,
  });
  return { p, publisher };
}

function expectKind<K extends Outcome['kind']>(outcome: Outcome, kind: K): Extract<Outcome, { kind: K }> {
  expect(outcome.kind, 'reason' in outcome ? outcome.reason : '').to.equal(kind);
  return outcome as Extract<Outcome, { kind: K }>;
}

describe('Pipeline', () => {
  const seen: Envelope[] = [];
  const recorder = on(OrderPlaced, async (event) => { seen.push(event); });
  beforeEach(() => { seen.length = 0; });

  describe('bad input is dead-lettered with its reason, never thrown', () => {
    const v2 = () => newEnvelope(OrderPlaced, { ...order, channel: 'web' });
    const cases: [string, () => string | object, RegExp][] = [
      ['text that is not JSON', () => '{"specversion":', /EnvelopeDecodeError: not JSON/],
      ['JSON that is not an object', () => '[1,2]', /expected a JSON object/],
      ['a wrong specversion', () => ({ ...v2(), specversion: '0.3' }), /unsupported specversion "0.3"/],
      ['a missing id', () => { const { id: _id, ...rest } = v2(); return rest; }, /"id" must be a non-empty string/],
      ['an unknown type', () => ({ ...v2(), type: 'OrderShipped.v1' }), /UnknownEventTypeError: unknown event type "OrderShipped.v1"/],
      ['schema-invalid data', () => ({ ...v2(), data: { ...order, amount: -1, channel: 'web' } }), /SchemaValidationError: OrderPlaced.v2 data is invalid: amount/],
      ['data missing a required field', () => ({ ...v2(), data: { orderId: 'x' } }), /SchemaValidationError.*currency/],
      ['an oversize event', () => JSON.stringify({ ...v2(), data: { ...order, channel: 'web', pad: 'x'.repeat(MAX_EVENT_BYTES) } }), /OversizeEventError: event is \d+ bytes, over the 262144-byte limit/],
      ['a newer version than the handler reads', () => ({ ...v2() }), /cannot read the newer OrderPlaced.v2/],
    ];
    for (const [what, input, reason] of cases) {
      it(what, async () => {
        const handler = what.startsWith('a newer') ? on(OrderPlacedV1, async () => undefined) : recorder;
        const { p, publisher } = pipeline(handler);
        const raw = input();
        const outcome = expectKind(await p.process(typeof raw === 'string' ? raw : JSON.stringify(raw), { attempt: 1 }), 'dead-letter');
        expect(outcome.reason).to.match(reason);
        expect(seen).to.have.length(0);
        expect(publisher.events).to.have.length(0);
      });
    }

    it('keeps the id and type of a readable but invalid event', async () => {
      const { p } = pipeline(recorder);
      const bad = { ...newEnvelope(OrderPlaced, { ...order, channel: 'web' }), data: {} };
      const outcome = expectKind(await p.process(bad, { attempt: 1 }), 'dead-letter');
      expect(outcome.envelope?.id).to.equal(bad.id);
    });

    it('reads bytes as well as text', async () => {
      const { p } = pipeline(recorder);
      const bytes = new TextEncoder().encode(JSON.stringify(newEnvelope(OrderPlaced, { ...order, channel: 'web' })));
      expectKind(await p.process(bytes, { attempt: 1 }), 'ok');
      expect(seen).to.have.length(1);
    });
  });

  describe('upcasting', () => {
    it('hands a v1 event to a v2 handler as a v2 event, keeping its id, and reports the original', async () => {
      const { p } = pipeline(recorder);
      const v1 = newEnvelope(OrderPlacedV1, order);
      const outcome = expectKind(await p.process(JSON.stringify(v1), { attempt: 1 }), 'ok');
      expect(seen[0]!.data).to.deep.equal({ ...order, channel: 'web' });
      expect(seen[0]!.id).to.equal(v1.id);
      expect(seen[0]!.type).to.equal('OrderPlaced.v2');
      expect(outcome.envelope.type).to.equal('OrderPlaced.v1');
    });

    it('strips unknown fields (the schema is the contract)', async () => {
      const { p } = pipeline(recorder);
      const v2 = { ...newEnvelope(OrderPlaced, { ...order, channel: 'web' }) };
      const withExtra = { ...v2, data: { ...v2.data, internal: true } };
      expectKind(await p.process(withExtra, { attempt: 1 }), 'ok');
      expect(seen[0]!.data).to.not.have.property('internal');
    });
  });

  describe('an envelope the transport checked as it decoded it (Delivery.checkedBy)', () => {
    // Data the schema refuses, so whether the pipeline parsed it again shows in the outcome.
    const refused = () => ({ ...newEnvelope(OrderPlaced, { ...order, channel: 'web' }), data: { ...order, amount: -1, channel: 'web' } });

    it('is not parsed again when it was checked by the very definition the handler reads it with', async () => {
      const { p } = pipeline(recorder);
      expectKind(await p.process(refused(), { attempt: 1, checkedBy: OrderPlaced }), 'ok');
      expect((seen[0]!.data as { amount: number }).amount).to.equal(-1);
    });

    it('is parsed again when checked by another definition (code swapped since): same type, another object', async () => {
      const { p } = pipeline(recorder);
      const other = { ...OrderPlaced };
      expect(expectKind(await p.process(refused(), { attempt: 1, checkedBy: other }), 'dead-letter').reason).to.match(/SchemaValidationError.*amount/);
      expect(seen).to.have.length(0);
    });

    it('is parsed when its data comes from the claim-check store: nobody checked that data', async () => {
      const store = new InMemoryClaimCheckStore();
      const { data: _data, ...envelope } = newEnvelope(OrderPlaced, { ...order, channel: 'web' });
      const claimed = { ...envelope, dataref: await store.put(envelope.id, JSON.stringify({ ...order, amount: -1, channel: 'web' })) };
      const { p } = pipeline(recorder, { claimCheck: store });
      expect(expectKind(await p.process(claimed, { attempt: 1, checkedBy: OrderPlaced }), 'dead-letter').reason).to.match(/SchemaValidationError.*amount/);
    });
  });

  describe('correlation', () => {
    it('a published event inherits correlationid and trace, and is caused by the handled event', async () => {
      const handler = on(OrderPlaced, async (event, ctx) => {
        await ctx.publish(PaymentReceived, { orderId: event.data.orderId, paymentId: 'p', amount: 1, currency: 'EUR' });
      });
      const { p, publisher } = pipeline(handler);
      const incoming = newEnvelope(OrderPlaced, { ...order, channel: 'web' }, { correlationId: 'req-7' });
      const outcome = expectKind(await p.process(incoming, { attempt: 1 }), 'ok');
      const [out] = publisher.events;
      expect(outcome.published).to.deep.equal(publisher.events);
      expect(out!.correlationid).to.equal('req-7');
      expect(out!.causationid).to.equal(incoming.id);
      expect(out!.traceparent!.split('-')[1]).to.equal(incoming.traceparent!.split('-')[1]);
      expect(out!.traceparent).to.not.equal(incoming.traceparent);
      expect(out!.source).to.equal('shop.payments');
    });

    it('uses the event id as correlation id when the event has none', async () => {
      let correlationId = '';
      const { p } = pipeline(on(OrderPlaced, async (_e, ctx) => { correlationId = ctx.correlationId; }));
      const { correlationid: _c, ...bare } = newEnvelope(OrderPlaced, { ...order, channel: 'web' });
      await p.process(bare, { attempt: 1 });
      expect(correlationId).to.equal(bare.id);
    });

    it('republishes the same ids when a handler is retried', async () => {
      let fail = true;
      const handler = on(OrderPlaced, async (e, ctx) => {
        await ctx.publish(PaymentFailed, { orderId: e.data.orderId, reason: 'r' });
        if (fail) throw new Error('flaky');
      });
      const { p, publisher } = pipeline(handler);
      const event = newEnvelope(OrderPlaced, { ...order, channel: 'web' });
      expectKind(await p.process(event, { attempt: 1 }), 'retry');
      expect(publisher.events, 'a failed attempt publishes nothing').to.have.length(0);
      fail = false;
      const first = expectKind(await p.process(event, { attempt: 2 }), 'ok').published[0]!.id;
      const again = expectKind(await pipeline(handler).p.process(event, { attempt: 3 }), 'ok').published[0]!.id;
      expect(first).to.equal(again);
    });
  });

  describe('classification', () => {
    const event = () => newEnvelope(OrderPlaced, { ...order, channel: 'web' });

    it('retries a failing handler with a growing backoff ceiling, then dead-letters at maxAttempts', async () => {
      const { p } = pipeline(on(OrderPlaced, async () => { throw new Error('boom'); }), { backoff: { baseMs: 100, random: () => 0.999 } });
      const delays: number[] = [];
      for (let attempt = 1; attempt < 5; attempt++) delays.push(expectKind(await p.process(event(), { attempt }), 'retry').delayMs);
      expect(delays).to.deep.equal([99, 199, 399, 799]);
      expect(expectKind(await p.process(event(), { attempt: 5 }), 'dead-letter').reason).to.equal('gave up after 5 attempts: Error: boom');
    });

    it('dead-letters a NonRetryableError at once', async () => {
      const { p } = pipeline(on(OrderPlaced, async () => { throw new NonRetryableError('card stolen'); }));
      expect(expectKind(await p.process(event(), { attempt: 1 }), 'dead-letter').reason).to.equal('NonRetryableError: card stolen');
    });

    it('fails an attempt that runs past the timeout and aborts its signal', async () => {
      let signal: AbortSignal | undefined;
      const { p } = pipeline(on(OrderPlaced, (_e, ctx) => { signal = ctx.signal; return new Promise<void>(() => undefined); }), { timeoutMs: 20 });
      const outcome = expectKind(await p.process(event(), { attempt: 1 }), 'retry');
      expect(outcome.reason).to.equal('HandlerTimeoutError: handler did not finish within 20 ms');
      expect(signal!.aborted).to.equal(true);
    });

    it('refuses a publish the function did not declare', async () => {
      const handler = on(OrderPlaced, async (e, ctx) => { await ctx.publish(PaymentFailed, { orderId: e.data.orderId, reason: 'x' }); });
      const { p, publisher } = pipeline(handler, { allowedPublishes: ['PaymentReceived.v1'] });
      expect(expectKind(await p.process(event(), { attempt: 1 }), 'retry').reason).to.match(/UndeclaredPublishError: test-fn may not publish PaymentFailed.v1/);
      expect(publisher.events).to.have.length(0);
    });

    it('refuses to publish invalid data', async () => {
      const handler = on(OrderPlaced, async (_e, ctx) => { await ctx.publish(PaymentFailed, { orderId: '', reason: 'x' }); });
      expect(expectKind(await pipeline(handler).p.process(event(), { attempt: 1 }), 'retry').reason).to.match(/SchemaValidationError: PaymentFailed.v1 data is invalid: orderId/);
    });

    it('retries when the publisher fails, and publishes nothing twice', async () => {
      const handler = on(OrderPlaced, async (e, ctx) => { await ctx.publish(PaymentFailed, { orderId: e.data.orderId, reason: 'x' }); });
      const { p } = pipeline(handler, { publisher: { publish: async () => { throw new Error('throttled'); } } });
      expect(expectKind(await p.process(event(), { attempt: 1 }), 'retry').reason).to.equal('Error: throttled');
    });
  });

  describe('residual filter and deduplication', () => {
    it('acks an event the residual filter rejects without running the handler', async () => {
      const { p } = pipeline(recorder, { residual: [{ field: 'subject', op: 'prefix', values: ['eu/'] }] });
      expectKind(await p.process(newEnvelope(OrderPlaced, { ...order, channel: 'web' }, { subject: 'us/1' }), { attempt: 1 }), 'filtered');
      expectKind(await p.process(newEnvelope(OrderPlaced, { ...order, channel: 'web' }, { subject: 'eu/1' }), { attempt: 1 }), 'ok');
      expect(seen).to.have.length(1);
    });

    it('acks an unwanted type the residual filter rejects instead of dead-lettering it', async () => {
      const { p } = pipeline(recorder, { residual: [{ field: 'type', op: 'in', values: ['OrderPlaced.v1', 'OrderPlaced.v2'] }] });
      const other = newEnvelope(PaymentFailed, { orderId: 'o', reason: 'r' });
      expectKind(await p.process(JSON.stringify(other), { attempt: 1 }), 'filtered');
    });

    it('runs a handler once per event id, and again after a failed attempt', async () => {
      let calls = 0;
      const handler = on(OrderPlaced, async () => { if (++calls === 1) throw new Error('first fails'); });
      const { p } = pipeline(handler, { idempotency: new InMemoryIdempotencyStore() });
      const event = newEnvelope(OrderPlaced, { ...order, channel: 'web' });
      expectKind(await p.process(event, { attempt: 1 }), 'retry');
      expectKind(await p.process(event, { attempt: 2 }), 'ok');
      expectKind(await p.process(event, { attempt: 1 }), 'duplicate');
      expect(calls).to.equal(2);
    });
  });

  describe('claim check', () => {
    it('offloads oversize published data and reads it back on delivery', async () => {
      const store = new InMemoryClaimCheckStore();
      const big = 'x'.repeat(MAX_EVENT_BYTES);
      const handler = on(OrderPlaced, async (e, ctx) => { await ctx.publish(PaymentFailed, { orderId: e.data.orderId, reason: big }); });
      const { p, publisher } = pipeline(handler, { claimCheck: store });
      expectKind(await p.process(newEnvelope(OrderPlaced, { ...order, channel: 'web' }), { attempt: 1 }), 'ok');
      const [sent] = publisher.events;
      expect(sent!.data).to.equal(undefined);
      expect(sent!.dataref).to.match(/^memory:\/\/claim-check\//);

      let reason = '';
      const consumer = pipeline(on(PaymentFailed, async (e) => { reason = e.data.reason; }), { claimCheck: store }).p;
      expectKind(await consumer.process(JSON.stringify(sent), { attempt: 1 }), 'ok');
      expect(reason).to.have.length(big.length);
    });

    it('fails the attempt when oversize data has nowhere to go', async () => {
      const handler = on(OrderPlaced, async (e, ctx) => { await ctx.publish(PaymentFailed, { orderId: e.data.orderId, reason: 'x'.repeat(MAX_EVENT_BYTES) }); });
      expect(expectKind(await pipeline(handler).p.process(newEnvelope(OrderPlaced, { ...order, channel: 'web' }), { attempt: 1 }), 'retry').reason).to.match(/OversizeEventError/);
    });
  });
});
