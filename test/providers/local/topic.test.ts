import { expect } from 'chai';
import { DEFAULTS, deliveryPlan, topology } from '../../../contracts';
import { LocalTopic } from '../../../providers/local';
import { LOCAL_DELIVERY, leaseMs } from '../../../providers/local/delivery';
import { Tick, tick } from './fixtures';

describe('local topic', () => {
  it("makes a subscriber without a queue its own, with the default attempts and a lease of twice the function's timeout", () => {
    const app = topology('t');
    const alerts = app.topic('alerts');
    app.fn('pager', { handler: 'x.ts', timeout: '20s' }).subscribe(alerts, { events: [Tick] });
    const channel = deliveryPlan(app.build(), LOCAL_DELIVERY).channel('pager-alerts');
    expect(channel).to.deep.include({ source: { kind: 'queue', queue: 'alerts-pager-alerts', own: true }, maxAttempts: DEFAULTS.queue.maxAttempts });
    expect(leaseMs(channel)).to.equal(40_000);
  });

  it('gives each subscriber its own copy', () => {
    const topic = new LocalTopic('alerts');
    const a: string[] = [];
    const b: string[] = [];
    topic.add({ subscription: 'a', function: 'a', types: ['Tick.v1'], clauses: [], inlet: { send: (e) => void a.push(e.id) } });
    topic.add({ subscription: 'b', function: 'b', types: ['Tick.v1'], clauses: [], inlet: { send: (e) => void b.push(e.id) } });
    const e = tick(1);
    expect(topic.publish(e)).to.equal(2);
    expect([a, b]).to.deep.equal([[e.id], [e.id]]);
    expect(topic.name).to.equal('topic alerts');
  });
});
