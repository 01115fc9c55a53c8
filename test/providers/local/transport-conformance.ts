/**
 * The transport conformance suite: what every transport of the embedded runtime must do (see the
 * comments of providers/local/transport.ts), checked through the interface alone, with scripted
 * consumers standing in for pipelines. transport.test.ts runs it for the memory transport; a durable or
 * Kafka transport runs it with its own factory and delivery target.
 */
import { expect } from 'chai';
import { deliveryPlan, topology, type DeliveryTarget, type Envelope, type Topology } from '../../../contracts';
import { newEnvelope, type Outcome } from '../../../runtime';
import {
  Gate, TransportClosedError, type Consumer, type DeadLetter, type Transport, type TransportFactory,
} from '../../../providers/local';
import { Tick, Tock, deadLetter, ok, rejection, retry, sleep, tick, until } from './fixtures';

export interface TransportUnderTest {
  /** A fresh transport factory for each test (a durable transport: on fresh storage). */
  create(): TransportFactory;
  /** The target whose delivery plan the transport is given. */
  readonly target: DeliveryTarget;
  /**
   * How long the order test's retry holds its key, long enough for the other key's events to pass it: a
   * networked transport (Kafka: a round trip per publish and per fetch) needs longer. @default 60
   */
  readonly keyHoldMs?: number;
}

/** How a scripted consumer answers one delivery. */
type Answer = (envelope: Envelope, attempt: number) => Outcome | Promise<Outcome>;

interface Call {
  readonly subscription: string;
  readonly id: string;
  readonly n: number;
  readonly key: string;
  readonly attempt: number;
  readonly at: number;
  end?: number;
}

const H = 'functions/unused.ts';
const data = (e: Envelope) => e.data as { n: number; key: string };

