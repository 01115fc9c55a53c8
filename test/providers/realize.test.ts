/** The shared driver: validation first and whole, capabilities before any resource, dependency order, lookups. */
import { expect } from 'chai';
import {
  hmacSha256, InvalidOptionError, routerFilter, topology, TopologyError, UnsupportedFeatureError, type Capabilities, type CloudProvider,
  type ProviderKind, type Realized, type RealizeContext, type Topology, type TopologyIssue,
} from '../../contracts';
import { ImageUploaded, OrderPlaced, PaymentReceived, ReportRequested } from '../../app/events';
import { defaultAlarms, realize, REALIZE_ORDER, translateAlarms } from '../../providers/realize';
import { expectReject } from '../helpers/reject';

const APP = { module: '/app/topology.ts', exportName: 'app', root: '/app' };

/** A provider that creates nothing: it records each call and what it could look up. */
function recorder(unsupported: Capabilities['unsupported'] = {}, more: Partial<Capabilities> = {}, validate: (t: Topology) => TopologyIssue[] = () => []) {
  const calls: string[] = [];
  const realized = (kind: ProviderKind, name: string): Realized => ({ outputs: { id: `${kind}/${name}` } });
  const method = (kind: ProviderKind) => (spec: { name: string }, ctx: RealizeContext) => {
    calls.push(`${kind}:${spec.name}`);
    if (kind === 'subscription') ctx.get('fn', (spec as any).function); // a subscription needs its function already
    return realized(kind, spec.name);
  };
  const provider = Object.fromEntries(REALIZE_ORDER.map((k) => [k, method(k)])) as unknown as CloudProvider;
  const delivery = { name: 'test', compiler: () => routerFilter, directAttempts: 3 };
  return { provider: Object.assign(provider, { name: 'aws' as const, capabilities: { unsupported, degraded: {}, ...more }, delivery, validate }), calls };
}

function app(): Topology {
  const t = topology('shop');
  const bus = t.bus('shop');
  const q = t.queue('payments');
  t.alarm('charge-errors', { on: { kind: 'fn', name: 'charge' }, metric: 'errors', threshold: 1 });
  t.fn('charge', { handler: 'functions/charge-payment.ts' }).subscribe(bus, { events: [OrderPlaced], via: q });
  t.webhook('pay', { path: '/pay', verify: hmacSha256('SECRET'), emits: PaymentReceived, to: bus });
  t.schedule('nightly', { cron: '0 2 * * *', emits: ReportRequested, to: bus, data: { date: '{{scheduledTime}}' } });
  t.bucket('media', { onUpload: { prefix: 'u/', emits: ImageUploaded, to: bus } });
  return t.build();
}

