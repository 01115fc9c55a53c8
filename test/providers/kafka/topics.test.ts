/** The one naming rule for Kafka: readable names, one per resource, legal and distinct however the app and stack are spelt. */
import { expect } from 'chai';
import { deliveryPlan, ownQueueName } from '../../../contracts';
import { shop } from '../../../app/topology';
import { KAFKA_DELIVERY } from '../../../providers/kafka/delivery';
import { fitName, KAFKA_TOPIC_NAME, kafkaNames, segment } from '../../../providers/kafka/topics';

const plan = deliveryPlan(shop, KAFKA_DELIVERY);
const channel = (subscription: string) => plan.channel(subscription);

/** Every topic the shop needs on one stack, as the deploy creates them. */
function shopTopics(app: string, stack: string): string[] {
  const n = kafkaNames(app, stack);
  return [
    ...shop.buses.map((b) => n.bus(b.name)), ...shop.topics.map((t) => n.topic(t.name)),
    ...shop.queues.map((q) => n.queue(q.name)), ...shop.streams.map((s) => n.stream(s.name)),
    ...plan.channels.flatMap((c) => [n.retry(c), n.deadLetter(c)]),
    ...plan.channels.filter((c) => c.source.kind === 'queue' && c.source.own).map((c) => n.source(c)),
    n.outcomes, n.claims,
  ];
}

describe('kafka names', () => {
  it('prefixes every name with <app>.<stack> and names each kind readably', () => {
    const n = kafkaNames('shop', 'dev-kafka');
    expect(n.prefix).to.equal('shop.dev-kafka');
    expect([n.bus('shop'), n.topic('order-notifications'), n.queue('payments'), n.stream('order-audit')]).to.deep.equal([
      'shop.dev-kafka.bus.shop', 'shop.dev-kafka.topic.order-notifications', 'shop.dev-kafka.queue.payments', 'shop.dev-kafka.stream.order-audit',
    ]);
    expect([n.outcomes, n.claims, n.claimsReaders]).to.deep.equal(['shop.dev-kafka.outcomes', 'shop.dev-kafka.claims', 'shop.dev-kafka.claims.reader.']);
    expect(n.principal('charge-payment')).to.equal('User:shop.dev-kafka.charge-payment');
    expect(n.user('charge-payment')).to.equal('shop.dev-kafka.charge-payment');
  });

  it("reads each channel's source from the delivery plan: its bus, its queue (declared or own) or its stream", () => {
    const n = kafkaNames('shop', 'dev');
    expect(n.source(channel('confirm-order-shop'))).to.equal('shop.dev.bus.shop'); // direct
    expect(n.source(channel('charge-payment-shop'))).to.equal('shop.dev.queue.payments'); // via a declared queue
    const own = channel('send-confirmation-order-notifications');
    expect(n.source(own)).to.equal(`shop.dev.queue.${ownQueueName(shop.subscriptions.find((s) => s.name === own.subscription)!)}`);
    expect(n.source(channel('audit-orders-shop'))).to.equal('shop.dev.stream.order-audit'); // via a stream
  });

  it('gives each subscription its own group and retry topic, and dead-letters to the topic of its dead-letter owner', () => {
    const n = kafkaNames('shop', 'dev');
    const charge = channel('charge-payment-shop');
    expect([n.group(charge), n.retry(charge), n.deadLetter(charge)]).to.deep.equal(['shop.dev.group.charge-payment-shop', 'shop.dev.retry.charge-payment-shop', 'shop.dev.queue.payments.dlq']);
    expect(n.deadLetter(channel('confirm-order-shop'))).to.equal('shop.dev.fn.confirm-order.dlq');
    expect(n.deadLetter(channel('audit-orders-shop'))).to.equal('shop.dev.stream.order-audit.dlq');
    expect(n.deadLetter(channel('notify-warehouse-order-notifications'))).to.equal('shop.dev.queue.order-notifications-notify-warehouse-order-notifications.dlq');
  });

  it('names every topic of the example app once, legally', () => {
    const topics = shopTopics('shop', 'dev-kafka');
    expect(new Set(topics).size).to.equal(topics.length);
    for (const t of topics) expect(t).to.match(KAFKA_TOPIC_NAME.pattern).and.have.length.at.most(KAFKA_TOPIC_NAME.maxLength);
    const groups = plan.channels.map((c) => kafkaNames('shop', 'dev-kafka').group(c));
    expect(new Set(groups).size).to.equal(plan.channels.length);
  });

  it('keeps apps and stacks apart even when one spelling could be read as another', () => {
    const pairs: [string, string][] = [['a.b', 'c'], ['a', 'b.c'], ['a-b', 'c'], ['a_b', 'c'], ['a', 'b_c'], ['a', 'b-c'], ['a b', 'c']];
    const prefixes = pairs.map(([app, stack]) => kafkaNames(app, stack).prefix);
    expect(new Set(prefixes).size).to.equal(pairs.length);
    for (const p of prefixes) expect(p.split('.'), p).to.have.length(2);
    // `_` never survives: Kafka treats it as `.` when it compares topic names for metric collisions.
    for (const p of prefixes) expect(p).not.to.contain('_');
  });

  it('sanitises a segment to legal characters, keeping a plain one as it is', () => {
    expect(segment('dev-kafka')).to.equal('dev-kafka');
    expect(segment('Prod_EU/1')).to.match(/^Prod-EU-1-[0-9a-f]{8}$/);
    expect(() => segment('')).to.throw(RangeError, /may not be empty/);
    expect(() => kafkaNames('shop', '')).to.throw(RangeError, /may not be empty/);
  });

  it('fits a name over 249 characters, with a hash so two long names stay distinct', () => {
    const stack = 's'.repeat(300);
    const a = kafkaNames('shop', stack).bus('shop');
    const b = kafkaNames('shop', stack).bus('shops');
    expect(a).to.have.length(KAFKA_TOPIC_NAME.maxLength);
    expect(a).to.match(/-[0-9a-f]{8}$/);
    expect(a).not.to.equal(b);
    expect(fitName('x'.repeat(249))).to.equal('x'.repeat(249));
    expect(fitName('x'.repeat(250))).to.have.length(249);
  });
});
