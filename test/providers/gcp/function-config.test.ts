/** The one builder of a Cloud Function's runtime config and environment (deploy and `herald invoke` both call it). */
import { expect } from 'chai';
import { CustomerChanged, ImageUploaded, OrderPlaced, PaymentReceived, ReportRequested } from '../../../app/events';
import { ENV, deliveryPlan, hmacSha256, topology } from '../../../contracts';
import { GCP_DELIVERY } from '../../../providers/gcp/filter';
import {
  changeConfig, functionConfig, functionEnvironment, publishOrderKeys, publishTarget, scheduleConfig, uploadConfig, webhookConfig,
} from '../../../providers/gcp/function-config';
import { GCP_CONFIG_ENV, readGcpConfig } from '../../../providers/gcp/runtime/config';

const P = 'projects/prj';
function app(options: { secondKey?: boolean } = {}) {
  const t = topology('f').event(OrderPlaced, PaymentReceived, ImageUploaded, CustomerChanged, ReportRequested);
  const bus = t.bus('shop');
  const payments = t.queue('payments', { maxAttempts: 7, orderBy: 'subject' });
  const audit = t.stream('audit', { key: 'subject', maxEventAge: '30m' });
  t.fn('charge', { handler: 'functions/charge-payment.ts', timeout: '10s', publishes: { to: bus, events: [PaymentReceived] } })
    .subscribe(bus, { events: [OrderPlaced], via: payments, name: 'eu', where: { subject: { prefix: 'eu/' } } })
    .subscribe(bus, { events: [PaymentReceived], name: 'paid' });
  t.fn('audit', { handler: 'functions/audit-orders.ts' }).subscribe(bus, { events: [OrderPlaced], via: audit, name: 'audited' });
  if (options.secondKey) {
    const other = t.queue('other', { orderBy: 'data.orderId' });
    t.fn('other', { handler: 'functions/audit-orders.ts' }).subscribe(bus, { events: [OrderPlaced], via: other, name: 'other' });
  }
  t.webhook('hook', { path: '/hook', verify: hmacSha256('HOOK_SECRET'), emits: PaymentReceived, to: bus });
  t.schedule('nightly', { cron: '0 2 * * *', emits: ReportRequested, to: bus, data: { date: '{{scheduledTime}}' } });
  t.bucket('media', { onUpload: { prefix: 'up/', emits: ImageUploaded, to: bus } });
  t.table('customers', { partitionKey: 'customerId', sortKey: 'region', onChange: { emits: CustomerChanged, to: bus } });
  const built = t.build();
  return { t: built, plan: deliveryPlan(built, GCP_DELIVERY) };
}

const names = (sub: string) => ({ subscription: `${P}/subscriptions/${sub}-x1`, deadLetterTopic: `${P}/topics/${sub}-dlt` });
const ingress = { project: 'prj', publishTopic: `${P}/topics/shop`, claimCheckBucket: 'cc' };

