/**
 * A Herald runtime on Kafka, on a real broker: what the pipelines, the claims topic and the outcomes topic
 * add to the transport (whose seam the conformance suite checks): handlers deduplicated across processes,
 * what a handler publishes reaching its subscribers, every process's outcomes on the dev server's traces and
 * dead letters, and a record no one can read dead-lettered with its reason.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { on, topology, type Topology } from '../../../../contracts';
import { readDeliveryHeaders } from '../../../../providers/kafka/transport/delivery-headers';
import { kafkaRuntime, type KafkaRuntime, type KafkaRuntimeOptions } from '../../../../providers/kafka/transport/runtime';
import { RecordSender } from '../../../../providers/kafka/transport/record-sender';
import { startKafkaBroker, type KafkaBroker } from '../../../helpers/kafka-broker';
import { Tick, Tock, tick, until } from '../../local/fixtures';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe('kafka runtime (pipelines, claims and outcomes on a real broker)', function () {
  this.timeout(120_000);
  let broker: KafkaBroker;
  let kafka: Kafka;
  let started: KafkaRuntime[] = [];
  before(async () => {
    broker = await startKafkaBroker();
    kafka = new Kafka({ clientId: 'kafka-runtime-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  });
  afterEach(async () => {
    await Promise.all(started.map((r) => r.stop(0)));
    started = [];
  });
  after(async () => broker?.stop());

  const start = async (t: Topology, stack: string, options: Partial<KafkaRuntimeOptions> = {}) => {
    const r = await kafkaRuntime(t, {
      kafka, stack, logger: silent, schedules: false, backoff: { baseMs: 10, capMs: 20 }, topics: { partitions: 2, replicationFactor: 1, minInsyncReplicas: 1, retentionMs: 3_600_000 }, ...options,
    });
    started.push(r);
    return r;
  };

  /** An app whose `relay` publishes a Tock per Tick (failing the ticks marked `fail`) and whose `sink` takes the Tocks. */
  function relayApp() {
    const runs = { relay: [] as string[], sink: [] as number[] };
    const app = topology('relay');
    const bus = app.bus('b');
    app.fn('relay', { handler: 'h.ts', publishes: { to: bus, events: [Tock] } }).subscribe(bus, { events: [Tick], via: app.queue('q', { maxAttempts: 5 }), name: 'relay-b' });
    app.fn('sink', { handler: 'h.ts' }).subscribe(bus, { events: [Tock], name: 'sink-b' });
    const handlers = {
      relay: on(Tick, async (e, ctx) => {
        runs.relay.push(e.id);
        if (e.data.fail) throw new Error(`tick ${e.data.n} fails`);
        ctx.publish(Tock, { n: e.data.n * 10 });
      }),
      sink: on(Tock, async (e) => { runs.sink.push(e.data.n); }),
    };
    return { t: app.build(), runs, handlers };
  }

  it('runs a handler once for an event another process already handled (the claims topic), and sends what it published', async () => {
    const { t, runs, handlers } = relayApp();
    const stack = `s${randomUUID().slice(0, 8)}`;
    const first = await start(t, stack, { handlers });
    const event = tick(1);
    await first.runtime.publish([event]);
    await until(() => runs.sink.length === 1, 20_000, 'the first process to handle the tick and its tock');
    await first.stop(5_000);
    // A second process on the same stack gets the same event again (a redelivery, a publisher's retry).
    const second = await start(t, stack, { handlers });
    const seen: string[] = [];
    second.runtime.onDelivery((r) => { if (r.function === 'relay' && r.id === event.id) seen.push(r.outcome); });
    await second.runtime.publish([event, tick(2)]);
    await until(() => runs.sink.length === 2, 20_000, 'the second tick');
    await second.runtime.idle();
    expect(runs.relay.filter((id) => id === event.id)).to.have.length(1);
    expect(runs.sink.sort()).to.deep.equal([10, 20]);
    expect(seen).to.deep.equal(['duplicate']);
  });

  it('stops at once, owing nothing, when another worker of its groups settled what it published and what it sent to the retry topic', async () => {
    // arrange: two workers in the same groups; every third tick fails its first attempt (a retry through the retry topic)
    const app = topology('shared');
    app.fn('f', { handler: 'h.ts' }).subscribe(app.bus('b'), { events: [Tick], name: 'f-b' });
    const runs: string[] = [];
    const handled = new Set<number>();
    const handlers = (who: string) => ({
      f: on(Tick, async (e, ctx) => {
        runs.push(`${who} ${e.data.n}#${ctx.attempt}`);
        if (ctx.attempt === 1 && e.data.n % 3 === 0) throw new Error(`tick ${e.data.n} fails once`);
        handled.add(e.data.n);
      }),
    });
    const stack = `s${randomUUID().slice(0, 8)}`;
    const topics = { partitions: 4, replicationFactor: 1, minInsyncReplicas: 1, retentionMs: 3_600_000 };
    const a = await start(app.build(), stack, { handlers: handlers('a'), topics });
    await start(app.build(), stack, { handlers: handlers('b'), topics });
    const ticks = Array.from({ length: 40 }, (_, n) => tick(n));

    // act: worker a publishes every tick; both handle them
    await a.runtime.publish(ticks);
    await until(() => handled.size === 40, 30_000, 'every tick handled');

    // assert: b took part; a owes nothing it will never see settled, so its stop does not wait out its grace period
    expect(runs.some((r) => r.startsWith('b '))).to.equal(true);
    expect(runs.some((r) => r.startsWith('a '))).to.equal(true);
    await until(() => a.runtime.pending === 0, 5_000, 'worker a to owe nothing');
    const stopping = Date.now();
    const report = await a.stop(10_000);
    expect(report.undelivered).to.deep.equal([]);
    expect(report.timedOut).to.equal(false);
    expect(Date.now() - stopping).to.be.below(5_000);
  });

  it("shows every process's deliveries and dead letters on a following runtime (the outcomes topic)", async () => {
    const { t, runs, handlers } = relayApp();
    const stack = `s${randomUUID().slice(0, 8)}`;
    const worker = await start(t, stack, { handlers });
    const dev = await start(t, stack, { handlers, functions: [], follow: true });
    const good = tick(1, { correlationId: 'good' });
    const bad = tick(2, { fail: true, correlationId: 'bad' });
    await dev.runtime.publish([good, bad]);
    await until(() => dev.runtime.deadLetters.list().length === 1, 20_000, 'the dead letter to reach the following runtime');
    await until(() => (dev.runtime.traces.get('good') ?? []).length === 2, 20_000, 'the good trace');
    expect(dev.runtime.traces.get('good')!.map((r) => `${r.function} ${r.outcome}`).sort()).to.deep.equal(['relay ok', 'sink ok']);
    expect(dev.runtime.traces.get('bad')!.map((r) => `${r.function} #${r.attempt} ${r.outcome}`)).to.deep.equal(['relay #1 retry', 'relay #2 retry', 'relay #3 retry', 'relay #4 retry', 'relay #5 dead-letter']);
    const [letter] = dev.runtime.deadLetters.list();
    expect(letter).to.include({ id: bad.id, subscription: 'relay-b', attempts: 5 });
    expect(runs.relay.filter((id) => id === bad.id)).to.have.length(5);
    expect(worker.runtime.deadLetters.list()).to.have.length(1);
  });

  it('dead-letters a record no one can read as a CloudEvent, as it came, with the reason and its attempt history for the failing ones', async () => {
    const { t, handlers } = relayApp();
    const stack = `s${randomUUID().slice(0, 8)}`;
    const r = await start(t, stack, { handlers });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: r.names.queue('q'), messages: [{ key: 'k', value: 'not json', headers: { ce_specversion: '1.0', ce_id: 'x1', ce_type: 'Tick.v1', ce_source: 'a', 'content-type': 'application/json' } }] });
    await r.runtime.publish([tick(3, { fail: true })]);
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: `dlq-reader-${randomUUID()}` });
    const letters: Array<{ value: string; headers: ReturnType<typeof readDeliveryHeaders> }> = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [r.names.deadLetter({ deadLetter: { owner: 'queue', name: 'q' } })], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { letters.push({ value: message.value!.toString(), headers: readDeliveryHeaders(message.headers) }); } });
    try {
      await until(() => letters.length === 2, 20_000, 'both dead letters');
    } finally {
      await consumer.disconnect();
    }
    const unreadable = letters.find((l) => l.value === 'not json')!;
    expect(unreadable.headers.reason).to.match(/^unreadable record: .*JSON/i);
    const failing = letters.find((l) => l.value !== 'not json')!;
    expect(failing.headers).to.include({ subscription: 'relay-b', function: 'relay', attempts: 5 });
    expect(failing.headers.reason).to.match(/^gave up after 5 attempts: Error: tick 3 fails/);
    expect(failing.headers.history!.map((h) => `${h.attempt} ${h.outcome}`)).to.deep.equal(['1 retry', '2 retry', '3 retry', '4 retry', '5 dead-letter']);
  });

  it("sends a busy turn's records in requests the broker accepts (each partition's batch under its 1 MB limit)", async () => {
    const topic = `sender-${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sender = new RecordSender(producer);
    const value = 'x'.repeat(1_000);
    // 3 MB for one partition in one turn: one request would be refused whole (MESSAGE_TOO_LARGE).
    await Promise.all(Array.from({ length: 3_000 }, (_, i) => sender.send(topic, [{ key: 'same', value: `${i} ${value}` }])));
    await producer.disconnect();
    const offsets = await (async () => {
      const a = kafka.admin();
      await a.connect();
      try {
        return await a.fetchTopicOffsets(topic);
      } finally {
        await a.disconnect();
      }
    })();
    expect(offsets.map((o) => o.high)).to.deep.equal(['3000']);
  });
});
