/** The Kafka provider as a whole: the example app's inventory, topic settings, capabilities and outputs. */
import { expect } from 'chai';
import { shop } from '../../../app/topology';
import { OrderPlaced } from '../../../app/events';
import { deliveryPlan, featuresOf, topology, UnsupportedFeatureError } from '../../../contracts';
import { KAFKA_CAPABILITIES, kafka } from '../../../providers/kafka';
import { KAFKA_DEFAULTS } from '../../../providers/kafka/config';
import { KAFKA_DELIVERY } from '../../../providers/kafka/delivery';
import { kafkaNames } from '../../../providers/kafka/topics';
import { DEV_KAFKA, realizeOnKafka, topicsByName } from '../../helpers/kafka-mocks';
import { promiseOf } from '../../helpers/outputs';
import { findResource, inventoryOf, resources } from '../../helpers/pulumi-mocks';
import { expectReject } from '../../helpers/reject';

const count = (types: string[]) => types.reduce<Record<string, number>>((acc, t) => ({ ...acc, [t]: (acc[t] ?? 0) + 1 }), {});
const names = kafkaNames('shop', 'test');
const DAY = 86_400_000;

describe('kafka provider', () => {
  it('is named kafka and refuses nothing the example app uses', () => {
    expect(kafka.name).to.equal('kafka');
    expect(featuresOf(shop).filter((f) => KAFKA_CAPABILITIES.unsupported[f.key])).to.deep.equal([]);
    for (const reason of Object.values(KAFKA_CAPABILITIES.unsupported)) expect(reason).to.match(/; /); // says what to do instead
  });

  it('realizes the example app: one component per broker kind and function, topics and ACLs, no resource for what the Herald process runs', async () => {
    await realizeOnKafka(shop);
    expect(count(resources().filter((r) => r.type.startsWith('herald:')).map((r) => r.type))).to.deep.equal({
      'herald:kafka:Foundation': 1, 'herald:kafka:Bus': 1, 'herald:kafka:Topic': 1, 'herald:kafka:Queue': 1, 'herald:kafka:Stream': 1,
      'herald:kafka:Stores': 1, 'herald:kafka:Function': 9, 'herald:kafka:Subscription': 9,
    });
    expect(inventoryOf(findResource('herald:kafka:Foundation', 'shop'))).to.deep.equal({ 'pulumi:providers:kafka': 1 });
    expect(inventoryOf(findResource('herald:kafka:Queue', 'payments'))).to.deep.equal({ 'kafka:index/topic:Topic': 2 }); // the queue, its dead letters
    expect(inventoryOf(findResource('herald:kafka:Stream', 'order-audit'))).to.deep.equal({ 'kafka:index/topic:Topic': 2 });
    // The topic, and a queue with its dead letters per subscriber reading through its own queue.
    expect(inventoryOf(findResource('herald:kafka:Topic', 'order-notifications'))).to.deep.equal({ 'kafka:index/topic:Topic': 5 });
    expect(inventoryOf(findResource('herald:kafka:Stores', 'shop'))).to.deep.equal({ 'kafka:index/topic:Topic': 2 }); // outcomes, claims
    // Every subscription has its retry topic (an ordered channel retries in place, but redrives come in there too).
    for (const s of shop.subscriptions) expect(inventoryOf(findResource('herald:kafka:Subscription', s.name)), s.name).to.deep.equal({ 'kafka:index/topic:Topic': 1 });
    // A function reading the bus directly owns its dead-letter topic.
    expect(inventoryOf(findResource('herald:kafka:Function', 'confirm-order'))).to.deep.include({ 'kafka:index/topic:Topic': 1 });
    expect(inventoryOf(findResource('herald:kafka:Function', 'charge-payment'))).not.to.have.property('kafka:index/topic:Topic');
    expect(resources().every((r) => r.type.startsWith('herald:') || r.parent)).to.equal(true);
  });

  it('declares every topic the naming rule gives the app, and no other', async () => {
    await realizeOnKafka(shop);
    const plan = deliveryPlan(shop, KAFKA_DELIVERY);
    const expected = new Set([
      names.bus('shop'), names.topic('order-notifications'), names.queue('payments'), names.stream('order-audit'), names.outcomes, names.claims,
      ...plan.channels.map((c) => names.source(c)), ...plan.channels.map((c) => names.deadLetter(c)),
      ...plan.channels.map((c) => names.retry(c)),
    ]);
    expect([...topicsByName().keys()].sort()).to.deep.equal([...expected].sort());
    expect(topicsByName().size).to.equal(resources().filter((r) => r.type === 'kafka:index/topic:Topic').length); // each declared once
  });

  it('gives every topic the configured partitions, replication and min.insync.replicas', async () => {
    await realizeOnKafka(shop, { ...DEV_KAFKA, 'herald:kafkaPartitions': '12', 'herald:kafkaReplicationFactor': '3', 'herald:kafkaMinInsyncReplicas': '2' });
    for (const [name, t] of topicsByName()) {
      expect(t.inputs, name).to.include({ partitions: 12, replicationFactor: 3 });
      expect(t.inputs.config['min.insync.replicas'], name).to.equal('2');
    }
    await realizeOnKafka(shop);
    const bus = topicsByName().get(names.bus('shop'))!;
    expect(bus.inputs).to.include({ partitions: KAFKA_DEFAULTS.partitions, replicationFactor: KAFKA_DEFAULTS.replicationFactor });
    expect(bus.inputs.config).to.deep.equal({ 'min.insync.replicas': '1', 'cleanup.policy': 'delete', 'retention.ms': String(7 * DAY) });
  });

  it('keeps records as long as the stack says, longer where the topology declares longer, the claims included (deleted by age, never compacted: they travel in bundles keyed by their writer)', async () => {
    await realizeOnKafka(shop, { ...DEV_KAFKA, 'herald:kafkaRetentionMs': String(DAY / 2) });
    const retention = (topic: string) => topicsByName().get(topic)!.inputs.config['retention.ms'];
    expect(retention(names.bus('shop'))).to.equal(String(DAY / 2));
    expect(retention(names.retry(deliveryPlan(shop, KAFKA_DELIVERY).channel('charge-payment-shop')))).to.equal(String(DAY / 2));
    expect(retention(names.queue('payments'))).to.equal(String(4 * DAY)); // the queue's default retention
    expect(retention(names.deadLetter({ deadLetter: { owner: 'queue', name: 'payments' } }))).to.equal(String(14 * DAY));
    expect(retention(names.stream('order-audit'))).to.equal(String(DAY)); // 24 h, as declared
    expect(retention(names.deadLetter({ deadLetter: { owner: 'fn', name: 'confirm-order' } }))).to.equal(String(14 * DAY));
    expect(topicsByName().get(names.claims)!.inputs.config).to.deep.equal({ 'min.insync.replicas': '1', 'cleanup.policy': 'delete', 'retention.ms': String(DAY / 2) });
    expect(topicsByName().get(names.outcomes)!.inputs.config['cleanup.policy']).to.equal('delete');
    await realizeOnKafka(shop, { ...DEV_KAFKA, 'herald:kafkaRetentionMs': '-1' });
    expect(retention(names.queue('payments'))).to.equal('-1'); // forever outlasts any declared retention
  });

  it('warns that schedules, webhooks, uploads and tables run in the Herald process, and leaves the default alarms out', async () => {
    const { warnings } = await realizeOnKafka(shop);
    for (const field of ['schedules[nightly-report]', 'webhooks[payments]', 'buckets[media]', 'tables[customers]']) {
      expect(warnings.some((w) => w.includes(`[${field}]`) && /degraded on kafka: .*runs in the Herald process \(herald dev --transport kafka\)/.test(w)), field).to.equal(true);
    }
    expect(warnings.filter((w) => /default alarm .* is left out/.test(w))).to.have.length(4);
    expect(resources().some((r) => r.type.includes('larm'))).to.equal(false);
  });

  it('refuses a declared alarm before creating anything, saying what to watch instead', async () => {
    const t = topology('k').event(OrderPlaced);
    const q = t.queue('orders');
    t.fn('f', { handler: 'functions/charge-payment.ts' }).subscribe(t.bus('b'), { events: [OrderPlaced], via: q });
    t.alarm('slow', { on: q, metric: 'depth', threshold: 100 });
    await expectReject(realizeOnKafka(t.build()), UnsupportedFeatureError, /kafka cannot realize alarm .*consumer-group lag/);
  });

  it('exports the topic names by kind and logical name, and each function\'s principal', async () => {
    const { result } = await realizeOnKafka(shop);
    const o = result.outputs as Record<string, Record<string, Record<string, unknown>>>;
    expect(await promiseOf(o.buses!.shop!.name as string)).to.equal('shop.test.bus.shop');
    expect(await promiseOf(o.queues!.payments!.deadLetterTopic as string)).to.equal('shop.test.queue.payments.dlq');
    expect(await promiseOf(o.stores!.shop!.claimsTopic as string)).to.equal('shop.test.claims');
    expect(o.functions!['charge-payment']!.principal).to.equal('User:shop.test.charge-payment');
    expect(o.subscriptions!['charge-payment-shop']).to.include({ group: 'shop.test.group.charge-payment-shop', source: 'shop.test.queue.payments' });
    expect(o.schedules!['nightly-report']).to.include({ cron: '0 2 * * *', publishesTo: 'shop.test.bus.shop' });
  });
});
