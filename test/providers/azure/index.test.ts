/** The Azure provider as a whole: its portability report, every kind and route realized, validation of Azure's limits at once. */
import { expect } from 'chai';
import { deliveryPlan, featuresOf, topology, TopologyError, UnsupportedFeatureError } from '../../../contracts';
import { OrderPlaced, PaymentReceived } from '../../../app/events';
import { shop } from '../../../app/topology';
import { AZURE_CAPABILITIES, azure, firstInto } from '../../../providers/azure';
import { realizeOnAzure, resourcesOf } from '../../helpers/azure-mocks';
import { expectReject } from '../../helpers/reject';
import { everyKind, WEBHOOK_SECRET } from '../../helpers/topologies';

describe('azure provider', () => {
  it('realizes every kind and every route but the ones it reports unsupported', async function () {
    this.timeout(120_000); // a bundle per function
    const { result } = await realizeOnAzure(everyKind(), ...WEBHOOK_SECRET);
    const t = everyKind();
    for (const [kind, list] of [['functions', t.functions], ['subscriptions', t.subscriptions], ['queues', t.queues], ['webhooks', t.webhooks]] as const) {
      expect(Object.keys(result.outputs[kind] ?? {}).sort(), kind).to.deep.equal(list.map((r) => r.name).sort());
    }
    expect(resourcesOf('herald:azure:Subscription')).to.have.length(t.subscriptions.length);
  });

  it('reports what the example app loses on Azure, and refuses nothing in it', () => {
    const uses = featuresOf(shop);
    expect(uses.filter((u) => AZURE_CAPABILITIES.unsupported[u.key] !== undefined && !u.key.startsWith('alarm.'))).to.deep.equal([]);
    expect(uses.filter((u) => AZURE_CAPABILITIES.degraded[u.key] !== undefined).map((u) => u.field)).to.deep.equal(['streams[order-audit]', 'tables[customers].onChange']);
    expect(AZURE_CAPABILITIES.alarmSubstitutes).to.deep.equal({ oldestMessageAge: { metric: 'depth', threshold: 1000 } });
  });

  it('refuses an ordered queue fed by a topic before creating anything', async () => {
    const t = topology('o').event(PaymentReceived);
    t.fn('book', { handler: 'functions/charge-payment.ts', timeout: '10s' }).subscribe(t.topic('notes'), { events: [PaymentReceived], via: t.queue('ledger', { orderBy: 'subject' }) });
    await expectReject(realizeOnAzure(t.build()), UnsupportedFeatureError, /forwards to a session queue only messages that carry a session id/);
    expect(resourcesOf('azure-native:servicebus:Queue')).to.have.length(0);
  });

  it("reports every Azure limit a topology breaks at once, with the field path", () => {
    const t = topology('v').event(OrderPlaced);
    const audit = t.stream('audit', { key: 'subject', retention: '30d' });
    t.fn('big', { handler: 'functions/charge-payment.ts', memory: 10_240, concurrency: 5_000 }).subscribe(t.bus('orders'), { events: [OrderPlaced], via: audit });
    const issues = azure.validate(t.build());
    expect(issues.map((i) => i.field)).to.deep.equal(['functions[big].memory', 'functions[big].concurrency', 'streams[audit].retention', 'azure-native:location']);
  });

  it('rejects the topology with every problem in one error', async () => {
    const t = topology('v').event(OrderPlaced);
    t.fn('big', { handler: 'functions/charge-payment.ts', memory: 10_240 }).subscribe(t.bus('orders'), { events: [OrderPlaced] });
    const error = await expectReject(realizeOnAzure(t.build()), TopologyError);
    expect(error.issues.map((i) => i.field)).to.deep.equal(['functions[big].memory']);
  });

  it('lets the first subscription of a bus into a queue grant Event Grid, and only it', () => {
    const t = topology('g').event(OrderPlaced, PaymentReceived);
    const bus = t.bus('orders');
    const q = t.queue('payments');
    t.fn('a', { handler: 'functions/charge-payment.ts' }).subscribe(bus, { events: [OrderPlaced], via: q }).subscribe(bus, { name: 'a-paid', events: [PaymentReceived], via: q });
    const built = t.build();
    const plan = deliveryPlan(built, azure.delivery);
    expect(plan.channels.map((c) => firstInto(plan, c))).to.deep.equal([true, false]);
  });
});
