import { expect } from 'chai';
import { z } from 'zod';
import {
  NonRetryableError, TopologyError, defineEvent, on, topology, type HandlerDefinition, type Topology,
} from '../../../contracts';
import { newEnvelope, silentLogger } from '../../../runtime';
import { LOCAL_DIRECT_ATTEMPTS as DIRECT_MAX_ATTEMPTS } from '../../../providers/local/delivery';
import { ManualClock, RuntimeStoppedError, createLocalRuntime, type DeliveryRecord, type LocalRuntimeOptions } from '../../../providers/local';
import { Tick, Tock, memoryWith, recordingHandler, rejection, sleep, tick } from './fixtures';

const H = 'functions/unused.ts';

function start(t: Topology, handlers: Record<string, HandlerDefinition>, options: LocalRuntimeOptions = {}) {
  const runtime = createLocalRuntime(t, { logger: silentLogger, backoff: { baseMs: 1, capMs: 4, random: () => 0.5 }, handlers, schedules: false, ...options });
  const records: DeliveryRecord[] = [];
  runtime.onDelivery((r) => records.push(r));
  return { runtime, records };
}

const outcomes = (records: DeliveryRecord[], fn: string) => records.filter((r) => r.function === fn).map((r) => `${r.attempt}:${r.outcome}`);

