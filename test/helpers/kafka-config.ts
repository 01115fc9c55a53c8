/**
 * The server.properties of the test broker: one node that is both broker and controller (a static KRaft
 * quorum of one), every internal topic at replication 1, tuned for tests that start groups often on a
 * 2-core machine. test/helpers/kafka-broker.ts writes it into the broker's temp dir.
 * @see /work/shared/reference/real-components.md §1.4
 */

export interface BrokerAddress {
  /** The client listener (PLAINTEXT). */
  port: number;
  /** The KRaft controller listener. */
  controllerPort: number;
  /** Where the broker keeps its logs (partitions) and the metadata log. */
  dataDir: string;
}

export function brokerProperties({ port, controllerPort, dataDir }: BrokerAddress): Record<string, string> {
  return {
    'process.roles': 'broker,controller',
    'node.id': '1',
    // A static quorum (voters listed): formatted without --standalone, which 4.1+ refuses alongside it.
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': dataDir,
    // One node: every internal topic at replication 1, or it never becomes available.
    'num.partitions': '1',
    'default.replication.factor': '1',
    'min.insync.replicas': '1',
    'offsets.topic.replication.factor': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'share.coordinator.state.topic.replication.factor': '1',
    'share.coordinator.state.topic.min.isr': '1',
    // Test speed: the first group join creates and loads these partitions (defaults 50 and 50), and joins
    // do not wait 3 s for more members.
    'offsets.topic.num.partitions': '1',
    'transaction.state.log.num.partitions': '1',
    'group.initial.rebalance.delay.ms': '0',
    // Lets a test ask for a short session, so a killed consumer's partitions move in seconds (default 6 s).
    'group.min.session.timeout.ms': '1000',
    // 2 cores: fewer threads than the defaults (3 network, 8 I/O).
    'num.network.threads': '2',
    'num.io.threads': '4',
    // Topics are created on purpose (admin client or @pulumi/kafka), never by a typo in a topic name.
    'auto.create.topics.enable': 'false',
  };
}

/** Java properties text; values here never need escaping (paths, numbers, listener lists). */
export function renderProperties(properties: Readonly<Record<string, string>>): string {
  return Object.entries(properties).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}