describe('providers/gcp/function-config', () => {
  it("maps each push subscription to its channel and dead-letter topic, with every channel of the plan", () => {
    const { t, plan } = app();
    const spec = t.functions.find((f) => f.name === 'charge')!;
    const config = functionConfig(t, plan, spec, {
      project: 'prj', channels: { eu: names('eu'), paid: names('paid') }, publishTopic: `${P}/topics/shop`,
      idempotency: { database: '(default)', collection: 'ids' }, claimCheckBucket: 'cc',
    });
    expect(config).to.deep.include({
      kind: 'function', name: 'charge', project: 'prj', timeoutMs: 10_000, allowedPublishes: ['PaymentReceived.v1'],
      publishTo: { topic: `${P}/topics/shop`, orderKey: 'subject' },
      subscriptions: { [names('eu').subscription]: { channel: 'eu', deadLetterTopic: names('eu').deadLetterTopic }, [names('paid').subscription]: { channel: 'paid', deadLetterTopic: names('paid').deadLetterTopic } },
      idempotency: { database: '(default)', collection: 'ids' }, claimCheckBucket: 'cc',
    });
    expect(config.channels.map((c) => [c.subscription, c.maxAttempts, c.orderKey])).to.deep.equal([['eu', 7, 'subject'], ['paid', 5, undefined]]);
    expect(config.channels).to.deep.equal(plan.channelsOf('charge').map((c) => config.channels.find((x) => x.subscription === c.subscription)));
  });

  it("gives a stream's subscription its maxEventAge", () => {
    const { t, plan } = app();
    const config = functionConfig(t, plan, t.functions.find((f) => f.name === 'audit')!, { project: 'prj', channels: { audited: names('audited') } });
    expect(config.subscriptions[names('audited').subscription]).to.deep.equal({ channel: 'audited', deadLetterTopic: names('audited').deadLetterTopic, maxEventAgeMs: 1_800_000 });
    expect(config).to.not.have.property('publishTo');
    expect(config).to.not.have.property('idempotency');
  });

  it('names what is missing: a channel without a push subscription, the topic of a function that publishes', () => {
    const { t, plan } = app();
    const spec = t.functions.find((f) => f.name === 'charge')!;
    expect(() => functionConfig(t, plan, spec, { project: 'prj', channels: { eu: names('eu') }, publishTopic: 't' })).to.throw(Error, 'function charge: subscription paid has no push subscription');
    expect(() => functionConfig(t, plan, spec, { project: 'prj', channels: { eu: names('eu'), paid: names('paid') } })).to.throw(Error, 'function charge publishes to bus shop, which has no topic');
  });

  it("sets the ordering key its ordered readers need where events are published, and refuses two different keys on one topic", () => {
    const { plan } = app();
    expect(publishOrderKeys(plan, { kind: 'bus', name: 'shop' })).to.deep.equal(['subject']);
    expect(publishTarget(plan, { kind: 'bus', name: 'shop' }, 't')).to.deep.equal({ topic: 't', orderKey: 'subject' });
    const two = app({ secondKey: true });
    expect(publishOrderKeys(two.plan, { kind: 'bus', name: 'shop' })).to.deep.equal(['subject', 'data.orderId']);
    expect(() => publishTarget(two.plan, { kind: 'bus', name: 'shop' }, 't')).to.throw(Error, 'bus shop feeds ordered subscriptions keyed by subject and data.orderId; a Pub/Sub message carries one ordering key');
    const unordered = topology('u');
    const bus = unordered.bus('b');
    unordered.fn('f', { handler: 'x.ts' }).subscribe(bus, { events: [OrderPlaced] });
    expect(publishTarget(deliveryPlan(unordered.event(OrderPlaced).build(), GCP_DELIVERY), { kind: 'bus', name: 'b' }, 't')).to.deep.equal({ topic: 't' });
  });

  it('builds each ingress config: webhook, schedule, upload with its notification subscription, change with its database and keys', () => {
    const { t, plan } = app();
    const common = { project: 'prj', emits: '', publishTo: { topic: `${P}/topics/shop`, orderKey: 'subject' }, claimCheckBucket: 'cc' };
    expect(webhookConfig(plan, t.webhooks[0]!, ingress)).to.deep.equal({ ...common, emits: 'PaymentReceived.v1', kind: 'webhook', name: 'hook', verify: { scheme: 'herald', secretEnv: 'HOOK_SECRET' } });
    expect(scheduleConfig(plan, t.schedules[0]!, ingress)).to.deep.equal({ ...common, emits: 'ReportRequested.v1', kind: 'schedule', name: 'nightly' });
    const bucket = t.buckets[0]! as typeof t.buckets[0] & { onUpload: NonNullable<(typeof t.buckets)[0]['onUpload']> };
    expect(uploadConfig(plan, bucket, { ...ingress, bucket: 'prj-media', ...names('media') })).to.deep.equal({
      ...common, emits: 'ImageUploaded.v1', kind: 'upload', bucket: 'prj-media', prefix: 'up/', subscriptions: { [names('media').subscription]: { deadLetterTopic: names('media').deadLetterTopic } },
    });
    const table = t.tables[0]! as typeof t.tables[0] & { onChange: NonNullable<(typeof t.tables)[0]['onChange']> };
    expect(changeConfig(plan, table, { ...ingress, collection: 'customers', database: 'herald' })).to.deep.equal({
      ...common, emits: 'CustomerChanged.v1', kind: 'change', table: 'customers', database: 'herald', keyNames: ['customerId', 'region'],
    });
  });

  it("writes the environment: the function's own variables, its name, the stack, and the config that readGcpConfig reads back", () => {
    const { t, plan } = app();
    const config = webhookConfig(plan, t.webhooks[0]!, ingress);
    const env = functionEnvironment(config, { HOOK_SECRET: 's', [GCP_CONFIG_ENV]: 'user value loses' }, 'dev');
    expect(env).to.deep.equal({ HOOK_SECRET: 's', [ENV.functionName]: 'webhook:hook', [ENV.stack]: 'dev', [GCP_CONFIG_ENV]: JSON.stringify(config) });
    expect(readGcpConfig(env)).to.deep.equal(config);
    expect(() => readGcpConfig({ [GCP_CONFIG_ENV]: '{' })).to.throw(Error, 'HERALD_GCP_CONFIG is not JSON');
  });
});
