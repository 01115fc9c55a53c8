/**
 * The test broker itself: a real Kafka that kafkajs produces to and consumes from, stopped for good, and a
 * start that cannot finish fails within its bound, says why, and leaves nothing behind. Needs
 * `bash .ci/kafka/setup.sh` (npm's pretest runs it); without it the tests fail, they never skip.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
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
