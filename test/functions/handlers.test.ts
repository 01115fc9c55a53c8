import { expect } from 'chai';
import { on, type Logger } from '../../contracts';
import { EventRegistry, Pipeline, RecordingPublisher, newEnvelope, type Outcome } from '../../runtime';
import {
  CustomerChanged, ImageUploaded, OrderConfirmed, OrderPlaced, OrderPlacedV1, PaymentFailed, PaymentReceived, ReportRequested, allEvents,
} from '../../app/events';
import { handler as chargePayment, CHARGE_LIMIT } from '../../functions/charge-payment';
import { handler as auditOrders } from '../../functions/audit-orders';
import { handler as buildReport } from '../../functions/build-report';
import { handler as confirmOrder } from '../../functions/confirm-order';
import { handler as makeThumbnail } from '../../functions/make-thumbnail';
import { handler as notifyWarehouse } from '../../functions/notify-warehouse';
import { handler as sendConfirmation } from '../../functions/send-confirmation';
import { handler as syncCustomer } from '../../functions/sync-customer';

const order = { orderId: 'o-9', amount: 120, currency: 'EUR', customerEmail: 'ada@example.com', items: [{ sku: 'tea', quantity: 1, unitPrice: 120 }], channel: 'web' as const };

function run(handler: ReturnType<typeof on<any>>, event: object) {
  const lines: Record<string, unknown>[] = [];
  const logger: Logger & { child(f: Record<string, unknown>): Logger } = {
    debug() {}, info: (message, fields) => lines.push({ message, ...fields }), warn() {}, error() {}, child: () => logger,
  };
  const publisher = new RecordingPublisher();
  const p = new Pipeline({ functionName: 'f', handler, registry: new EventRegistry(allEvents), publisher, logger });
  return p.process(event, { attempt: 1 }).then((outcome: Outcome) => ({ outcome, published: publisher.events, lines }));
}

