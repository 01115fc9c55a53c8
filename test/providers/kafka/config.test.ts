/** Stack config for a Kafka deploy: defaults for a one-broker dev cluster, and every bad key reported at once, named. */
import { expect } from 'chai';
import { shop } from '../../../app/topology';
import { InvalidOptionError, TopologyError } from '../../../contracts';
import { KAFKA_DEFAULTS, parseKafkaConfig } from '../../../providers/kafka/config';
import { DEV_KAFKA, realizeOnKafka } from '../../helpers/kafka-mocks';
import { resources } from '../../helpers/pulumi-mocks';
import { expectReject } from '../../helpers/reject';

const reader = (config: Record<string, string>) => (key: string) => config[key];
const problems = (config: Record<string, string>) => parseKafkaConfig(reader(config)).issues.map((i) => i.message);

describe('kafka config', () => {
  it('needs only the brokers, defaulting the topic settings to a one-broker cluster', () => {
    expect(parseKafkaConfig(reader({ kafkaBrokers: '127.0.0.1:9092' }))).to.deep.equal({
      settings: { brokers: ['127.0.0.1:9092'], ...KAFKA_DEFAULTS, tls: false, caCert: false }, issues: [],
    });
    expect(KAFKA_DEFAULTS).to.deep.equal({ partitions: 3, replicationFactor: 1, minInsyncReplicas: 1, retentionMs: 604_800_000 });
  });

  it('reads a production cluster: three brokers, replication 3, min.insync.replicas 2, SCRAM over TLS', () => {
    const { settings } = parseKafkaConfig(reader({
      kafkaBrokers: 'k1.example.com:9093, k2.example.com:9093,[::1]:9093', kafkaPartitions: '12', kafkaReplicationFactor: '3', kafkaMinInsyncReplicas: '2',
      kafkaSaslMechanism: 'scram-sha-512', kafkaSaslUsername: 'herald-admin', kafkaSaslPassword: '[secret]', kafkaTls: 'true', kafkaCaCert: '[secret]',
    }));
    expect(settings).to.deep.equal({
      brokers: ['k1.example.com:9093', 'k2.example.com:9093', '[::1]:9093'], partitions: 12, replicationFactor: 3, minInsyncReplicas: 2,
      retentionMs: KAFKA_DEFAULTS.retentionMs, sasl: { mechanism: 'scram-sha-512', username: 'herald-admin' }, tls: true, caCert: true,
    });
  });

  it('reports every problem at once, each naming its key', () => {
    const issues = parseKafkaConfig(reader({
      kafkaBrokers: 'localhost', kafkaPartitions: '0', kafkaReplicationFactor: '2', kafkaMinInsyncReplicas: '3', kafkaRetentionMs: '10',
      kafkaSaslMechanism: 'scram-sha-1', kafkaTls: 'yes',
    })).issues;
    expect(issues.every((i) => i instanceof InvalidOptionError)).to.equal(true);
    expect(issues.map((i) => i.field)).to.deep.equal([
      'herald:kafkaBrokers', 'herald:kafkaPartitions', 'herald:kafkaMinInsyncReplicas', 'herald:kafkaRetentionMs', 'herald:kafkaSaslMechanism', 'herald:kafkaTls',
    ]);
    expect(issues.map((i) => i.message)).to.include.members([
      '[herald:kafkaBrokers] has "localhost"; each broker is host:port, the port 1–65535',
      '[herald:kafkaPartitions] is "0"; it must be a whole number ≥ 1 (partitions per topic)',
      '[herald:kafkaMinInsyncReplicas] is 3, over herald:kafkaReplicationFactor (2): no write could ever be acknowledged by all producers (acks=all)',
      '[herald:kafkaSaslMechanism] is "scram-sha-1"; valid values are scram-sha-512, scram-sha-256, plain',
      '[herald:kafkaTls] is "yes"; it must be true or false',
    ]);
  });

  it('says when the brokers are missing, with the command that sets them', () => {
    expect(problems({})).to.deep.equal(['[herald:kafkaBrokers] is not set; it lists the bootstrap brokers as host:port[,host:port…] (pulumi config set herald:kafkaBrokers 127.0.0.1:9092)']);
    expect(problems({ kafkaBrokers: 'k:99999' })).to.deep.equal(['[herald:kafkaBrokers] has "k:99999"; each broker is host:port, the port 1–65535']);
    expect(problems({ kafkaBrokers: 'k:9092', kafkaPartitions: '2.5' })).to.deep.equal(['[herald:kafkaPartitions] is "2.5"; it must be a whole number ≥ 1 (partitions per topic)']);
  });

  it('needs a user name and a password with a SASL mechanism, and a mechanism with either', () => {
    expect(problems({ kafkaBrokers: 'k:9092', kafkaSaslMechanism: 'scram-sha-256' })).to.deep.equal([
      '[herald:kafkaSaslUsername] is not set; herald:kafkaSaslMechanism scram-sha-256 needs a user name',
      '[herald:kafkaSaslPassword] is not set; herald:kafkaSaslMechanism scram-sha-256 needs a password (pulumi config set --secret herald:kafkaSaslPassword …)',
    ]);
    expect(problems({ kafkaBrokers: 'k:9092', kafkaSaslUsername: 'u' })).to.deep.equal([
      '[herald:kafkaSaslMechanism] is not set, but herald:kafkaSaslUsername is; name the mechanism (scram-sha-512, scram-sha-256, plain)',
    ]);
  });

  it('refuses a CA certificate without TLS, and takes -1 as "keep forever"', () => {
    expect(problems({ kafkaBrokers: 'k:9092', kafkaCaCert: '[secret]' })).to.deep.equal(['[herald:kafkaCaCert] is set, but herald:kafkaTls is not true: the certificate would not be used']);
    expect(parseKafkaConfig(reader({ kafkaBrokers: 'k:9092', kafkaRetentionMs: '-1' })).settings?.retentionMs).to.equal(-1);
  });

  it('stops a deploy before any resource, with the config problems and the topology problems in one error', async () => {
    const error = await expectReject(realizeOnKafka(shop, { ...DEV_KAFKA, 'herald:kafkaPartitions': 'many', 'herald:kafkaMinInsyncReplicas': '2' }), TopologyError);
    expect(error.issues.map((i) => i.field)).to.deep.equal(['herald:kafkaPartitions', 'herald:kafkaMinInsyncReplicas']);
    expect(error.message).to.match(/the topology has 2 problem\(s\):\n {2}- \[herald:kafkaPartitions\] is "many"/);
    expect(resources()).to.have.length(0);
  });
});
