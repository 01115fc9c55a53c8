/** Kafka's delivery target: the broker filters nothing, so every clause (types included) is residual; direct deliveries get 3 attempts. */
import { expect } from 'chai';
import { deliveryPlan, topology } from '../../../contracts';
import { ImageUploaded, OrderPlaced } from '../../../app/events';
import { KAFKA_DELIVERY } from '../../../providers/kafka/delivery';

describe('kafka delivery', () => {
  const t = topology('k').event(OrderPlaced, ImageUploaded);
  const bus = t.bus('shop');
  t.fn('thumb', { handler: 'functions/make-thumbnail.ts' }).subscribe(bus, { events: [ImageUploaded], where: { contenttype: { prefix: 'image/' } } });
  const plan = deliveryPlan(t.build(), KAFKA_DELIVERY);

  it('leaves the whole filter, event types included, to the consumer, and says so', () => {
    const [c] = plan.channels;
    expect(c!.filter.native).to.deep.equal({});
    expect(c!.filter.residual).to.deep.equal([
      { field: 'type', op: 'in', values: [...c!.types] },
      { field: 'contenttype', op: 'prefix', values: ['image/'] },
    ]);
    expect(c!.filter.diagnostics.map((d) => d.code)).to.deep.equal(['NO_BROKER_FILTER']);
  });

  it('gives a direct subscription 3 attempts, dead-lettered to its function', () => {
    const [c] = plan.channels;
    expect(c!.maxAttempts).to.equal(3);
    expect(c!.deadLetter).to.deep.equal({ owner: 'fn', name: 'thumb' });
  });
});
