import { expect } from 'chai';
import { z } from 'zod';
import { defineEvent, topology, type Topology } from '../../../contracts';
import { EventRegistry } from '../../../runtime';
import { consoleModel } from '../../../providers/local';
import { LOCAL_DELIVERY } from '../../../providers/local/delivery';
import { shop } from '../../../app/topology';

function modelOf(t: Topology, env: Record<string, string> = {}) {
  return consoleModel({ topology: t, registry: new EventRegistry(t.events), delivery: LOCAL_DELIVERY, env, nextFire: () => new Date('2026-01-02T02:00:00Z') });
}

describe('the console model (console-model.ts)', () => {
  const model = modelOf(shop);
  const edge = (from: string, to: string) => model.edges.filter((e) => e.from === from && e.to === to);

  it('has a node per source, bus, topic, queue (declared or a subscriber\'s own), stream and function', () => {
    const ids = model.nodes.map((n) => n.id);
    expect(ids).to.include.members([
      'source:events', 'source:webhook:payments', 'source:schedule:nightly-report', 'source:bucket:media', 'source:table:customers',
      'bus:shop', 'topic:order-notifications', 'queue:payments', 'stream:order-audit',
      'queue:order-notifications-send-confirmation-order-notifications', 'queue:order-notifications-notify-warehouse-order-notifications',
      'function:charge-payment', 'function:send-confirmation', 'function:build-report',
    ]);
    expect(new Set(ids).size, 'ids are unique').to.equal(ids.length);
    expect(model.nodes.find((n) => n.id === 'queue:order-notifications-send-confirmation-order-notifications')!.detail).to.equal('own queue of send-confirmation · maxAttempts 10');
  });

  it('routes each subscription through its hop from the delivery plan, its filter on the edge it enters by', () => {
    expect(edge('bus:shop', 'queue:payments')).to.deep.equal([{ from: 'bus:shop', to: 'queue:payments', kind: 'routes', label: 'OrderPlaced.v2', filter: [], subscription: 'charge-payment-shop' }]);
    expect(edge('queue:payments', 'function:charge-payment').map((e) => e.kind)).to.deep.equal(['delivers']);
    expect(edge('bus:shop', 'function:make-thumbnail')).to.deep.equal([{
      from: 'bus:shop', to: 'function:make-thumbnail', kind: 'routes', label: 'ImageUploaded.v1', filter: ['contenttype prefix "image/"'], subscription: 'make-thumbnail-shop',
    }]);
    expect(edge('topic:order-notifications', 'queue:order-notifications-notify-warehouse-order-notifications')[0]!.kind).to.equal('routes');
    expect(edge('bus:shop', 'stream:order-audit')[0]!.label).to.equal('OrderPlaced.v2, PaymentReceived.v1, PaymentFailed.v1');
  });

  it('draws what sources emit and functions publish', () => {
    expect(edge('source:webhook:payments', 'bus:shop')[0]).to.include({ kind: 'emits', label: 'PaymentReceived.v1' });
    expect(edge('source:events', 'bus:shop')[0]).to.include({ kind: 'emits', label: 'any event' });
    expect(edge('function:charge-payment', 'bus:shop')[0]).to.include({ kind: 'publishes', label: 'PaymentReceived.v1, PaymentFailed.v1' });
    expect(edge('function:confirm-order', 'topic:order-notifications')[0]).to.include({ kind: 'publishes', label: 'OrderConfirmed.v1' });
  });

  it('gives each subscription its hop and the upcasts it applies, for the trace view', () => {
    const charge = model.subscriptions.find((s) => s.name === 'charge-payment-shop')!;
    expect(charge).to.deep.include({ function: 'charge-payment', from: 'bus shop', hop: { kind: 'queue', name: 'payments', own: false }, events: ['OrderPlaced.v2'], maxAttempts: 5 });
    expect(charge.upcasts).to.deep.equal({ 'OrderPlaced.v1': 'OrderPlaced.v2' });
    expect(model.subscriptions.find((s) => s.name === 'confirm-order-shop')!.hop).to.deep.equal({ kind: 'direct', name: 'shop', own: false });
    expect(model.subscriptions.find((s) => s.name === 'send-confirmation-order-notifications')!.hop).to.deep.equal({ kind: 'queue', name: 'order-notifications-send-confirmation-order-notifications', own: true });
    expect(model.functions.find((f) => f.name === 'charge-payment')!.publishes).to.deep.equal(['PaymentReceived.v1', 'PaymentFailed.v1']);
  });

  it('offers every declared wire type, older versions too, each with an example its schema accepts', () => {
    const registry = new EventRegistry(shop.events);
    expect(model.events.map((e) => e.type)).to.include.members(['OrderPlaced.v2', 'OrderPlaced.v1', 'ReportRequested.v1']);
    for (const e of model.events) {
      expect(e.example, e.type).to.not.equal(undefined);
      expect(e.example!.type).to.equal(e.type);
      expect(registry.get(e.type).schema.safeParse(e.example!.data).success, e.type).to.equal(true);
    }
  });

  it('says why an event has no example instead of offering one that would be refused', () => {
    const Picky = defineEvent({ type: 'Picky', version: 1, source: 'test', schema: z.object({ code: z.string().refine((s) => s === 'only-this') }) });
    const t = topology('t');
    t.fn('f', { handler: 'x.ts' }).subscribe(t.bus('b'), { events: [Picky] });
    const [picky] = modelOf(t.build()).events;
    expect(picky!.example).to.equal(undefined);
    expect(picky!.exampleError).to.match(/Picky\.v1/);
  });

  it('tells whether each webhook secret is set, and when each schedule fires next', () => {
    expect(model.webhooks).to.deep.equal([{ name: 'payments', path: '/webhooks/payments', method: 'POST', emits: 'PaymentReceived.v1', secretEnv: 'PAYMENTS_WEBHOOK_SECRET', secretSet: false }]);
    expect(modelOf(shop, { PAYMENTS_WEBHOOK_SECRET: 's' }).webhooks[0]!.secretSet).to.equal(true);
    expect(model.schedules).to.deep.equal([{ name: 'nightly-report', cron: '0 2 * * *', emits: 'ReportRequested.v1', next: '2026-01-02T02:00:00.000Z' }]);
  });

  it('puts a filter of a subscription read straight from a stream on the edge out of the stream', () => {
    const Tick = defineEvent({ type: 'Tick', version: 1, source: 'test', schema: z.object({ n: z.number() }) });
    const t = topology('t');
    const stream = t.stream('s', { key: 'data.n' });
    t.fn('f', { handler: 'x.ts' }).subscribe(stream, { events: [Tick], where: { subject: { prefix: 'a/' } } });
    const m = modelOf(t.build());
    expect(m.edges.filter((e) => e.kind !== 'emits')).to.deep.equal([
      { from: 'stream:s', to: 'function:f', kind: 'delivers', label: 'Tick.v1', filter: ['subject prefix "a/"'], subscription: 'f-s' },
    ]);
  });
});
