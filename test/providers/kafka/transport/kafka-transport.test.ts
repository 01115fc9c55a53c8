/**
 * The Kafka transport passes the transport conformance suite every embedded transport passes, on a real
 * single-node Kafka broker started here (no mock of Kafka): each test on its own stack, so its topics and
 * consumer groups are its own.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Kafka, logLevel, type Consumer as KafkaConsumer } from 'kafkajs';
import { deliveryPlan, topology, type Envelope } from '../../../../contracts';
import { kafkaNames } from '../../../../providers/kafka/topics';
import { KAFKA_DELIVERY } from '../../../../providers/kafka/delivery';
import { kafkaTransport } from '../../../../providers/kafka/transport/kafka-transport';
import { Gate, type Consumer, type TransportFactory } from '../../../../providers/local';
import { startKafkaBroker, type KafkaBroker } from '../../../helpers/kafka-broker';
import { ok, retry, sleep, tick, Tick, until } from '../../local/fixtures';
import { describeTransport } from '../../local/transport-conformance';

describe('kafka transport', function () {
  this.timeout(120_000);
  let broker: KafkaBroker;
  let kafka: Kafka;
  before(async () => {
    broker = await startKafkaBroker();
    kafka = new Kafka({ clientId: 'kafka-transport-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  });
  after(async () => broker?.stop());

  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const ONE_PARTITION = { partitions: 1, replicationFactor: 1, minInsyncReplicas: 1, retentionMs: 3_600_000 };
  /** `f` reads a queue (retries through its retry topic), `g` a stream keyed by `data.key` (retries in place), both fed by bus `b`. */
  const queueAndStream = () => {
    const app = topology('t');
    const bus = app.bus('b');
    app.fn('f', { handler: 'functions/unused.ts' }).subscribe(bus, { events: [Tick], via: app.queue('q', { maxAttempts: 5 }), name: 'f-b' });
    app.fn('g', { handler: 'functions/unused.ts' }).subscribe(bus, { events: [Tick], via: app.stream('s', { key: 'data.key', maxAttempts: 5 }), name: 'g-b' });
    return { t: app.build(), bus };
  };
  const create = (): TransportFactory => (context) => kafkaTransport({
    kafka, names: kafkaNames(context.topology.name, `t${randomUUID().slice(0, 8)}`), // One partition: the suite checks the order of events published together, which Kafka keeps within a partition only.
    topics: ONE_PARTITION,
    logger: silent,
  })(context);
  // A publish and a fetch are network round trips here: the order test's retry holds its key longer.
  describeTransport('kafka', { create, target: KAFKA_DELIVERY, keyHoldMs: 400 });

  it('pauses a partition whose records all wait, instead of fetching the same records again and again', async () => {
    // Every batch the transport's consumers process, by topic: a consumer made by `kafka` reports them.
    const batches = new Map<string, number>();
    const counting = Object.create(kafka) as Kafka;
    counting.consumer = (config) => {
      const consumer: KafkaConsumer = kafka.consumer(config);
      consumer.on(consumer.events.START_BATCH_PROCESS, ({ payload }) => batches.set(payload.topic, (batches.get(payload.topic) ?? 0) + 1));
      return consumer;
    };
    const { t, bus } = queueAndStream();
    const names = kafkaNames(t.name, `t${randomUUID().slice(0, 8)}`);
    const transport = kafkaTransport({ kafka: counting, names, topics: ONE_PARTITION, logger: silent })({
      topology: t, filtered: () => {}, deadLettered: () => {},
    });
    const plan = deliveryPlan(t, KAFKA_DELIVERY);
    const delayMs = 3_000;
    const calls: string[] = [];
    const consume = (subscription: string, fn: string) => {
      const consumer: Consumer = {
        function: fn, subscription, gate: new Gate(Infinity),
        async deliver(e: Envelope, attempt: number) {
          calls.push(`${fn} ${(e.data as { n: number }).n}#${attempt}`);
          return (e.data as { n: number }).n === 1 && attempt === 1 ? retry(e, delayMs) : ok(e);
        },
      };
      return transport.consume(plan.channel(subscription), consumer);
    };
    try {
      await Promise.all([consume('f-b', 'f'), consume('g-b', 'g')]);
      // The queue's event waits in its retry topic; the stream's holds its key, the later event of the key behind it.
      await transport.publish(bus, [tick(1), tick(2)]);
      await until(() => calls.length === 3, 5_000, 'the first deliveries');
      batches.clear();
      await sleep(delayMs - 500);
      const retryTopic = names.retry(plan.channel('f-b'));
      const streamTopic = names.source(plan.channel('g-b'));
      // Fetched again at once, each would be about a hundred batches in these 2.5 s (the wait was 20 ms, the records
      // came straight back); paused, it is a handful (250 ms, then doubling up to a second; 20 ms doubling on a stream).
      expect(batches.get(retryTopic) ?? 0, 'batches of the retry topic').to.be.at.most(8);
      expect(batches.get(streamTopic) ?? 0, 'batches of the stream').to.be.at.most(12);
      await transport.idle();
      expect(calls.sort()).to.deep.equal(['f 1#1', 'f 1#2', 'f 2#1', 'g 1#1', 'g 1#2', 'g 2#1']);
    } finally {
      await transport.close(0);
    }
  });

  it('sends a retry and a dead letter again while the brokers refuse them, with no attempt run again and nothing lost', async () => {
    // The transport's producer refuses its first sends to the retry and dead-letter topics, as a broker restarting does.
    const refusals = new Map<string, number>();
    const refusing = Object.create(kafka) as Kafka;
    refusing.producer = (config) => {
      const producer = kafka.producer(config);
      const sendBatch = producer.sendBatch.bind(producer);
      producer.sendBatch = async (batch) => {
        const refused = batch.topicMessages?.find((m) => (refusals.get(m.topic) ?? 0) > 0);
        if (refused) {
          refusals.set(refused.topic, refusals.get(refused.topic)! - 1);
          throw new Error(`refused: ${refused.topic}`);
        }
        return sendBatch(batch);
      };
      return producer;
    };
    const { t, bus } = queueAndStream();
    const names = kafkaNames(t.name, `t${randomUUID().slice(0, 8)}`);
    const buried: string[] = [];
    const transport = kafkaTransport({ kafka: refusing, names, topics: ONE_PARTITION, logger: silent })({
      topology: t, filtered: () => {}, deadLettered: (letter) => buried.push(`${letter.function} ${letter.attempts}`),
    });
    const plan = deliveryPlan(t, KAFKA_DELIVERY);
    const calls: string[] = [];
    const consume = (subscription: string, fn: string) => transport.consume(plan.channel(subscription), {
      function: fn, subscription, gate: new Gate(Infinity),
      async deliver(e: Envelope, attempt: number) {
        calls.push(`${fn}#${attempt}`);
        return retry(e, 10);
      },
    });
    try {
      await Promise.all([consume('f-b', 'f'), consume('g-b', 'g')]);
      refusals.set(names.retry(plan.channel('f-b')), 2);
      refusals.set(names.deadLetter(plan.channel('f-b')), 2);
      refusals.set(names.deadLetter(plan.channel('g-b')), 2);
      await transport.publish(bus, [tick(1)]);
      // Thrown out of the retry topic's batch before, a refused dead letter ended the process (an unhandled rejection).
      await until(() => buried.length === 2, 20_000, 'both dead letters');
      await transport.idle();
      expect([...refusals.values()], 'refusals left').to.deep.equal([0, 0, 0]);
      expect(buried.sort()).to.deep.equal(['f 5', 'g 5']);
      expect(calls.sort()).to.deep.equal(['f#1', 'f#2', 'f#3', 'f#4', 'f#5', 'g#1', 'g#2', 'g#3', 'g#4', 'g#5']);
    } finally {
      await transport.close(0);
    }
  });

  it('reads a stream partition again from the record whose delivery threw (a bug, not an outcome), its key kept in order', async () => {
    const app = topology('t');
    const bus = app.bus('b');
    app.fn('g', { handler: 'functions/unused.ts' }).subscribe(bus, { events: [Tick], via: app.stream('s', { key: 'data.key', maxAttempts: 5 }), name: 'g-b' });
    const t = app.build();
    const transport = create()({ topology: t, filtered: () => {}, deadLettered: () => {} });
    const calls: string[] = [];
    let threw = false;
    await transport.consume(deliveryPlan(t, KAFKA_DELIVERY).channel('g-b'), {
      function: 'g', subscription: 'g-b', gate: new Gate(Infinity),
      deliver(e: Envelope, attempt: number) {
        const { n } = e.data as { n: number };
        calls.push(`${n}#${attempt}`);
        if (n === 1 && !threw) {
          threw = true;
          throw new Error('a bug in the consumer');
        }
        return Promise.resolve(ok(e));
      },
    });
    try {
      // Thrown inside a held chain before, it was an unhandled rejection, and the key's later events never came.
      await transport.publish(bus, [tick(1), tick(2), tick(3)]);
      await until(() => calls.includes('3#1'), 15_000, 'the key\'s last event');
      await transport.idle();
      expect(calls).to.deep.equal(['1#1', '1#1', '2#1', '3#1']);
    } finally {
      await transport.close(0);
    }
  });
});
