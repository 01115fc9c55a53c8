import { expect } from 'chai';
import {
  AttemptsOutOfRangeError, DuplicateNameError, InvalidCronError, InvalidNameError, InvalidOptionError, TimeoutMismatchError,
  TopologyError, UnknownReferenceError, UnportableFilterError, assertValidTopology, topology, validateTopology,
  type Topology,
} from '../../contracts';
import { ImageUploaded, OrderPlaced, PaymentReceived, ReportRequested } from '../../app/events';
import { shop } from '../../app/topology';

/** A small valid app to break one way at a time. */
function app() {
  const t = topology('t');
  const bus = t.bus('main');
  return { t, bus };
}

function only(issues: unknown[]) {
  expect(issues, issues.map((i) => (i as Error).message).join('\n')).to.have.length(1);
  return issues[0] as Error & { field: string };
}

describe('validateTopology', () => {
  it('accepts the example app', () => {
    expect(validateTopology(shop).map((i) => i.message)).to.deep.equal([]);
  });

  it('reports an unknown reference with its field', () => {
    const { t, bus } = app();
    t.fn('f', { handler: 'functions/f.ts' }).subscribe(bus, { events: [PaymentReceived], via: { kind: 'queue', name: 'missing' } });
    const issue = only(validateTopology(t.build()));
    expect(issue).to.be.instanceOf(UnknownReferenceError);
    expect(issue.field).to.equal('subscriptions[f-main].via');
  });

  it('reports an unknown event in a hand-written topology', () => {
    const { t, bus } = app();
    t.fn('f', { handler: 'functions/f.ts' }).subscribe(bus, { events: [PaymentReceived] });
    const built = t.build();
    const broken: Topology = { ...built, events: [] };
    const issue = only(validateTopology(broken));
    expect(issue).to.be.instanceOf(UnknownReferenceError);
    expect(issue.message).to.match(/subscriptions\[f-main\]\.events\[0\].*PaymentReceived\.v1/);
  });

  it('reports duplicate names', () => {
    const { t } = app();
    t.queue('q');
    t.queue('q');
    const issue = only(validateTopology(t.build()));
    expect(issue).to.be.instanceOf(DuplicateNameError);
    expect(issue.field).to.equal('queues[q].name');
  });

  it('reports names outside the portable charset or length', () => {
    const { t } = app();
    t.topic('Bad_Name');
    t.topic(`a${'b'.repeat(40)}`);
    const issues = validateTopology(t.build());
    expect(issues).to.have.length(2);
    expect(issues.every((i) => i instanceof InvalidNameError)).to.equal(true);
  });

  it('reports a bad cron', () => {
    const { t, bus } = app();
    t.schedule('nightly', { cron: '0 25 * *', emits: ReportRequested, to: bus });
    const issue = only(validateTopology(t.build()));
    expect(issue).to.be.instanceOf(InvalidCronError);
    expect(issue.field).to.equal('schedules[nightly].cron');
  });

  it('reports filters outside the portable subset', () => {
    const { t, bus } = app();
    t.fn('f', { handler: 'functions/f.ts' })
      .subscribe(bus, { name: 'a', events: [PaymentReceived], where: { amount: { in: ['5'] } } })
      .subscribe(bus, { name: 'b', events: [ImageUploaded], where: { contenttype: { in: ['IMAGE/PNG'] } } })
      .subscribe(bus, { name: 'c', events: [ImageUploaded], where: { subject: { suffix: '.png' } } as never });
    const issues = validateTopology(t.build());
    expect(issues.map((i) => i.constructor)).to.deep.equal([UnportableFilterError, UnportableFilterError, UnportableFilterError]);
    expect(issues.map((i) => i.field)).to.deep.equal(['subscriptions[a].where.amount', 'subscriptions[b].where.contenttype', 'subscriptions[c].where']);
  });

  it('reports filters over the native limits', () => {
    const { t, bus } = app();
    const many = Array.from({ length: 26 }, (_, i) => `v${i}`);
    t.fn('f', { handler: 'functions/f.ts' }).subscribe(bus, { events: [ImageUploaded], where: { subject: { in: many } } });
    expect(only(validateTopology(t.build())).message).to.match(/values in all/);
  });

  it('reports attempts outside 5–30', () => {
    const { t } = app();
    t.queue('low', { maxAttempts: 4 });
    t.queue('high', { maxAttempts: 31 });
    t.stream('s', { key: 'data.id', maxAttempts: 2.5 });
    const issues = validateTopology(t.build());
    expect(issues.map((i) => [i.constructor, i.field])).to.deep.equal([
      [AttemptsOutOfRangeError, 'queues[low].maxAttempts'],
      [AttemptsOutOfRangeError, 'queues[high].maxAttempts'],
      [AttemptsOutOfRangeError, 'streams[s].maxAttempts'],
    ]);
  });

  it('reports a function timeout over 540 s, the longest every cloud runs an event-driven function', () => {
    const { t } = app();
    t.fn('slow', { handler: 'functions/slow.ts', timeout: '10m' });
    const issue = only(validateTopology(t.build()));
    expect(issue).to.be.instanceOf(TimeoutMismatchError);
    expect(issue.field).to.equal('functions[slow].timeout');
  });

  it('leaves cloud limits to the clouds: a batch of 50 000, 20 GB of memory and a 1 s window on an ordered queue are portable', () => {
    const { t, bus } = app();
    const q = t.queue('q', { orderBy: 'subject', batch: { size: 50_000, window: '1s' } });
    t.fn('f', { handler: 'functions/f.ts', memory: 20_480 }).subscribe(bus, { events: [OrderPlaced], via: q });
    expect(validateTopology(t.build())).to.deep.equal([]);
  });

  it('still reports a batch size or memory that is not a positive integer', () => {
    const { t, bus } = app();
    const q = t.queue('q', { batch: { size: 0 } });
    t.fn('f', { handler: 'functions/f.ts', memory: 1.5 }).subscribe(bus, { events: [OrderPlaced], via: q });
    expect(validateTopology(t.build()).map((i) => i.field)).to.deep.equal(['queues[q].batch.size', 'functions[f].memory']);
  });

  it('reports a queue read by two functions', () => {
    const { t, bus } = app();
    const q = t.queue('q', { orderBy: 'subject' });
    t.fn('f', { handler: 'functions/f.ts' }).subscribe(bus, { events: [OrderPlaced], via: q });
    t.fn('g', { handler: 'functions/g.ts' }).subscribe(bus, { events: [OrderPlaced], via: q });
    const issues = validateTopology(t.build());
    expect(issues.map((i) => [i.constructor, i.field])).to.deep.equal([
      [InvalidOptionError, 'subscriptions[g-main].via'],
    ]);
  });

  it('reports every problem at once, and assertValidTopology throws them together', () => {
    const { t, bus } = app();
    t.queue('q', { maxAttempts: 1 });
    t.schedule('s', { cron: 'nope', emits: ReportRequested, to: bus });
    t.fn('f', { handler: 'functions/f.ts' }).subscribe({ kind: 'bus', name: 'ghost' }, { events: [OrderPlaced] });
    const built = t.build();
    expect(validateTopology(built)).to.have.length(3);
    expect(() => assertValidTopology(built)).to.throw(TopologyError, /3 problem\(s\)[\s\S]*queues\[q\]\.maxAttempts[\s\S]*subscriptions\[f-ghost\]\.from[\s\S]*schedules\[s\]\.cron/);
  });

  it('checks that an upload trigger event accepts the upload data', () => {
    const { t, bus } = app();
    t.bucket('media', { onUpload: { prefix: 'uploads/', emits: OrderPlaced, to: bus } });
    expect(only(validateTopology(t.build())).message).to.match(/must accept \{ bucket, key, size, contentType \}/);
  });
});
