import { expect } from 'chai';
import { DEFAULTS, topology } from '../../../contracts';
import { LocalTopic, subscriberQueue } from '../../../providers/local';
import { Tick, tick } from './fixtures';

describe('local topic', () => {
  it("makes a subscriber without a queue its own, with the default attempts and 6 × the function's timeout", () => {
    const app = topology('t');
    const alerts = app.topic('alerts');
    app.fn('pager', { handler: 'x.ts', timeout: '20s' }).subscribe(alerts, { events: [Tick] });
    const t = app.build();
    expect(subscriberQueue(t, t.subscriptions[0]!)).to.deep.equal({ name: 'alerts-pager-alerts', maxAttempts: DEFAULTS.queue.maxAttempts, visibilityMs: 120_000 });
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