export function describeTransport(name: string, subject: TransportUnderTest): void {
  describe(`transport conformance: ${name}`, function () {
    this.timeout(10_000);
    let opened: Transport[] = [];
    afterEach(async () => {
      await Promise.all(opened.map((t) => t.close(0)));
      opened = [];
    });

    /** A transport for `t`, with scripted consumers and everything it reported recorded. */
    function start(t: Topology) {
      const filtered: string[] = [];
      const letters: DeadLetter[] = [];
      const transport = subject.create()({
        topology: t,
        filtered: (channel, e) => filtered.push(`${channel.function}/${channel.subscription} ${data(e).n}`),
        deadLettered: (letter) => letters.push(letter),
      });
      opened.push(transport);
      const plan = deliveryPlan(t, subject.target);
      const gates = new Map(t.functions.map((f) => [f.name, new Gate(f.concurrency ?? Infinity)]));
      const calls: Call[] = [];
      const consume = (subscription: string, answer: Answer = ok) => {
        const channel = plan.channel(subscription);
        const fn = t.functions.find((f) => f.name === channel.function)!;
        const consumer: Consumer = {
          function: fn.name, subscription, gate: gates.get(fn.name)!, ...(fn.publishes ? { publishTo: fn.publishes.to } : {}),
          async deliver(e, attempt) {
            const call: Call = { subscription, id: e.id, ...data(e), attempt, at: performance.now() };
            calls.push(call);
            try {
              return await answer(e, attempt);
            } finally {
              call.end = performance.now();
            }
          },
        };
        return transport.consume(channel, consumer);
      };
      const of = (subscription: string) => calls.filter((c) => c.subscription === subscription);
      return { transport, filtered, letters, calls, consume, of };
    }

    it('delivers what is published to every subscription of its type, at attempt 1, owed from the moment publish resolves', async () => {
      const app = topology('t');
      const bus = app.bus('b');
      const alerts = app.topic('alerts');
      app.fn('f', { handler: H }).subscribe(bus, { events: [Tick], name: 'f-b' });
      app.fn('g', { handler: H }).subscribe(bus, { events: [Tick], name: 'g-b' });
      app.fn('p', { handler: H }).subscribe(alerts, { events: [Tick], name: 'p-alerts' });
      app.fn('q', { handler: H }).subscribe(alerts, { events: [Tick], name: 'q-alerts' });
      const { transport, consume, of } = start(app.build());
      let release!: () => void;
      const held = new Promise<void>((resolve) => { release = resolve; });
      await Promise.all(['f-b', 'g-b', 'p-alerts', 'q-alerts'].map((s) => consume(s, async (e) => { await held; return ok(e); })));
      await transport.publish(bus, [tick(1), tick(2), tick(3)]);
      await transport.publish(alerts, [tick(4)]);
      expect(transport.pending).to.equal(8);
      release();
      await transport.idle();
      expect(transport.pending).to.equal(0);
      for (const s of ['f-b', 'g-b']) expect(of(s).map((c) => `${c.n}#${c.attempt}`).sort(), s).to.deep.equal(['1#1', '2#1', '3#1']);
      for (const s of ['p-alerts', 'q-alerts']) expect(of(s).map((c) => `${c.n}#${c.attempt}`), s).to.deep.equal(['4#1']);
    });

    it('routes by type and filter, and reports once each subscription whose filter refused an event', async () => {
      const app = topology('t');
      const bus = app.bus('b');
      app.fn('images', { handler: H }).subscribe(bus, { events: [Tick], where: { media: { prefix: 'image/' } }, name: 'images-b' });
      app.fn('tocks', { handler: H }).subscribe(bus, { events: [Tock], name: 'tocks-b' });
      const { transport, consume, of, filtered } = start(app.build());
      await consume('images-b');
      await consume('tocks-b');
      await transport.publish(bus, [tick(1, { media: 'image/png' }), tick(2, { media: 'application/pdf' }), tick(3)]);
      await transport.idle();
      expect(of('images-b').map((c) => c.n)).to.deep.equal([1]);
      expect(of('tocks-b')).to.deep.equal([]);
      // A subscription of another type never wanted the event: it is not "filtered".
      expect(filtered.sort()).to.deep.equal(['images/images-b 2', 'images/images-b 3']);
    });

    for (const via of ['FIFO queue', 'stream'] as const) {
      it(`keeps order per key through a ${via}: one event of a key in flight at a time, a retry holding its key`, async () => {
        const app = topology('t');
        const bus = app.bus('b');
        const through = via === 'stream' ? app.stream('s', { key: 'data.key' }) : app.queue('q', { orderBy: 'data.key' });
        app.fn('f', { handler: H }).subscribe(bus, { events: [Tick], via: through, name: 'f-b' });
        const { transport, consume, of } = start(app.build());
        const running = new Map<string, number>();
        let most = 0;
        await consume('f-b', async (e, attempt) => {
          const { n, key } = data(e);
          running.set(key, (running.get(key) ?? 0) + 1);
          most = Math.max(most, running.get(key)!);
          // Earlier events take longer: anything but one at a time per key would finish them out of order.
          await sleep(12 - n * 4);
          running.set(key, running.get(key)! - 1);
          // a's retry waits long enough for b's three events to pass it on any transport (a durable one
          // commits before and after each delivery), so the order below shows b was not held up.
          return key === 'a' && n === 0 && attempt === 1 ? retry(e, subject.keyHoldMs ?? 60) : ok(e);
        });
        for (let n = 0; n < 3; n++) await transport.publish(bus, [tick(n, { key: 'a' }), tick(n, { key: 'b' })]);
        await transport.idle();
        const calls = of('f-b');
        expect(calls.filter((c) => c.key === 'a').map((c) => `${c.n}#${c.attempt}`)).to.deep.equal(['0#1', '0#2', '1#1', '2#1']);
        expect(calls.filter((c) => c.key === 'b').map((c) => `${c.n}#${c.attempt}`)).to.deep.equal(['0#1', '1#1', '2#1']);
        expect(most).to.equal(1);
        // b is not held up by a's retry.
        expect(calls.findIndex((c) => c.key === 'b' && c.n === 2)).to.be.below(calls.findIndex((c) => c.key === 'a' && c.attempt === 2));
      });
    }

    it('delivers a retry again after its delay, with the attempt counted', async () => {
      const app = topology('t');
      const bus = app.bus('b');
      app.fn('f', { handler: H }).subscribe(bus, { events: [Tick], via: app.queue('q', { maxAttempts: 5 }), name: 'f-b' });
      const { transport, consume, of, letters } = start(app.build());
      const delays = [10, 30];
      await consume('f-b', (e, attempt) => (attempt <= delays.length ? retry(e, delays[attempt - 1]!) : ok(e)));
      await transport.publish(bus, [tick(1)]);
      await transport.idle();
      const calls = of('f-b');
      expect(calls.map((c) => c.attempt)).to.deep.equal([1, 2, 3]);
      // Node timers may fire up to 1 ms early by their own rounding; never more.
      for (let i = 0; i < delays.length; i++) expect(calls[i + 1]!.at - calls[i]!.end!, `after attempt ${i + 1}`).to.be.at.least(delays[i]! - 1);
      expect(letters).to.deep.equal([]);
    });

    for (const via of ['queue', 'direct'] as const) {
      it(`holds nothing else of a ${via} subscription up while a retry waits out its delay`, async () => {
        const app = topology('t');
        const bus = app.bus('b');
        app.fn('f', { handler: H }).subscribe(bus, { events: [Tick], ...(via === 'queue' ? { via: app.queue('q', { maxAttempts: 5 }) } : {}), name: 'f-b' });
        const { transport, consume, of } = start(app.build());
        const delayMs = 3_000;
        await consume('f-b', (e, attempt) => (data(e).n === 1 && attempt === 1 ? retry(e, delayMs) : ok(e)));
        await transport.publish(bus, [tick(1)]);
        await until(() => of('f-b').length === 1 && of('f-b')[0]!.end !== undefined);
        // Let the retry reach wherever it waits (a retry topic is read again) before the next events come.
        await sleep(300);
        const sentAt = performance.now();
        await transport.publish(bus, [tick(2), tick(3)]);
        await until(() => of('f-b').filter((c) => c.n > 1).length === 2, delayMs * 2);
        const latest = Math.max(...of('f-b').filter((c) => c.n > 1).map((c) => c.at));
        expect(latest - sentAt, 'the later events waited for the retry').to.be.below(delayMs / 2);
        await transport.idle();
        expect(of('f-b').map((c) => `${c.n}#${c.attempt}`)).to.deep.equal(['1#1', '2#1', '3#1', '1#2']);
      });
    }

    it('dead-letters after maxAttempts retries, and at once on a dead-letter answer, with reason, attempts and last error', async () => {
      const app = topology('t');
      const bus = app.bus('b');
      app.fn('f', { handler: H }).subscribe(bus, { events: [Tick], via: app.queue('q', { maxAttempts: 5 }), name: 'f-b' });
      app.fn('g', { handler: H }).subscribe(bus, { events: [Tick], name: 'g-b' });
      const { transport, consume, of, letters } = start(app.build());
      // f's consumer never gives up by itself: the transport bounds its attempts.
      await consume('f-b', (e) => retry(e, 1));
      await consume('g-b', (e, attempt) => (attempt < 2 ? retry(e, 1) : deadLetter(e, 'gave up: Error: last')));
      const event = tick(1);
      await transport.publish(bus, [event]);
      await transport.idle();
      expect(of('f-b').map((c) => c.attempt)).to.deep.equal([1, 2, 3, 4, 5]);
      expect(of('g-b').map((c) => c.attempt)).to.deep.equal([1, 2]);
      const f = letters.find((l) => l.subscription === 'f-b')!;
      expect(f).to.include({ id: event.id, type: 'Tick.v1', function: 'f', attempts: 5, lastError: 'Error: try again' });
      expect(f.reason).to.equal('gave up after 5 attempts: Error: try again');
      expect(f.event).to.deep.equal(event);
      const g = letters.find((l) => l.subscription === 'g-b')!;
      expect(g).to.include({ id: event.id, function: 'g', attempts: 2, reason: 'gave up: Error: last', lastError: 'Error: last' });
      expect(letters).to.have.length(2);
    });

    it('redrives a dead letter to its own subscription only, from attempt 1, and refuses an unknown subscription whole', async () => {
      const app = topology('t');
      const bus = app.bus('b');
      app.fn('f', { handler: H }).subscribe(bus, { events: [Tick], name: 'f-b' });
      app.fn('g', { handler: H }).subscribe(bus, { events: [Tick], name: 'g-b' });
      const { transport, consume, of, letters } = start(app.build());
      let healed = false;
      await consume('f-b', (e) => (healed ? ok(e) : deadLetter(e, 'down')));
      await consume('g-b', (e) => deadLetter(e, 'down'));
      await transport.publish(bus, [tick(1)]);
      await transport.idle();
      expect(letters.map((l) => l.subscription).sort()).to.deep.equal(['f-b', 'g-b']);
      healed = true;
      const f = letters.find((l) => l.subscription === 'f-b')!;
      const stranger: DeadLetter = { ...f, subscription: 'nobody' };
      expect(await rejection(transport.redrive([f, stranger]))).to.be.instanceOf(Error).with.property('message').that.matches(/nobody/);
      await transport.idle();
      expect(of('f-b')).to.have.length(1);
      await transport.redrive([f]);
      await transport.idle();
      expect(of('f-b').map((c) => `${c.n}#${c.attempt}`)).to.deep.equal(['1#1', '1#1']);
      expect(of('g-b')).to.have.length(1);
      expect(letters).to.have.length(2);
    });

    it('delivers each event of a queue two subscriptions read to the one it came through, redrives included', async () => {
      const app = topology('t');
      const b = app.bus('b');
      const c = app.bus('c');
      const q = app.queue('q');
      app.fn('f', { handler: H }).subscribe(b, { events: [Tick], via: q, name: 'f-b' }).subscribe(c, { events: [Tick], via: q, name: 'f-c' });
      const { transport, consume, of, letters } = start(app.build());
      await consume('f-b');
      await consume('f-c', (e, attempt) => (letters.length ? ok(e) : deadLetter(e, `down on attempt ${attempt}`)));
      await transport.publish(b, [tick(1)]);
      await transport.publish(c, [tick(2)]);
      await transport.idle();
      expect(letters.map((l) => `${l.subscription} ${data(l.event).n}`)).to.deep.equal(['f-c 2']);
      await transport.redrive(letters);
      await transport.idle();
      expect(of('f-b').map((call) => `${call.n}#${call.attempt}`)).to.deep.equal(['1#1']);
      expect(of('f-c').map((call) => `${call.n}#${call.attempt}`)).to.deep.equal(['2#1', '2#1']);
    });

    it("sends what a successful delivery published to its function's bus before settling it", async () => {
      const app = topology('t');
      const bus = app.bus('b');
      app.fn('relay', { handler: H, publishes: { to: bus, events: [Tock] } }).subscribe(bus, { events: [Tick], name: 'relay-b' });
      app.fn('sink', { handler: H }).subscribe(bus, { events: [Tock], name: 'sink-b' });
      const { transport, consume, of } = start(app.build());
      const tocks: number[] = [];
      await consume('relay-b', (e) => ({ ...ok(e), published: [newEnvelope(Tock, { n: data(e).n * 10 })] }));
      await consume('sink-b', async (e) => {
        await sleep(5);
        tocks.push(data(e).n);
        return ok(e);
      });
      await transport.publish(bus, [tick(4)]);
      // Owed work never drops to zero between the relay's settling and the sink's delivery.
      await transport.idle();
      expect(of('relay-b')).to.have.length(1);
      expect(tocks).to.deep.equal([40]);
    });

    it("runs at most the function's concurrency at once, across its channels", async () => {
      const app = topology('t');
      const b = app.bus('b');
      const c = app.bus('c');
      app.fn('f', { handler: H, concurrency: 2 }).subscribe(b, { events: [Tick], name: 'f-b' }).subscribe(c, { events: [Tick], name: 'f-c' });
      const { transport, consume, calls } = start(app.build());
      let running = 0;
      let most = 0;
      const answer: Answer = async (e) => {
        most = Math.max(most, ++running);
        await sleep(5);
        running--;
        return ok(e);
      };
      await consume('f-b', answer);
      await consume('f-c', answer);
      for (let i = 0; i < 4; i++) {
        await transport.publish(b, [tick(i)]);
        await transport.publish(c, [tick(i + 100)]);
      }
      await transport.idle();
      expect(calls).to.have.length(8);
      expect(most).to.equal(2);
    });

    it('delivers a queued event again when its lease runs out unanswered, as the next attempt, and ignores the late answer', async () => {
      const app = topology('t');
      const bus = app.bus('b');
      // A 1 s timeout leases each delivery for 2 s (twice the timeout-coupling bound).
      app.fn('f', { handler: H, timeout: '1s' }).subscribe(bus, { events: [Tick], via: app.queue('q'), name: 'f-b' });
      const { transport, consume, of, letters } = start(app.build());
      let late!: () => void;
      await consume('f-b', (e, attempt) => (attempt === 1 ? new Promise<Outcome>((resolve) => { late = () => resolve(ok(e)); }) : ok(e)));
      await transport.publish(bus, [tick(1)]);
      await until(() => of('f-b').length === 2, 4000, 'the redelivery');
      const [first, second] = of('f-b');
      expect([first!.attempt, second!.attempt]).to.deep.equal([1, 2]);
      expect(second!.at - first!.at).to.be.at.least(1999);
      await transport.idle();
      late();
      await sleep(10);
      expect(transport.pending).to.equal(0);
      expect(of('f-b')).to.have.length(2);
      expect(letters).to.deep.equal([]);
    });

    it('close() finishes what is owed within the grace period, including what deliveries publish meanwhile, and reports nothing left', async () => {
      const app = topology('t');
      const bus = app.bus('b');
      app.fn('relay', { handler: H, publishes: { to: bus, events: [Tock] } }).subscribe(bus, { events: [Tick], name: 'relay-b' });
      app.fn('sink', { handler: H }).subscribe(bus, { events: [Tock], name: 'sink-b' });
      const { transport, consume, of } = start(app.build());
      await consume('relay-b', async (e) => {
        await sleep(20);
        return { ...ok(e), published: [newEnvelope(Tock, { n: data(e).n })] };
      });
      await consume('sink-b', async (e) => { await sleep(5); return ok(e); });
      await transport.publish(bus, [tick(1), tick(2)]);
      const report = await transport.close(5_000);
      expect(report).to.deep.equal({ timedOut: false, undelivered: [] });
      expect(of('relay-b').every((c) => c.end !== undefined)).to.equal(true);
      expect(of('sink-b').map((c) => c.n).sort()).to.deep.equal([1, 2]);
    });

    it('close() reports every accepted event it could not settle, with its subscription, state and attempt', async () => {
      const app = topology('t');
      const bus = app.bus('b');
      app.fn('f', { handler: H, concurrency: 1 }).subscribe(bus, { events: [Tick], name: 'f-b' });
      app.fn('g', { handler: H }).subscribe(bus, { events: [Tick], via: app.queue('q'), name: 'g-b' });
      const { transport, consume, of } = start(app.build());
      await consume('f-b', (e) => new Promise<Outcome>((resolve) => setTimeout(() => resolve(ok(e)), 60_000).unref()));
      await consume('g-b', (e) => retry(e, 60_000));
      const events = [tick(1), tick(2), tick(3)];
      await transport.publish(bus, events);
      await until(() => of('g-b').length === 3, 1000, 'g to try every event once');
      const report = await transport.close(30);
      expect(report.timedOut).to.equal(true);
      const left = report.undelivered.map((u) => `${u.function}/${u.subscription} ${data(u.event).n} ${u.state}#${u.attempt}`).sort();
      expect(left).to.deep.equal([
        'f/f-b 1 in-flight#1', 'f/f-b 2 queued#1', 'f/f-b 3 queued#1',
        'g/g-b 1 retrying#2', 'g/g-b 2 retrying#2', 'g/g-b 3 retrying#2',
      ]);
      expect(report.undelivered.find((u) => u.state === 'in-flight')!.event).to.deep.equal(events[0]);
    });

    it('refuses publish and redrive once close() began, and answers later closes with the same report', async () => {
      const app = topology('t');
      const bus = app.bus('b');
      app.fn('f', { handler: H }).subscribe(bus, { events: [Tick], name: 'f-b' });
      const { transport, consume, of, letters } = start(app.build());
      await consume('f-b', (e) => deadLetter(e, 'down'));
      await transport.publish(bus, [tick(1)]);
      await transport.idle();
      const closing = transport.close(100);
      expect(await rejection(transport.publish(bus, [tick(2)]))).to.be.instanceOf(TransportClosedError);
      expect(await rejection(transport.redrive(letters))).to.be.instanceOf(TransportClosedError);
      const report = await closing;
      expect(await transport.close(100)).to.equal(report);
      expect(of('f-b').map((c) => c.n)).to.deep.equal([1]);
    });

    it('refuses to publish to a bus or topic the topology lacks', async () => {
      const app = topology('t');
      app.fn('f', { handler: H }).subscribe(app.bus('b'), { events: [Tick], name: 'f-b' });
      const { transport, consume } = start(app.build());
      await consume('f-b');
      const refused = await rejection(transport.publish({ kind: 'topic', name: 'nope' }, [tick(1)]));
      expect(refused).to.be.instanceOf(Error).with.property('message').that.matches(/topic "nope"/);
      expect(transport.pending).to.equal(0);
    });
  });
}
