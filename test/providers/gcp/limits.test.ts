/** GCP's limits: the ack deadline from the timeout, retention ranges, and validateForGcp reporting every problem with its field. */
import { expect } from 'chai';
import { OrderPlaced } from '../../../app/events';
import { topology } from '../../../contracts';
import { GCP_DELIVERY } from '../../../providers/gcp/filter';
import { ACK_DEADLINE_MARGIN_SECONDS, ackDeadlineSeconds, protoDuration, subscriptionRetention, validateForGcp } from '../../../providers/gcp/limits';

const channel = (timeoutMs: number, windowSeconds = 0) => ({ timeoutMs, batch: { size: 1, windowSeconds } });

describe('gcp limits', () => {
  it('gives a push subscription an ack deadline past the function\'s timeout, in 10–600 s', () => {
    expect(ackDeadlineSeconds(channel(1_000))).to.equal(11);
    expect(ackDeadlineSeconds(channel(30_000))).to.equal(30 + ACK_DEADLINE_MARGIN_SECONDS);
    expect(ackDeadlineSeconds(channel(540_000))).to.equal(550);
    expect(ackDeadlineSeconds(channel(595_000))).to.equal(600);
    expect(ackDeadlineSeconds(channel(0))).to.equal(10);
  });

  it('writes durations as Pub/Sub does and keeps retention in 10 min–31 d', () => {
    expect(protoDuration(600)).to.equal('600s');
    expect(protoDuration(0.5)).to.equal('0.5s');
    expect(subscriptionRetention(60)).to.equal('600s');
    expect(subscriptionRetention(40 * 86_400)).to.equal('2678400s');
  });

  it('accepts a topology that fits', () => {
    const t = topology('ok');
    t.fn('f', { handler: 'functions/audit-orders.ts', timeout: '540s' }).subscribe(t.bus('b'), { events: [OrderPlaced], via: t.queue('q') });
    expect(validateForGcp(t.build(), GCP_DELIVERY)).to.deep.equal([]);
  });

  it('reports every problem at once, each with its field', () => {
    const t = topology('bad');
    const bus = t.bus('b');
    t.queue('q', { retention: '40d', deadLetterRetention: '5m' });
    t.stream('s', { key: 'subject', retention: '60d' });
    t.fn('tiny', { handler: 'functions/audit-orders.ts', memory: 64 }).subscribe(bus, { events: [OrderPlaced] });
    const issues = validateForGcp(t.build(), GCP_DELIVERY);
    expect(issues.map((i) => [i.name, i.field])).to.deep.equal([
      ['InvalidOptionError', 'functions[tiny].memory'],
      ['InvalidOptionError', 'queues[q].retention'],
      ['InvalidOptionError', 'queues[q].deadLetterRetention'],
      ['InvalidOptionError', 'streams[s].retention'],
    ]);
    expect(issues[0]!.message).to.match(/64 MB is outside Cloud Functions' 128–32768 MB/);
  });

  it('refuses names Google reserves: goog… topics and subscriptions, goog… or …google… buckets', () => {
    const t = topology('goog-shop');
    t.fn('f', { handler: 'functions/audit-orders.ts' }).subscribe(t.bus('googbus'), { events: [OrderPlaced] });
    t.bucket('my-google-files');
    t.bucket('media');
    expect(validateForGcp(t.build(), GCP_DELIVERY).map((i) => [i.name, i.field])).to.deep.equal([
      ['InvalidNameError', 'name'], ['InvalidNameError', 'buses[googbus].name'], ['InvalidNameError', 'buckets[my-google-files].name'],
    ]);
  });
});