describe('local runtime', () => {
  it('refuses an invalid topology with every problem at once', () => {
    const app = topology('bad');
    const bus = app.bus('b');
    app.fn('f', { handler: H, timeout: '10s' }).subscribe(bus, { events: [Tick], via: app.queue('q', { maxAttempts: 2 }) });
    expect(() => createLocalRuntime(app.build(), { handlers: {} })).to.throw(TopologyError, /maxAttempts/);
  });

  it('gives a direct subscription DIRECT_MAX_ATTEMPTS attempts, then dead-letters it with its reason', async () => {
    const app = topology('t');
    const bus = app.bus('b');
    app.fn('f', { handler: H }).subscribe(bus, { events: [Tick] });
    const h = recordingHandler();
    const { runtime, records } = start(app.build(), { f: h.handler });
    const event = tick(1, { fail: true });
    await runtime.publish([event]);
    await runtime.idle();
    expect(outcomes(records, 'f')).to.deep.equal(['1:retry', '2:retry', `${DIRECT_MAX_ATTEMPTS}:dead-letter`]);
    const [letter] = runtime.deadLetters.list();
    expect(letter).to.include({ id: event.id, function: 'f', subscription: 'f-b', attempts: DIRECT_MAX_ATTEMPTS });
    expect(letter!.reason).to.equal(`gave up after ${DIRECT_MAX_ATTEMPTS} attempts: Error: tick 1 fails`);
    expect(letter!.lastError).to.equal('Error: tick 1 fails');
  });

  it("gives a queued subscription its queue's maxAttempts, and redrives a dead letter from attempt 1", async () => {
    const app = topology('t');
    const bus = app.bus('b');
    app.fn('f', { handler: H, timeout: '5s' }).subscribe(bus, { events: [Tick], via: app.queue('q', { maxAttempts: 6 }) });
    const h = recordingHandler();
    const { runtime, records } = start(app.build(), { f: h.handler });
    const event = tick(1, { fail: true });
    await runtime.publish([event]);
    await runtime.idle();
    expect(h.calls.map((c) => c.attempt)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(runtime.deadLetters.list()[0]!.attempts).to.equal(6);
    expect(await runtime.redrive({ id: 'no-such-id' })).to.equal(0);
    expect(await runtime.redrive({ id: event.id })).to.equal(1);
    expect(runtime.deadLetters.size).to.equal(0);
    await runtime.idle();
    expect(h.calls.map((c) => c.attempt).slice(6)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(records.filter((r) => r.outcome === 'dead-letter')).to.have.length(2);
  });

  it("sends what a handler publishes to its function's bus, in causal order under one correlation id", async () => {
    const app = topology('t');
    const bus = app.bus('b');
    app.fn('relay', { handler: H, publishes: { to: bus, events: [Tock] } }).subscribe(bus, { events: [Tick] });
    app.fn('sink', { handler: H }).subscribe(bus, { events: [Tock] });
    const relay = on(Tick, async (e, ctx) => { await ctx.publish(Tock, { n: e.data.n * 10 }); });
    const got: number[] = [];
    const sink = on(Tock, async (e) => { got.push(e.data.n); });
    const { runtime } = start(app.build(), { relay, sink });
    const event = tick(4, { correlationId: 'req-1' });
    await runtime.publish([event]);
    await runtime.idle();
    expect(got).to.deep.equal([40]);
    const trace = runtime.traces.get('req-1');
    expect(trace.map((e) => `${e.function}:${e.type}:${e.outcome}`)).to.deep.equal(['relay:Tick.v1:ok', 'sink:Tock.v1:ok']);
    expect(trace[1]!.id).to.not.equal(event.id);
  });

  it('fans a topic out to a queue per subscriber: one failing subscriber does not hold up the other', async () => {
    const app = topology('t');
    const topic = app.topic('alerts');
    app.fn('good', { handler: H }).subscribe(topic, { events: [Tick] });
    app.fn('bad', { handler: H }).subscribe(topic, { events: [Tick] });
    const good = recordingHandler();
    const bad = on(Tick, async () => { throw new Error('down'); });
    const { runtime, records } = start(app.build(), { good: good.handler, bad });
    await runtime.publish([tick(1), tick(2)]);
    await runtime.idle();
    expect(good.calls.map((c) => c.n)).to.deep.equal([1, 2]);
    // A topic subscriber reads through its own queue: the default 10 attempts, not the direct 3.
    expect(outcomes(records, 'bad').filter((o) => o.endsWith('dead-letter'))).to.deep.equal(['10:dead-letter', '10:dead-letter']);
  });

  it('keeps order per key on a stream under concurrent publishing, one event of a key in flight at a time', async () => {
    const app = topology('t');
    const bus = app.bus('b');
    app.fn('audit', { handler: H }).subscribe(bus, { events: [Tick], via: app.stream('audit', { key: 'data.key' }) });
    // Earlier events take longer: anything but one-at-a-time per key would finish them out of order.
    const h = recordingHandler((n) => 12 - (n % 4) * 3);
    const { runtime } = start(app.build(), { audit: h.handler });
    await Promise.all(['a', 'b', 'c'].map(async (key) => {
      for (let n = 0; n < 4; n++) {
        await runtime.publish([tick(n, { key })]);
        await Promise.resolve();
      }
    }));
    await runtime.idle();
    for (const key of ['a', 'b', 'c']) {
      const calls = h.calls.filter((c) => c.key === key);
      expect(calls.map((c) => c.n), key).to.deep.equal([0, 1, 2, 3]);
      for (let i = 1; i < calls.length; i++) expect(calls[i]!.start, `${key} ${i}`).to.be.at.least(calls[i - 1]!.end!);
    }
    expect(h.stats.maxPerKey).to.equal(1);
    expect(h.stats.maxOverall).to.be.greaterThan(1);
  });

  it("enforces the function's concurrency limit across its subscriptions", async () => {
    const app = topology('t');
    const bus = app.bus('b');
    const other = app.bus('c');
    app.fn('f', { handler: H, concurrency: 2 }).subscribe(bus, { events: [Tick] }).subscribe(other, { events: [Tick] });
    const h = recordingHandler(() => 5);
    const { runtime } = start(app.build(), { f: h.handler });
    for (let i = 0; i < 5; i++) {
      await runtime.publish([tick(i)], bus);
      await runtime.publish([tick(i + 100)], other);
    }
    await runtime.idle();
    expect(h.calls).to.have.length(10);
    expect(h.stats.maxOverall).to.equal(2);
  });

  it("fails an attempt that runs past the function's timeout", async () => {
    const app = topology('t');
    const bus = app.bus('b');
    app.fn('slow', { handler: H, timeout: '30ms' }).subscribe(bus, { events: [Tick] });
    const slow = on(Tick, async (_e, ctx) => { if (ctx.attempt === 1) await sleep(1000); });
    const { runtime, records } = start(app.build(), { slow });
    await runtime.publish([tick(1)]);
    await runtime.idle();
    expect(outcomes(records, 'slow')).to.deep.equal(['1:retry', '2:ok']);
    expect(records[0]!.reason).to.match(/HandlerTimeoutError: handler did not finish within 30 ms/);
    expect(records[0]!.durationMs).to.be.below(800);
  });

  it('treats a second delivery of an event id as a duplicate', async () => {
    const app = topology('t');
    app.fn('f', { handler: H }).subscribe(app.bus('b'), { events: [Tick] });
    const h = recordingHandler();
    const { runtime, records } = start(app.build(), { f: h.handler });
    const event = tick(1);
    await runtime.publish([event]);
    await runtime.idle();
    await runtime.publish([event]);
    await runtime.idle();
    expect(h.calls).to.have.length(1);
    expect(outcomes(records, 'f')).to.deep.equal(['1:ok', '1:duplicate']);
  });

  it('records a filtered trace entry for a subscription whose filter refused the event', async () => {
    const app = topology('t');
    const bus = app.bus('b');
    app.fn('images', { handler: H }).subscribe(bus, { events: [Tick], where: { media: { prefix: 'image/' } } });
    app.fn('all', { handler: H }).subscribe(bus, { events: [Tick] });
    const { runtime } = start(app.build(), { images: recordingHandler().handler, all: recordingHandler().handler });
    const pdf = tick(1, { media: 'application/pdf' });
    await runtime.publish([pdf]);
    await runtime.idle();
    expect(runtime.traces.get(pdf.id).map((e) => `${e.function}:${e.outcome}:${e.attempt}`).sort()).to.deep.equal(['all:ok:1', 'images:filtered:0']);
  });

  it('fires schedules on the injected clock, with {{scheduledTime}} filled in', async () => {
    const Report = defineEvent({ type: 'Report', version: 1, source: 'test', schema: z.object({ date: z.string() }) });
    const app = topology('t');
    const bus = app.bus('b');
    app.schedule('nightly', { cron: '0 2 * * *', emits: Report, to: bus, data: { date: '{{scheduledTime}}' } });
    app.fn('report', { handler: H }).subscribe(bus, { events: [Report] });
    const dates: string[] = [];
    const report = on(Report, async (e) => { dates.push(e.data.date); });
    const clock = new ManualClock('2026-03-01T12:00:00Z');
    const { runtime } = start(app.build(), { report }, { clock, schedules: true });
    expect(runtime.scheduler.nextFire('nightly')!.toISOString()).to.equal('2026-03-02T02:00:00.000Z');
    clock.set('2026-03-02T01:59:59Z');
    await runtime.idle();
    expect(dates).to.deep.equal([]);
    clock.set('2026-03-03T02:00:00Z');
    await runtime.idle();
    // Run times are written as the clouds write them: whole seconds, no fraction.
    expect(dates).to.deep.equal(['2026-03-02T02:00:00Z', '2026-03-03T02:00:00Z']);
    await runtime.stop(100);
    expect(clock.pending).to.equal(0);
  });

  it('stop() refuses new events, finishes in-flight work within the grace period and reports nothing left', async () => {
    const app = topology('t');
    app.fn('f', { handler: H }).subscribe(app.bus('b'), { events: [Tick] });
    const h = recordingHandler(() => 30);
    const { runtime } = start(app.build(), { f: h.handler });
    await runtime.publish([tick(1), tick(2), tick(3)]);
    const report = await runtime.stop(2000);
    expect(report).to.deep.equal({ timedOut: false, undelivered: [] });
    expect(h.calls.filter((c) => c.end !== undefined)).to.have.length(3);
    const refused = await rejection(runtime.publish([tick(4)]));
    expect(refused).to.be.instanceOf(RuntimeStoppedError);
    expect((refused as Error).message).to.match(/shutting down/);
    expect(await rejection(runtime.redrive())).to.be.instanceOf(RuntimeStoppedError);
  });

  it('stop() reports every accepted event it could not deliver within the grace period', async () => {
    const app = topology('t');
    app.fn('f', { handler: H, concurrency: 1 }).subscribe(app.bus('b'), { events: [Tick] });
    const h = recordingHandler(() => 40);
    const { runtime, records } = start(app.build(), { f: h.handler });
    const events = [tick(1), tick(2), tick(3), tick(4)];
    await runtime.publish(events);
    const hurry = new AbortController();
    const stopping = runtime.stop(60_000, hurry.signal);
    await sleep(60);
    hurry.abort();
    const report = await stopping;
    expect(report.timedOut).to.equal(true);
    const delivered = records.filter((r) => r.outcome === 'ok').map((r) => r.id);
    const left = report.undelivered.map((u) => u.event.id);
    expect(delivered.length).to.be.greaterThan(0);
    expect(left.length).to.be.greaterThan(0);
    // Nothing accepted is lost: each event was either delivered or reported.
    expect([...delivered, ...left].sort()).to.deep.equal(events.map((e) => e.id).sort());
    expect(report.undelivered.map((u) => u.state)).to.include('in-flight');
  });

  it('loads handler modules relative to root when none are given', async () => {
    const app = topology('t');
    app.fn('f', { handler: 'test/providers/local/handler-module.ts' }).subscribe(app.bus('b'), { events: [Tick] });
    const { runtime, records } = start(app.build(), {}, { root: `${__dirname}/../../..` });
    await runtime.publish([newEnvelope(Tick, { n: 1, key: 'k' })]);
    await runtime.idle();
    expect(outcomes(records, 'f')).to.deep.equal(['1:ok']);
  });

  it('runs on the transport it is given: consumes every channel, publishes, redrives and stops through it', async () => {
    const calls: string[] = [];
    const recording = memoryWith('recording', (inner) => ({
      publish: (to, events) => { calls.push(`publish ${to.name} ${events.map((e) => e.type)}`); return inner.publish(to, events); },
      consume: (channel, consumer) => { calls.push(`consume ${channel.subscription}`); return inner.consume(channel, consumer); },
      redrive: (letters) => { calls.push(`redrive ${letters.map((l) => l.subscription)}`); return inner.redrive(letters); },
      close: (graceMs, hurry) => { calls.push('close'); return inner.close(graceMs, hurry); },
    }));
    const app = topology('t');
    const bus = app.bus('b');
    app.fn('relay', { handler: H, publishes: { to: bus, events: [Tock] } }).subscribe(bus, { events: [Tick] });
    app.fn('sink', { handler: H }).subscribe(bus, { events: [Tock] });
    const relay = on(Tick, async (e, ctx) => { await ctx.publish(Tock, { n: e.data.n }); });
    const sink = on(Tock, async () => { throw new NonRetryableError('no'); });
    const { runtime } = start(app.build(), { relay, sink }, { transport: recording });
    await runtime.ready;
    expect(calls).to.deep.equal(['consume relay-b', 'consume sink-b']);
    await runtime.publish([tick(1)]);
    await runtime.idle();
    // What the relay published went on inside the transport (the outbox), not through its publish.
    expect(calls.slice(2)).to.deep.equal(['publish b Tick.v1']);
    expect(runtime.deadLetters.list().map((l) => l.subscription)).to.deep.equal(['sink-b']);
    expect(await runtime.redrive()).to.equal(1);
    await runtime.idle();
    await runtime.stop(100);
    expect(calls.slice(3)).to.deep.equal(['redrive sink-b', 'close']);
  });

  it('rejects ready when the transport cannot consume, and keeps dead letters whose redrive it refuses', async () => {
    const refusing = (what: 'consume' | 'redrive') => memoryWith('refusing', () => ({ [what]: () => Promise.reject(new Error('broker down')) }));
    const app = topology('t');
    app.fn('f', { handler: H }).subscribe(app.bus('b'), { events: [Tick] });
    const failing = on(Tick, async () => { throw new NonRetryableError('no'); });
    const down = start(app.build(), { f: failing }, { transport: refusing('consume') }).runtime;
    expect(await rejection(down.ready)).to.be.instanceOf(Error).with.property('message', 'broker down');
    const { runtime } = start(app.build(), { f: failing }, { transport: refusing('redrive') });
    await runtime.publish([tick(1)]);
    await runtime.idle();
    expect(await rejection(runtime.redrive())).to.be.instanceOf(Error).with.property('message', 'broker down');
    expect(runtime.deadLetters.size).to.equal(1);
    await Promise.all([down.stop(0), runtime.stop(0)]);
  });
});
