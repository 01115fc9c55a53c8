/**
 * The server.properties of the test broker: one node that is both broker and controller (a static KRaft
 * quorum of one), every internal topic at replication 1, tuned for tests that start groups often on a
 * 2-core machine. test/helpers/kafka-broker.ts writes it into the broker's temp dir. A secured broker
 * (SASL/SCRAM, TLS, or both on the client listener) keeps a PLAINTEXT listener of its own for inter-broker
 * traffic, so one node needs no credentials to talk to itself, and the controller stays PLAINTEXT.
 * @see /work/shared/reference/real-components.md §1.4
 * @see https://kafka.apache.org/documentation/#security_sasl_scram
 * @see https://kafka.apache.org/documentation/#security_ssl
 */

export interface BrokerAddress {
  /** The client listener (PLAINTEXT unless `security` says otherwise). */
  port: number;
  /** The KRaft controller listener. */
  controllerPort: number;
  /** The PLAINTEXT inter-broker listener of a secured broker; unused otherwise. */
  internalPort?: number;
  /** Where the broker keeps its logs (partitions) and the metadata log. */
  dataDir: string;
}

/** What the client listener asks of clients. */
export interface ClientListenerSecurity {
  /** SASL with SCRAM-SHA-512; the credentials are written at format time (`--add-scram`). */
  scram?: boolean;
  /** TLS with the key and certificate chain in this PEM file (`ssl.keystore.type=PEM`); no client certificates. */
  tls?: { keystoreFile: string };
}

/** The protocol of the client listener for `security`. */
export function clientProtocol({ scram, tls }: ClientListenerSecurity): 'PLAINTEXT' | 'SASL_PLAINTEXT' | 'SSL' | 'SASL_SSL' {
  if (scram) return tls ? 'SASL_SSL' : 'SASL_PLAINTEXT';
  return tls ? 'SSL' : 'PLAINTEXT';
}

export function brokerProperties({ port, controllerPort, internalPort, dataDir }: BrokerAddress, security: ClientListenerSecurity = {}): Record<string, string> {
  return {
    'process.roles': 'broker,controller',
    'node.id': '1',
    // A static quorum (voters listed): formatted without --standalone, which 4.1+ refuses alongside it.
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    ...listenerProperties(port, controllerPort, internalPort, security),
    'controller.listener.names': 'CONTROLLER',
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

function listenerProperties(port: number, controllerPort: number, internalPort: number | undefined, security: ClientListenerSecurity): Record<string, string> {
  const protocol = clientProtocol(security);
  if (protocol === 'PLAINTEXT') {
    return {
      listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name': 'PLAINTEXT',
    };
  }
  if (internalPort === undefined) throw new RangeError(`a ${protocol} client listener needs an internal port for inter-broker traffic`);
  return {
    listeners: `CLIENT://127.0.0.1:${port},INTERNAL://127.0.0.1:${internalPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    // The inter-broker listener must be advertised too: the broker finds itself through its metadata.
    'advertised.listeners': `CLIENT://127.0.0.1:${port},INTERNAL://127.0.0.1:${internalPort}`,
    'listener.security.protocol.map': `CLIENT:${protocol},INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT`,
    'inter.broker.listener.name': 'INTERNAL',
    ...(security.scram ? {
      'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
      // The server side of SCRAM needs no user in its JAAS entry: it checks clients against the metadata log.
      'listener.name.client.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    } : {}),
    ...(security.tls ? {
      'listener.name.client.ssl.keystore.type': 'PEM',
      'listener.name.client.ssl.keystore.location': security.tls.keystoreFile,
      'listener.name.client.ssl.client.auth': 'none',
    } : {}),
  };
}

/** Java properties text; values here never need escaping (paths, numbers, listener lists). */
export function renderProperties(properties: Readonly<Record<string, string>>): string {
  return Object.entries(properties).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}
