/**
 * The test broker itself: a real Kafka that kafkajs produces to and consumes from, stopped for good,
 * restarted in place without losing an acknowledged record, and a start that cannot finish fails within its
 * bound, says why, and leaves nothing behind. Needs
 * `bash .ci/kafka/setup.sh` (npm's pretest runs it); without it the tests fail, they never skip.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { kafkaClientConfig } from '../../providers/kafka/transport/connection';
import { KafkaBrokerStartError, acceptsConnections, startKafkaBroker, type KafkaBroker } from './kafka-broker';
import { expectReject } from './reject';

describe('test Kafka broker (startKafkaBroker)', function () {
  this.timeout(120_000);
  let broker: KafkaBroker | undefined;
  after(async () => broker?.stop());

  it('starts a single-node broker that kafkajs produces to (acks all) and consumes from in a group, then stops it for good', async () => {
    // arrange
    broker = await startKafkaBroker();
    const { port, pid, dir } = broker;
    const kafka = new Kafka({ clientId: 'broker-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const consumer = kafka.consumer({ groupId: 'broker-test' });
    try {
      await admin.connect();
      expect(await admin.createTopics({ topics: [{ topic: 'round-trip', numPartitions: 1 }], waitForLeaders: true })).to.equal(true);
      await Promise.all([producer.connect(), consumer.connect()]);
      await consumer.subscribe({ topic: 'round-trip', fromBeginning: true });
      const received = new Promise<{ key: string; value: string }>((resolve) => {
        void consumer.run({ eachMessage: async ({ message }) => resolve({ key: String(message.key), value: String(message.value) }) });
      });

      // act
      const [sent] = await producer.send({ topic: 'round-trip', acks: -1, messages: [{ key: 'k-1', value: '{"n":1}' }] });

      // assert
      expect(sent!.errorCode).to.equal(0);
      expect(await received).to.deep.equal({ key: 'k-1', value: '{"n":1}' });
    } finally {
      await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
    }

    // act: stop
    expect(await acceptsConnections(port)).to.equal(true);
    await broker.stop();

    // assert: nothing left
    expect(await acceptsConnections(port)).to.equal(false);
    expect(alive(pid)).to.equal(false);
    expect(existsSync(dir)).to.equal(false);
  });

  it('restarts in place after a SIGKILL (same port, same data, a new JVM), keeping every acknowledged record, and a client rides the restart out', async () => {
    // arrange: 1000 records written with acks=all before the kill
    broker = await startKafkaBroker({ heap: '512m' });
    const { port, pid } = broker;
    const kafka = new Kafka({ ...kafkaClientConfig(broker.connection, 'restart-test'), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const consumer = kafka.consumer({ groupId: 'restart-test' });
    const batch = (from: number) => Array.from({ length: 500 }, (_, i) => ({ key: `k-${(from + i) % 17}`, value: String(from + i) }));
    try {
      await Promise.all([admin.connect(), producer.connect()]);
      await admin.createTopics({ topics: [{ topic: 'survivors', numPartitions: 3 }], waitForLeaders: true });
      for (const from of [0, 500]) await producer.send({ topic: 'survivors', acks: -1, messages: batch(from) });

      // act: kill and restart, while the same producer sends 1000 more (its retry waits for the broker)
      const restarting = broker.restart({ kill: true });
      const sendingThrough = (async () => {
        for (const from of [1000, 1500]) await producer.send({ topic: 'survivors', acks: -1, messages: batch(from) });
      })();
      const restartMs = await restarting;
      await sendingThrough;

      // assert: a new JVM on the same port, with all 2000 records (retries may write one twice, never lose one)
      expect(broker.pid).to.not.equal(pid);
      expect(broker.port).to.equal(port);
      expect(restartMs, 'back within the start bound').to.be.below(60_000);
      const seen = new Set<string>();
      await consumer.connect();
      await consumer.subscribe({ topic: 'survivors', fromBeginning: true });
      await new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            seen.add(String(message.value));
            if (seen.size === 2000) resolve();
          },
        });
      });
      expect([...seen].map(Number).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 2000 }, (_, i) => i));
      const log = readFileSync(path.join(broker.dir, 'broker.log'), 'utf8');
      expect(log.match(/Kafka Server started/g), 'two runs in one log').to.have.length(2);
      console.log(`      broker restart after SIGKILL: ${Math.round(restartMs)} ms to the first answered metadata request`);
    } finally {
      await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
    }

    // act: stop after a restart removes the data dir all the same
    const dir = broker.dir;
    await broker.stop();
    expect(existsSync(dir)).to.equal(false);
    expect(alive(broker.pid)).to.equal(false);
    await expectReject(broker.restart(), KafkaBrokerStartError, /restart after stop/);
  });

  it('fails at once when the broker process ends before it is ready, with the log tail saying why', async () => {
    const started = performance.now();
    const error = await expectReject(startKafkaBroker({ jvmFlags: ['-XX:+NoSuchHeraldFlag'] }), KafkaBrokerStartError, /ended \(exit 1\) before it was ready/);
    expect(error.logTail).to.contain('NoSuchHeraldFlag');
    expect(existsSync(error.dir)).to.equal(false);
    expect(performance.now() - started, 'well within the 60 s bound').to.be.below(30_000);
  });

  it('fails a start that outlasts its bound with the reason and the log tail, leaving no process or dir', async () => {
    const error = await expectReject(startKafkaBroker({ startTimeoutMs: 1 }), KafkaBrokerStartError, /not ready within 1 ms/);
    expect(error.message).to.contain('--- broker log tail');
    expect(existsSync(error.dir)).to.equal(false);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
