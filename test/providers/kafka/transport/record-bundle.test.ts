/**
 * Bundles of claims whose send the producer refuses go again, on a real broker: after a pause, not every turn of
 * the event loop (a disconnected kafkajs producer refuses at once, and the resend spun a core), and not at all
 * once the bundle is closed (its owner stopped, the producer is being disconnected).
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { RecordBundle, RESEND_AFTER_MS } from '../../../../providers/kafka/transport/record-bundle';
import { RecordSender } from '../../../../providers/kafka/transport/record-sender';
import { startKafkaBroker, type KafkaBroker } from '../../../helpers/kafka-broker';
import { sleep } from '../../local/fixtures';

describe('record bundles refused by the producer', function () {
  this.timeout(60_000);
  let broker: KafkaBroker;
  let kafka: Kafka;
  before(async () => {
    broker = await startKafkaBroker();
    kafka = new Kafka({ clientId: 'record-bundle-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  });
  after(async () => broker?.stop());

  /** A producer that counts its sends, and the topic it sends to (created by the first send). */
  async function countingProducer(): Promise<{ producer: Producer; sends: () => number; topic: string }> {
    const topic = `bundle-${randomUUID().slice(0, 8)}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    let sends = 0;
    const sendBatch = producer.sendBatch.bind(producer);
    producer.sendBatch = (batch) => {
      sends++;
      return sendBatch(batch);
    };
    return { producer, sends: () => sends, topic };
  }

  it('sends refused items again after a pause, until the brokers acknowledge them', async () => {
    const { producer, sends, topic } = await countingProducer();
    const bundle = new RecordBundle<number>(new RecordSender(producer), topic, 'writer', { resend: true });
    // Not connected yet: kafkajs refuses every send at once ("The producer is disconnected").
    const first = bundle.add(1);
    await first.then(() => expect.fail('a disconnected producer acknowledged'), () => {});
    await sleep(1_000);
    // One send, then one per pause: about ten in a second, not the thousands of one per turn.
    expect(sends(), 'sends in a second').to.be.within(2, 1 + Math.ceil(1_000 / RESEND_AFTER_MS) + 1);
    await producer.connect();
    await waitFlushed(bundle, 10_000);
    await producer.disconnect();
  });

  it('sends nothing again once closed', async () => {
    const { producer, sends, topic } = await countingProducer();
    const bundle = new RecordBundle<number>(new RecordSender(producer), topic, 'writer', { resend: true });
    await bundle.add(1).catch(() => {});
    bundle.close();
    const closedAt = sends();
    await sleep(5 * RESEND_AFTER_MS);
    expect(sends() - closedAt, 'sends after close').to.be.at.most(1);
    await bundle.flushed().catch(() => {});
    await sleep(5 * RESEND_AFTER_MS);
    expect(sends() - closedAt, 'sends after close').to.be.at.most(1);
  });
});

/** Asks `flushed` until it resolves (a refused bundle rejects it; asked again, it waits for the resent items). */
async function waitFlushed(bundle: RecordBundle<unknown>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await bundle.flushed();
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
    }
  }
}
