/** The delivery plan, table-driven: one channel per subscription, each with its own source, attempts, residual, order key, batch and dead-letter target. */
import { expect } from 'chai';
import {
  DEFAULT_BACKOFF, deliveryPlan, inFunctionFilter, minLeaseSeconds, routerFilter, topology, type DeliveryTarget, type FilterCompiler,
} from '../../contracts';
import { OrderPlaced, PaymentFailed, PaymentReceived } from '../../app/events';

/** A target whose bus compiler keeps only `source` native, so residuals are visible. */
const sourceOnly: FilterCompiler = {
  compile: ({ types, where }) => {
    const clauses = routerFilter.compile({ types, ...(where ? { where } : {}) }).native as { field: string }[];
    return { native: clauses.filter((c) => c.field === 'source'), residual: clauses.filter((c) => c.field !== 'source') as never, diagnostics: [] };
  },
};
const TARGET: DeliveryTarget = { name: 'test', compiler: (from) => (from === 'stream' ? inFunctionFilter : sourceOnly), directAttempts: 4 };

function app() {
  const t = topology('d');
  const bus = t.bus('shop');
  const topic = t.topic('alerts');
  const payments = t.queue('payments', { maxAttempts: 6, batch: { size: 5, window: '2s' } });
  const ledger = t.queue('ledger', { orderBy: 'data.orderId' });
  const audit = t.stream('audit', { key: 'data.orderId', maxAttempts: 8, batch: { size: 50 } });
  t.fn('charge', { handler: 'functions/charge-payment.ts', timeout: '10s' })
    .subscribe(bus, { events: [OrderPlaced], via: payments, where: { subject: { prefix: 'eu/' } } })
    .subscribe(bus, { events: [PaymentFailed], where: { source: { in: ['shop.payments'] } }, name: 'charge-failures' });
  t.fn('book', { handler: 'functions/charge-payment.ts' }).subscribe(bus, { events: [OrderPlaced], via: ledger });
  t.fn('feed', { handler: 'functions/audit-orders.ts' }).subscribe(bus, { events: [OrderPlaced, PaymentReceived], via: audit });
  t.fn('watch', { handler: 'functions/audit-orders.ts', timeout: '20s' })
    .subscribe(audit, { events: [OrderPlaced], where: { subject: { prefix: 'eu/' } } })
    .subscribe(topic, { events: [PaymentReceived] });
  t.fn('idle', { handler: 'functions/audit-orders.ts' });
  return t.build();
}

describe('deliveryPlan', () => {
  const plan = deliveryPlan(app(), TARGET);

  const cases = [
    { sub: 'charge-shop', fn: 'charge', source: { kind: 'queue', queue: 'payments', own: false }, sourceKey: 'queue:payments', attempts: 6,
      residual: [{ field: 'subject', op: 'prefix', values: ['eu/'] }], orderKey: undefined, batch: { size: 5, windowSeconds: 2 }, deadLetter: { owner: 'queue', name: 'payments' } },
    // The second subscription of the same function is read directly: its own attempts (the target's direct bound) and residual.
    { sub: 'charge-failures', fn: 'charge', source: { kind: 'direct', bus: 'shop' }, sourceKey: 'direct:shop', attempts: 4,
      residual: [], orderKey: undefined, batch: { size: 1, windowSeconds: 0 }, deadLetter: { owner: 'fn', name: 'charge' } },
    { sub: 'book-shop', fn: 'book', source: { kind: 'queue', queue: 'ledger', own: false }, sourceKey: 'queue:ledger', attempts: 10,
      residual: [], orderKey: 'data.orderId', batch: { size: 10, windowSeconds: 0 }, deadLetter: { owner: 'queue', name: 'ledger' } },
    { sub: 'feed-shop', fn: 'feed', source: { kind: 'stream', stream: 'audit' }, sourceKey: 'stream:audit', attempts: 8,
      residual: [], orderKey: 'data.orderId', batch: { size: 50, windowSeconds: 0 }, deadLetter: { owner: 'stream', name: 'audit' } },
    // Read straight from a stream: the stream filters nothing, so the types are part of the residual.
    { sub: 'watch-audit', fn: 'watch', source: { kind: 'stream', stream: 'audit' }, sourceKey: 'stream:audit', attempts: 8,
      residual: [{ field: 'type', op: 'in', values: ['OrderPlaced.v2', 'OrderPlaced.v1'] }, { field: 'subject', op: 'prefix', values: ['eu/'] }],
      orderKey: 'data.orderId', batch: { size: 50, windowSeconds: 0 }, deadLetter: { owner: 'stream', name: 'audit' } },
    // A topic subscriber without a queue reads through its own, with the queue defaults.
    { sub: 'watch-alerts', fn: 'watch', source: { kind: 'queue', queue: 'alerts-watch-alerts', own: true }, sourceKey: 'queue:alerts-watch-alerts', attempts: 10,
      residual: [], orderKey: undefined, batch: { size: 10, windowSeconds: 0 }, deadLetter: { owner: 'queue', name: 'alerts-watch-alerts' } },
  ] as const;

  for (const c of cases) {
    it(`${c.sub}: ${c.source.kind}${'queue' in c.source ? ` ${c.source.queue}` : ''}, ${c.attempts} attempts, residual ${c.residual.map((r) => r.field).join('+') || 'none'}`, () => {
      const channel = plan.channel(c.sub);
      expect(channel.function).to.equal(c.fn);
      expect(channel.source).to.deep.equal(c.source);
      expect(channel.sourceKey).to.equal(c.sourceKey);
      expect(channel.maxAttempts).to.equal(c.attempts);
      expect(channel.filter.residual).to.deep.equal(c.residual);
      expect(channel.orderKey).to.equal(c.orderKey);
      expect(channel.batch).to.deep.equal(c.batch);
      expect(channel.deadLetter).to.deep.equal(c.deadLetter);
      expect(channel.backoff).to.equal(DEFAULT_BACKOFF);
    });
  }

  it('lists channels in topology order, per function, and none for a function nothing subscribes', () => {
    expect(plan.channels.map((c) => c.subscription)).to.deep.equal(cases.map((c) => c.sub));
    expect(plan.channelsOf('watch').map((c) => c.subscription)).to.deep.equal(['watch-audit', 'watch-alerts']);
    expect(plan.channelsOf('idle')).to.deep.equal([]);
    expect(() => plan.channel('nope')).to.throw(Error, /no subscription "nope" in topology d/);
  });

  it('delivers older versions too, and carries the function timeout', () => {
    expect(plan.channel('feed-shop').types).to.deep.equal(['OrderPlaced.v2', 'OrderPlaced.v1', 'PaymentReceived.v1']);
    expect(plan.channel('watch-alerts').timeoutMs).to.equal(20_000);
  });

  it('is computed once per topology and target', () => {
    const t = app();
    expect(deliveryPlan(t, TARGET)).to.equal(deliveryPlan(t, TARGET));
    expect(deliveryPlan(t, { ...TARGET })).not.to.equal(deliveryPlan(t, TARGET));
  });

  it('bounds a lease by the timeout plus the batch window', () => {
    expect(minLeaseSeconds(plan.channel('charge-shop'))).to.equal(12);
    expect(minLeaseSeconds(plan.channel('watch-alerts'))).to.equal(20);
  });
});
