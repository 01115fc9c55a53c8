/** featuresOf: every feature a topology uses, keyed as providers list what they cannot honour. */
import { expect } from 'chai';
import { featuresOf, hmacSha256, topology } from '../../contracts';
import { OrderPlaced, PaymentReceived } from '../../app/events';

describe('featuresOf', () => {
  it('lists each kind used and each option, naming the field', () => {
    const t = topology('f');
    const bus = t.bus('b');
    const topic = t.topic('t');
    const q = t.queue('q', { orderBy: 'subject', batch: { size: 5 } });
    const s = t.stream('s', { key: 'subject', batch: { window: '2s' } });
    const fn = t.fn('f', { handler: 'functions/audit-orders.ts', concurrency: 2, publishes: { to: topic, events: [PaymentReceived] } });
    fn.subscribe(bus, { events: [OrderPlaced], via: s, where: { subject: { prefix: 'eu/' } } }).subscribe(topic, { events: [OrderPlaced], via: q });
    t.webhook('w', { path: '/w', method: 'PUT', verify: hmacSha256('S'), emits: PaymentReceived, to: bus });
    t.alarm('a', { on: fn, metric: 'deadLetters', threshold: 0 });
    const keys = featuresOf(t.build()).map((u) => u.key);
    expect(keys).to.deep.equal([
      'bus', 'topic', 'queue', 'stream', 'fn', 'subscription', 'subscription', 'webhook', 'alarm',
      'queue.orderBy', 'stream.batch.window', 'fn.concurrency', 'fn.publishes.topic',
      'subscription.where', 'subscription.via.stream', 'subscription.via.queue', 'subscription.from.topic', 'subscription.from.topic.via.orderedQueue',
      'webhook.method.PUT', 'alarm.deadLetters.fn',
    ]);
    expect(featuresOf(t.build()).find((u) => u.key === 'queue.orderBy')).to.deep.equal({ key: 'queue.orderBy', kind: 'queue', option: 'orderBy', field: 'queues[q].orderBy' });
  });

  it('lists nothing for an empty topology', () => {
    expect(featuresOf(topology('e').build())).to.deep.equal([]);
  });
});
