/**
 * The durable transport across a restart, in one process: a transport closed with work left (its grace
 * period cut to 0, as a crash would cut it) and a new one opened on the same file. The crash of a real
 * process is crash.test.ts.
 */
import { expect } from 'chai';
import { topology } from '../../../../contracts';
import { newEnvelope } from '../../../../runtime';
import { DeliveryTables, openState } from '../../../../providers/local';
import { Tick, Tock, deadLetter, ok, retry, sleep, tick, until } from '../fixtures';
import { never, openTransport } from './harness';
import { tempStates } from './temp-state';

const H = 'functions/unused.ts';

describe('sqlite transport across a restart', function () {
  this.timeout(10_000);
  const states = tempStates();
  const rows = (file: string) => {
    const state = openState(file);
    try {
      return DeliveryTables.counts(state.db);
    } finally {
      state.close();
    }
  };

  it('delivers to each subscription what it had not settled, at the attempt it had reached, and nothing it had settled', async () => {
    const app = topology('t');
    const bus = app.bus('b');
    app.fn('fast', { handler: H }).subscribe(bus, { events: [Tick], name: 'fast-b' });
    app.fn('slow', { handler: H }).subscribe(bus, { events: [Tick], via: app.queue('q', { maxAttempts: 5 }), name: 'slow-b' });
    app.fn('flaky', { handler: H }).subscribe(bus, { events: [Tick], via: app.queue('r', { maxAttempts: 5 }), name: 'flaky-b' });
    app.fn('tocks', { handler: H }).subscribe(bus, { events: [Tock], name: 'tocks-b' });
    const t = app.build();
    const file = states.file();

    // arrange: fast settles both events, slow is running both, flaky waits 600 ms to retry both (long
    // enough not to come before the close, even on a loaded machine)
    const first = openTransport(t, file);
    await first.consume('fast-b');
    await first.consume('slow-b', never);
    await first.consume('flaky-b', (e) => retry(e, 600));
    await first.consume('tocks-b');
    await first.transport.publish(bus, [tick(1), tick(2)]);
    await until(() => first.transport.pending === 4 && first.of('flaky-b').length === 2 && first.of('slow-b').length === 2, 2000, 'fast to settle');
    const flakyAnswered = Math.max(...first.calls.filter((c) => c.subscription === 'flaky-b').map((c) => c.end!));
    const report = await first.transport.close(0);
    expect(report.undelivered.map((u) => `${u.subscription} ${(u.event.data as { n: number }).n} ${u.state}#${u.attempt}`).sort()).to.deep.equal([
      'flaky-b 1 retrying#2', 'flaky-b 2 retrying#2', 'slow-b 1 in-flight#1', 'slow-b 2 in-flight#1',
    ]);

    // act
    const second = openTransport(t, file);
    expect(second.transport.pending).to.equal(4);
    for (const s of ['fast-b', 'slow-b', 'flaky-b', 'tocks-b']) await second.consume(s);
    await second.transport.idle();
    await second.transport.close(0);

    // assert
    expect(second.of('fast-b')).to.deep.equal([]);
    // The interrupted delivery counts as an attempt.
    expect(second.of('slow-b').sort()).to.deep.equal(['1#2', '2#2']);
    // Unordered queues: two retries due in the same millisecond may come in either order.
    expect(second.of('flaky-b').sort()).to.deep.equal(['1#2', '2#2']);
    // A kept retry still waits out its backoff (1 ms of timer rounding).
    for (const c of second.calls.filter((x) => x.subscription === 'flaky-b')) expect(c.at).to.be.at.least(flakyAnswered + 600 - 1);
    expect(second.of('tocks-b')).to.deep.equal([]);
    expect(second.calls.map((c) => c.id).sort()).to.deep.equal(first.calls.filter((c) => c.subscription === 'slow-b').map((c) => c.id).concat(
      first.calls.filter((c) => c.subscription === 'flaky-b').map((c) => c.id),
    ).sort());
    expect(rows(file)).to.deep.equal({ events: 0, deliveries: 0 });
  });

  it('counts every interrupted attempt, restart after restart', async () => {
    const app = topology('t');
    const bus = app.bus('b');
    app.fn('f', { handler: H }).subscribe(bus, { events: [Tick], via: app.queue('q', { maxAttempts: 5 }), name: 'f-b' });
    const t = app.build();
    const file = states.file();
    let running = openTransport(t, file);
    await running.consume('f-b', never);
    await running.transport.publish(bus, [tick(1)]);
    const seen: string[] = [];
    for (let run = 0; run < 3; run++) {
      await until(() => running.calls.length === 1, 2000, `the delivery of run ${run}`);
      seen.push(...running.of('f-b'));
      await running.transport.close(0);
      running = openTransport(t, file);
      // Given back to its queue and started again in one turn: the start must be what the row keeps.
      await running.consume('f-b', never);
    }
    await until(() => running.calls.length === 1, 2000, 'the last delivery');
    await running.transport.close(0);
    expect([...seen, ...running.of('f-b')]).to.deep.equal(['1#1', '1#2', '1#3', '1#4']);
  });

  it('dead-letters on restart a delivery interrupted on its last attempt, with that attempt counted', async () => {
    const app = topology('t');
    const bus = app.bus('b');
    // A direct subscription gets 3 attempts.
    app.fn('f', { handler: H }).subscribe(bus, { events: [Tick], name: 'f-b' });
    const t = app.build();
    const file = states.file();
    const first = openTransport(t, file);
    await first.consume('f-b', (e, attempt) => (attempt < 3 ? retry(e, 1) : never(e, attempt)));
    const event = tick(7);
    await first.transport.publish(bus, [event]);
    await until(() => first.of('f-b').length === 3, 2000, 'the third attempt');
    await first.transport.close(0);

    const second = openTransport(t, file);
    await second.consume('f-b');
    await second.transport.idle();
    await second.transport.close(0);
    expect(second.calls).to.deep.equal([]);
    expect(second.letters).to.have.length(1);
    expect(second.letters[0]).to.include({ id: event.id, subscription: 'f-b', function: 'f', attempts: 3 });
    expect(second.letters[0]!.reason).to.match(/^gave up after 3 attempts: delivery interrupted on attempt 3 \(the process stopped/);
    expect(second.letters[0]!.event).to.deep.equal(event);
  });

  it('keeps per-key order: a kept retry stays first of its key, and other keys go on', async () => {
    const app = topology('t');
    const bus = app.bus('b');
    app.fn('f', { handler: H }).subscribe(bus, { events: [Tick], via: app.queue('q', { orderBy: 'data.key' }), name: 'f-b' });
    const t = app.build();
    const file = states.file();
    const first = openTransport(t, file);
    await first.consume('f-b', (e) => ((e.data as { key: string }).key === 'a' ? retry(e, 600) : never(e, 1)));
    await first.transport.publish(bus, [tick(0, { key: 'a' }), tick(1, { key: 'a' }), tick(2, { key: 'a' }), tick(3, { key: 'b' }), tick(4, { key: 'b' })]);
    await until(() => first.of('f-b').length === 2, 2000, 'a and b to start');
    await first.transport.close(0);

    const second = openTransport(t, file);
    await second.consume('f-b', async (e) => { await sleep(5); return ok(e); });
    await second.transport.idle();
    await second.transport.close(0);
    const calls = second.calls;
    expect(calls.filter((c) => c.key === 'a').map((c) => `${c.n}#${c.attempt}`)).to.deep.equal(['0#2', '1#1', '2#1']);
    expect(calls.filter((c) => c.key === 'b').map((c) => `${c.n}#${c.attempt}`)).to.deep.equal(['3#2', '4#1']);
    // b is not held up by a's backoff.
    expect(calls.findIndex((c) => c.n === 4)).to.be.below(calls.findIndex((c) => c.n === 0));
  });

  it("commits what a delivery published with its settlement: after a restart it is owed to its readers, and the relay does not run again", async () => {
    const app = topology('t');
    const bus = app.bus('b');
    app.fn('relay', { handler: H, publishes: { to: bus, events: [Tock] } }).subscribe(bus, { events: [Tick], name: 'relay-b' });
    app.fn('sink', { handler: H }).subscribe(bus, { events: [Tock], via: app.queue('q'), name: 'sink-b' });
    const t = app.build();
    const file = states.file();
    const first = openTransport(t, file);
    await first.consume('relay-b', (e) => ({ ...ok(e), published: [newEnvelope(Tock, { n: (e.data as { n: number }).n * 10 })] }));
    await first.consume('sink-b', never);
    await first.transport.publish(bus, [tick(1), tick(2)]);
    await until(() => first.of('sink-b').length === 2 && first.transport.pending === 2, 2000, 'the relay to settle');
    await first.transport.close(0);

    const second = openTransport(t, file);
    await second.consume('relay-b');
    await second.consume('sink-b');
    await second.transport.idle();
    await second.transport.close(0);
    expect(second.of('relay-b')).to.deep.equal([]);
    expect(second.of('sink-b').sort()).to.deep.equal(['10#2', '20#2']);
  });

  it('keeps what a subscription receives before it is consumed, across a restart too, and delivers it once consumed', async () => {
    const app = topology('t');
    const bus = app.bus('b');
    app.fn('f', { handler: H }).subscribe(bus, { events: [Tick], name: 'f-b' });
    app.fn('g', { handler: H }).subscribe(bus, { events: [Tick], name: 'g-b' });
    const t = app.build();
    const file = states.file();
    const first = openTransport(t, file);
    await first.consume('f-b');
    await first.transport.publish(bus, [tick(1)]);
    await until(() => first.transport.pending === 1, 2000, 'f to settle');
    const report = await first.transport.close(0);
    expect(report.undelivered.map((u) => `${u.queue} ${u.subscription} ${u.state}#${u.attempt}`)).to.deep.equal(['direct g-b g-b queued#1']);

    const second = openTransport(t, file);
    await second.consume('f-b');
    await second.transport.publish(bus, [tick(2)]);
    // g's kept event, and the new one for each.
    expect(second.transport.pending).to.equal(3);
    await until(() => second.transport.pending === 2 && second.of('f-b').length === 1, 2000, 'f to settle');
    await second.consume('g-b');
    await second.transport.idle();
    await second.transport.close(0);
    expect(second.of('f-b')).to.deep.equal(['2#1']);
    expect(second.of('g-b')).to.deep.equal(['1#1', '2#1']);
  });

  it('deletes settled rows, dead-lettered ones included: the file keeps only what is owed', async () => {
    const app = topology('t');
    const bus = app.bus('b');
    app.fn('f', { handler: H }).subscribe(bus, { events: [Tick], name: 'f-b' });
    app.fn('g', { handler: H }).subscribe(bus, { events: [Tick], where: { media: { prefix: 'image/' } }, name: 'g-b' });
    const t = app.build();
    const file = states.file();
    const running = openTransport(t, file);
    await running.consume('f-b', (e) => ((e.data as { n: number }).n % 10 === 0 ? deadLetter(e, 'poison') : ok(e)));
    await running.consume('g-b');
    for (let batch = 0; batch < 10; batch++) {
      await running.transport.publish(bus, Array.from({ length: 100 }, (_, i) => tick(batch * 100 + i, i % 2 ? { media: 'image/png' } : {})));
    }
    await running.transport.idle();
    await running.transport.close(0);
    expect(running.of('f-b')).to.have.length(1000);
    expect(running.of('g-b')).to.have.length(500);
    expect(running.letters).to.have.length(100);
    expect(rows(file)).to.deep.equal({ events: 0, deliveries: 0 });
  });

  it("keeps the rows of a subscription the topology no longer has, delivering them nowhere", async () => {
    const before = topology('t');
    const bus = before.bus('b');
    before.fn('f', { handler: H }).subscribe(bus, { events: [Tick], name: 'f-b' });
    before.fn('gone', { handler: H }).subscribe(bus, { events: [Tick], name: 'gone-b' });
    const file = states.file();
    const first = openTransport(before.build(), file);
    await first.consume('f-b', never);
    await first.transport.publish(bus, [tick(1)]);
    await first.transport.close(0);

    const after = topology('t');
    after.fn('f', { handler: H }).subscribe(after.bus('b'), { events: [Tick], name: 'f-b' });
    const second = openTransport(after.build(), file);
    await second.consume('f-b');
    await second.transport.idle();
    await second.transport.close(0);
    expect(second.of('f-b')).to.deep.equal(['1#2']);
    expect(rows(file)).to.deep.equal({ events: 1, deliveries: 1 });
  });
});
