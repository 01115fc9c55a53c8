/** Which subscription writes a shared queue policy (the last sender) and creates a mapping (the first poller). */
import { expect } from 'chai';
import { deliveryPlan, topology } from '../../../contracts';
import { OrderPlaced, PaymentReceived } from '../../../app/events';
import { AWS_DELIVERY } from '../../../providers/aws/filter';
import { routing as routingOf } from '../../../providers/aws/routing';

describe('aws routing', () => {
  const t = topology('r');
  const bus = t.bus('b');
  const q = t.queue('q');
  const fn = t.fn('f', { handler: 'functions/charge-payment.ts' });
  fn.subscribe(bus, { events: [OrderPlaced], via: q, name: 'first' }).subscribe(bus, { events: [PaymentReceived], via: q, name: 'second' })
    .subscribe(bus, { events: [PaymentReceived], name: 'direct' });
  const app = t.build();
  const routing = (topology: typeof app) => routingOf(topology, deliveryPlan(topology, AWS_DELIVERY));

  it('lists the senders of each queue in topology order and picks the last', () => {
    const r = routing(app);
    expect(r.deliverers.get('queue:q')).to.deep.equal(['first', 'second']);
    expect(r.lastDelivery.get('queue:q:dlq')).to.equal('second');
    expect(r.lastDelivery.get('fn:f:async')).to.equal('direct');
  });

  it('gives a source one mapping, created by its first subscription', () => {
    expect(routing(app).firstMapping.get('queue:q')).to.equal('first');
    expect([...routing(app).firstMapping.keys()]).to.deep.equal(['queue:q']);
  });

  it('indexes each plan once', () => {
    expect(routing(app)).to.equal(routing(app));
  });
});
