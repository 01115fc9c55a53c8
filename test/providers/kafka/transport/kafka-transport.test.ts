/**
 * The Kafka transport passes the transport conformance suite every embedded transport passes, on a real
 * single-node Kafka broker started here (no mock of Kafka): each test on its own stack, so its topics and
 * consumer groups are its own.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaNames } from '../../../../providers/kafka/topics';
import { KAFKA_DELIVERY } from '../../../../providers/kafka/delivery';
import { kafkaTransport } from '../../../../providers/kafka/transport/kafka-transport';
import type { TransportFactory } from '../../../../providers/local';
import { startKafkaBroker, type KafkaBroker } from '../../../helpers/kafka-broker';
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
  const create = (): TransportFactory => (context) => kafkaTransport({
    kafka, names: kafkaNames(context.topology.name, `t${randomUUID().slice(0, 8)}`), // One partition: the suite checks the order of events published together, which Kafka keeps within a partition only.
    topics: { partitions: 1, replicationFactor: 1, minInsyncReplicas: 1, retentionMs: 3_600_000 },
    logger: silent,
  })(context);
  // A publish and a fetch are network round trips here: the order test's retry holds its key longer.
  describeTransport('kafka', { create, target: KAFKA_DELIVERY, keyHoldMs: 400 });
});