describe('realize', () => {
  it('calls the provider kind by kind in dependency order, whatever the declaration order', async () => {
    const { provider, calls } = recorder();
    await realize(app(), provider, { app: APP });
    expect(calls).to.deep.equal([
      'foundation:shop', 'bus:shop', 'queue:payments', 'stores:shop', 'bucket:media', 'fn:charge', 'subscription:charge-shop', 'schedule:nightly', 'webhook:pay',
      'alarm:charge-errors', 'alarm:payments-age', 'alarm:payments-dead-letters',
    ]);
  });

  it('passes a context whose lookups find what was realized and name what was not', async () => {
    const t = app();
    let ctx: RealizeContext | undefined;
    const { provider } = recorder();
    provider.stores = (_spec, c) => {
      ctx = c;
      expect(() => c.get('fn', 'charge')).to.throw(Error, /fn "charge" is not realized yet; realize order is foundation → bus → topic/);
      return { outputs: {} };
    };
    await realize(t, provider, { app: APP, stack: 'prod' });
    expect(ctx!.get('queue', 'payments').outputs).to.deep.equal({ id: 'queue/payments' });
    expect(ctx!.find('queue', 'nope')).to.equal(undefined);
    expect(ctx).to.include({ cloud: 'aws', topology: t, app: APP, stack: 'prod' });
    expect(ctx!.plan.channel('charge-shop')).to.include({ function: 'charge', sourceKey: 'queue:payments', maxAttempts: 10 });
  });

  it('collects the outputs by kind and logical name', async () => {
    const { provider } = recorder();
    const { outputs, resources } = await realize(app(), provider, { app: APP });
    expect(outputs.queues).to.deep.equal({ payments: { id: 'queue/payments' } });
    expect(outputs.webhooks).to.deep.equal({ pay: { id: 'webhook/pay' } });
    expect(outputs).not.to.have.property('topics');
    expect(resources.fn.get('charge')!.outputs).to.deep.equal({ id: 'fn/charge' });
  });

  it('reports a bad topology whole, before calling the provider', async () => {
    const t = topology('bad');
    const bus = t.bus('shop');
    t.queue('Payments', { maxAttempts: 99 });
    t.fn('charge', { handler: 'functions/charge.py', timeout: '20m' }).subscribe(bus, { events: [OrderPlaced], via: { kind: 'queue', name: 'nope' } });
    t.schedule('nightly', { cron: '0 2 * *', emits: ReportRequested, to: bus });
    const { provider, calls } = recorder();
    const error = await expectReject(realize(t.build(), provider, { app: APP }), TopologyError, /the topology has 6 problem\(s\)/);
    expect(error.issues.map((i) => i.field)).to.deep.equal([
      'queues[Payments].name', 'queues[Payments].maxAttempts', 'functions[charge].handler', 'functions[charge].timeout',
      'subscriptions[charge-shop].via', 'schedules[nightly].cron',
    ]);
    expect(calls).to.deep.equal([]);
  });

  it("reports the cloud's own limits with the portable problems' form, before calling the provider", async () => {
    const tooBig = (t: Topology) => t.functions.filter((f) => f.memory > 4096).map((f) => new InvalidOptionError(`functions[${f.name}].memory`, 'too much'));
    const { provider, calls } = recorder({}, {}, tooBig);
    const t = topology('big');
    t.fn('huge', { handler: 'functions/charge-payment.ts', memory: 8192 });
    const error = await expectReject(realize(t.build(), provider, { app: APP }), TopologyError, /1 problem/);
    expect(error.issues.map((i) => i.field)).to.deep.equal(['functions[huge].memory']);
    expect(calls).to.deep.equal([]);
  });

  it('deploys a degraded feature with a warning naming the field and what is lost', async () => {
    const { provider, calls } = recorder({}, { degraded: { 'subscription.from.bus.via.orderedQueue': 'ordered as a whole, not per key' } });
    const t = topology('o');
    const bus = t.bus('shop');
    const q = t.queue('ledger', { orderBy: 'data.orderId' });
    t.fn('book', { handler: 'functions/charge-payment.ts' }).subscribe(bus, { events: [OrderPlaced], via: q });
    const warnings: string[] = [];
    await realize(t.build(), provider, { app: APP, warn: (m) => warnings.push(m) });
    expect(warnings).to.deep.equal(['[subscriptions[book-shop].via] via an ordered queue from a bus is degraded on aws: ordered as a whole, not per key']);
    expect(calls).to.include('subscription:book-shop');
  });

  it('translates default alarms: a missing metric takes its substitute, or is left out, and says so', () => {
    const t = topology('a');
    const bus = t.bus('b');
    const q = t.queue('q');
    const s = t.stream('s', { key: 'subject' });
    t.fn('f', { handler: 'functions/charge-payment.ts' }).subscribe(bus, { events: [OrderPlaced], via: q });
    t.fn('g', { handler: 'functions/audit-orders.ts' }).subscribe(bus, { events: [OrderPlaced], via: s });
    const provider = {
      name: 'aws' as const,
      capabilities: {
        unsupported: { 'alarm.oldestMessageAge.queue': 'no age', 'alarm.iteratorAge.stream': 'no iterator' },
        degraded: {},
        alarmSubstitutes: { oldestMessageAge: { metric: 'depth' as const, threshold: 1000 } },
      },
    };
    const { alarms, notes } = translateAlarms(defaultAlarms(t.build()), provider);
    expect(alarms.map((a) => [a.name, a.metric, a.threshold])).to.deep.equal([
      ['q-age', 'depth', 1000], ['q-dead-letters', 'deadLetters', 0], ['s-dead-letters', 'deadLetters', 0],
    ]);
    expect(notes).to.deep.equal([
      'queue q: aws has no oldestMessageAge metric; its default alarm q-age watches depth > 1000 instead',
      'stream s: aws has no iteratorAge metric; default alarm s-iterator-age is left out',
    ]);
  });

  it("reports a schedule whose data does not fit its event with the cloud's problems, before calling the provider", async () => {
    const { provider, calls } = recorder();
    const t = topology('s');
    const bus = t.bus('shop');
    t.schedule('nightly', { cron: '0 2 * * *', emits: ReportRequested, to: bus });
    const error = await expectReject(realize(t.build(), provider, { app: APP }), TopologyError, /1 problem/);
    expect(error.issues.map((i) => i.field)).to.deep.equal(['schedules[nightly].data']);
    expect(calls).to.deep.equal([]);
  });

  it('refuses what the cloud cannot honour before creating anything, naming cloud, kind, option and field', async () => {
    const { provider, calls } = recorder({ 'queue.orderBy': 'no FIFO here', 'bucket.onUpload': 'no uploads here' });
    const t = topology('o');
    const bus = t.bus('shop');
    const q = t.queue('ledger', { orderBy: 'data.orderId' });
    t.fn('book', { handler: 'functions/charge-payment.ts' }).subscribe(bus, { events: [OrderPlaced], via: q });
    t.bucket('media', { onUpload: { prefix: 'u/', emits: ImageUploaded, to: bus } });
    await expectReject(realize(t.build(), provider, { app: APP }), UnsupportedFeatureError,
      /^aws cannot realize queue option "orderBy": \[queues\[ledger\]\.orderBy\] no FIFO here; also \[buckets\[media\]\.onUpload\] onUpload$/);
    expect(calls).to.deep.equal([]);
  });

  it('gives every queue and stream its default alarms, unless turned off or declared', () => {
    const t = topology('a');
    const bus = t.bus('b');
    const q = t.queue('q', { alarmOnAge: '2m' });
    t.queue('quiet', { alarmOnAge: false });
    const s = t.stream('s', { key: 'subject' });
    t.alarm('q-old', { on: q, metric: 'oldestMessageAge', threshold: 60 });
    t.fn('f', { handler: 'functions/audit-orders.ts' }).subscribe(bus, { events: [OrderPlaced], via: s });
    expect(defaultAlarms(t.build()).map((a) => [a.name, a.metric, a.threshold])).to.deep.equal([
      ['q-dead-letters', 'deadLetters', 0], ['s-iterator-age', 'iteratorAge', 300], ['s-dead-letters', 'deadLetters', 0],
    ]);
  });

  it('refuses a declared alarm that takes a default alarm\'s name', () => {
    const t = topology('a');
    t.queue('q');
    t.fn('f', { handler: 'functions/charge-payment.ts' });
    t.alarm('q-age', { on: { kind: 'fn', name: 'f' }, metric: 'errors', threshold: 1 });
    expect(() => defaultAlarms(t.build())).to.throw(TopologyError, /"q-age" is the name of queue q's default oldestMessageAge alarm/);
  });
});