describe('example handlers', () => {
  describe('charge-payment', () => {
    it('publishes PaymentReceived for an order within the limit, on the order subject', async () => {
      const { outcome, published } = await run(chargePayment, newEnvelope(OrderPlaced, order));
      expect(outcome.kind).to.equal('ok');
      expect(published.map((e) => [e.type, e.subject, e.data])).to.deep.equal([
        ['PaymentReceived.v1', 'orders/o-9', { orderId: 'o-9', paymentId: 'pay_o-9', amount: 120, currency: 'EUR' }],
      ]);
    });

    it('publishes PaymentFailed over the limit', async () => {
      const { published } = await run(chargePayment, newEnvelope(OrderPlaced, { ...order, amount: CHARGE_LIMIT + 1 }));
      expect(published.map((e) => e.type)).to.deep.equal([PaymentFailed.wireType]);
    });

    it('reads v1 orders (upcast to the web channel)', async () => {
      const { channel: _c, ...v1 } = order;
      const { lines } = await run(chargePayment, newEnvelope(OrderPlacedV1, v1));
      expect(lines[0]).to.include({ message: 'payment charged', channel: 'web' });
    });

    it('fails, retryably, for @fail.example customers (the poison path)', async () => {
      const { outcome, published } = await run(chargePayment, newEnvelope(OrderPlaced, { ...order, customerEmail: 'x@fail.example' }));
      expect(outcome.kind).to.equal('retry');
      expect(published).to.deep.equal([]);
    });
  });

  it('audit-orders records each kind of order event', async () => {
    const statuses: unknown[] = [];
    for (const e of [
      newEnvelope(OrderPlaced, order),
      newEnvelope(PaymentReceived, { orderId: 'o-9', paymentId: 'p', amount: 1, currency: 'EUR' }),
      newEnvelope(PaymentFailed, { orderId: 'o-9', reason: 'r' }),
    ]) statuses.push((await run(auditOrders, e)).lines[0]!.status);
    expect(statuses).to.deep.equal(['placed', 'paid', 'payment-failed']);
  });

  it('audit-orders recognises a v1 order, upcast, as placed', async () => {
    const { channel: _c, ...v1 } = order;
    expect((await run(auditOrders, newEnvelope(OrderPlacedV1, v1))).lines[0]).to.include({ status: 'placed' });
  });

  const payment = { orderId: 'o-9', paymentId: 'pay_o-9', amount: 120, currency: 'EUR' };

  it('confirm-order announces a paid order once, as OrderConfirmed on the order subject', async () => {
    const { outcome, published, lines } = await run(confirmOrder, newEnvelope(PaymentReceived, payment));
    expect(outcome.kind).to.equal('ok');
    expect(published.map((e) => [e.type, e.subject, e.data])).to.deep.equal([['OrderConfirmed.v1', 'orders/o-9', payment]]);
    expect(lines[0]).to.include({ message: 'order confirmed', orderId: 'o-9' });
  });

  it('send-confirmation writes the confirmation of a confirmed order', async () => {
    const { outcome, lines } = await run(sendConfirmation, newEnvelope(OrderConfirmed, payment));
    expect(outcome.kind).to.equal('ok');
    expect(lines[0]).to.include({ message: 'confirmation sent', text: 'Order o-9 is paid: 120.00 EUR' });
  });

  it('notify-warehouse asks the warehouse to pick a confirmed order', async () => {
    const { outcome, lines } = await run(notifyWarehouse, newEnvelope(OrderConfirmed, payment));
    expect(outcome.kind).to.equal('ok');
    expect(lines[0]).to.include({ message: 'warehouse notified', pickList: 'picks/o-9' });
  });

  describe('sync-customer', () => {
    const change = (op: 'insert' | 'modify' | 'remove', newEmail?: string, oldEmail?: string) => newEnvelope(CustomerChanged, {
      table: 'customers', op, keys: { customerId: 'c-1' },
      ...(newEmail ? { newImage: { customerId: 'c-1', email: newEmail } } : {}),
      ...(oldEmail ? { oldImage: { customerId: 'c-1', email: oldEmail } } : {}),
    });

    it('subscribes a new customer and a changed address, skips a change that keeps the address, unsubscribes a removed one', async () => {
      const cases = [
        [change('insert', 'ada@example.com'), { message: 'customer subscribed', email: 'ada@example.com', op: 'insert' }],
        [change('modify', 'ada@example.org', 'ada@example.com'), { message: 'customer subscribed', email: 'ada@example.org', op: 'modify' }],
        [change('modify', 'ada@example.org', 'ada@example.org'), { message: 'customer unchanged for the mailing list' }],
        [change('remove', undefined, 'ada@example.org'), { message: 'customer unsubscribed', email: 'ada@example.org' }],
      ] as const;
      for (const [event, line] of cases) {
        const { outcome, lines } = await run(syncCustomer, event);
        expect(outcome.kind).to.equal('ok');
        expect(lines[0]).to.include({ customerId: 'c-1', ...line });
      }
    });

    it('dead-letters a change whose image is not a customer (schema-invalid)', async () => {
      const bad = { ...change('insert', 'ada@example.com'), data: { table: 'customers', op: 'insert', keys: { customerId: 'c-1' }, newImage: { customerId: 'c-1', email: 'nope' } } };
      const { outcome } = await run(syncCustomer, bad);
      expect(outcome.kind).to.equal('dead-letter');
    });
  });

  it('make-thumbnail writes under thumbnails/', async () => {
    const { lines } = await run(makeThumbnail, newEnvelope(ImageUploaded, { bucket: 'media', key: 'uploads/cat.png', size: 3, contentType: 'image/png' }));
    expect(lines[0]).to.include({ thumbnail: 'thumbnails/cat.png' });
  });

  it('build-report names the report after the day of a scheduled time', async () => {
    const { lines } = await run(buildReport, newEnvelope(ReportRequested, { date: '2026-11-30T02:00:00.000Z' }));
    expect(lines[0]).to.include({ report: 'reports/2026-11-30.csv' });
  });
});
