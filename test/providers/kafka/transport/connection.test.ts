/**
 * kafkaClientConfig: Herald's client defaults, and the settings a secured cluster needs, checked against real
 * brokers: SASL/SCRAM-SHA-512 (the right password gets in, a wrong one is refused with an authentication
 * error), TLS (the CA gets in, the system's CAs alone do not), and both at once. Needs `bash .ci/kafka/setup.sh`.
 */
import { expect } from 'chai';
import {
  Kafka, KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSSASLAuthenticationError, logLevel, type KafkaConfig,
} from 'kafkajs';
import {
  AUTHENTICATION_TIMEOUT_MS, CLIENT_RETRY, CONNECTION_TIMEOUT_MS, REQUEST_TIMEOUT_MS, kafkaClientConfig, retryWindowMs, type KafkaConnection,
} from '../../../../providers/kafka/transport/connection';
import { startKafkaBroker, type KafkaBroker } from '../../../helpers/kafka-broker';
import { expectReject } from '../../../helpers/reject';

const USER = { username: 'herald-worker', password: 'right-horse-battery' };

describe('kafkaClientConfig', () => {
  it("gives a plain connection Herald's timeouts and retry, and no SASL or TLS", () => {
    expect(kafkaClientConfig({ brokers: ['k1:9092', 'k2:9092'] }, 'herald-worker-1')).to.deep.equal({
      clientId: 'herald-worker-1', brokers: ['k1:9092', 'k2:9092'], connectionTimeout: CONNECTION_TIMEOUT_MS,
      authenticationTimeout: AUTHENTICATION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, retry: CLIENT_RETRY,
    });
  });

  it('passes SCRAM credentials as kafkajs spells them, and TLS with a CA or with the system CAs', () => {
    const sasl = { mechanism: 'scram-sha-512' as const, username: 'u', password: 'p' };
    const withCa = kafkaClientConfig({ brokers: ['k1:9093'], sasl, tls: { ca: 'PEM' } }, 'c');
    expect(withCa.sasl).to.deep.equal(sasl);
    expect(withCa.ssl).to.deep.equal({ ca: ['PEM'] });
    expect(kafkaClientConfig({ brokers: ['k1:9093'], tls: true }, 'c').ssl).to.equal(true);
    expect(kafkaClientConfig({ brokers: ['k1:9093'], tls: {} }, 'c').ssl).to.equal(true);
    expect(kafkaClientConfig({ brokers: ['k1:9092'], tls: false }, 'c')).to.not.have.property('ssl');
  });

  it('retries for long enough to ride out a ~15 s broker restart, and gives up on a dead broker within about half a minute', () => {
    // kafkajs jitters each wait by ±20 %: the window at its shortest must still outlast a restart.
    expect(retryWindowMs(CLIENT_RETRY, -1)).to.be.within(20_000, 23_000);
    expect(retryWindowMs(CLIENT_RETRY)).to.equal(28_500);
    expect(retryWindowMs(CLIENT_RETRY, 1)).to.be.within(30_000, 32_000);
  });

  it('refuses a connection without brokers', () => {
    expect(() => kafkaClientConfig({ brokers: [] }, 'c')).to.throw(RangeError, /at least one bootstrap broker/);
  });
});

describe('kafkaClientConfig against secured brokers', function () {
  this.timeout(90_000);

  /** Connects an admin, writes one record with acks=all and reads the topic's end offset back. */
  async function roundTrip(config: KafkaConfig, topic: string): Promise<string> {
    const kafka = new Kafka({ ...config, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const producer = kafka.producer();
    try {
      await Promise.all([admin.connect(), producer.connect()]);
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'secured' }] });
      const [partition] = await admin.fetchTopicOffsets(topic);
      return partition!.high;
    } finally {
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
    }
  }

  /** Connects an admin once, without retries: a refusal is the same on every try, so the test need not wait out the window. */
  async function connectOnce(connection: KafkaConnection): Promise<void> {
    const admin = new Kafka({ ...kafkaClientConfig(connection, 'refused'), logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    try {
      await admin.connect();
      await admin.listTopics();
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  describe('SASL/SCRAM-SHA-512 (SASL_PLAINTEXT)', () => {
    let broker: KafkaBroker | undefined;
    before(async () => { broker = await startKafkaBroker({ heap: '384m', scram: USER }); });
    after(async () => broker?.stop());

    it('gets in with the right password: topics created, a record written and read back', async () => {
      expect(broker!.connection.sasl).to.deep.equal({ mechanism: 'scram-sha-512', ...USER });
      expect(await roundTrip(kafkaClientConfig(broker!.connection, 'scram-ok'), 'scram-round-trip')).to.equal('1');
    });

    it('is refused with a wrong password by an authentication error, at once', async () => {
      const started = performance.now();
      const error = await expectReject(
        connectOnce({ ...broker!.connection, sasl: { mechanism: 'scram-sha-512', username: USER.username, password: 'wrong-horse' } }),
        KafkaJSSASLAuthenticationError, /SASL SCRAM SHA512 authentication failed.*invalid credentials/i,
      );
      expect(error.message).to.not.contain('wrong-horse');
      expect(performance.now() - started, 'not retried').to.be.below(5_000);
    });

    it('is refused for an unknown user and for SCRAM-SHA-256, which the listener does not enable', async () => {
      await expectReject(connectOnce({ ...broker!.connection, sasl: { ...broker!.connection.sasl!, username: 'nobody' } }), KafkaJSSASLAuthenticationError);
      const unsupported = await expectReject(connectOnce({ ...broker!.connection, sasl: { ...broker!.connection.sasl!, mechanism: 'scram-sha-256' } }), KafkaJSProtocolError, /does not support the requested SASL mechanism/);
      expect(unsupported.type).to.equal('UNSUPPORTED_SASL_MECHANISM');
    });
  });

  describe('TLS (SSL)', () => {
    let broker: KafkaBroker | undefined;
    before(async () => { broker = await startKafkaBroker({ heap: '384m', tls: true }); });
    after(async () => broker?.stop());

    it('gets in trusting the CA that signed the broker certificate', async () => {
      expect(broker!.caPem).to.match(/^-----BEGIN CERTIFICATE-----/);
      expect(broker!.connection.tls).to.deep.equal({ ca: broker!.caPem });
      expect(await roundTrip(kafkaClientConfig(broker!.connection, 'tls-ok'), 'tls-round-trip')).to.equal('1');
    });

    it('fails the handshake trusting only the system CAs, and without TLS gets no answer', async () => {
      // The broker sends its own certificate, not the CA: untrusted, it cannot be verified.
      const untrusted = await expectReject(connectOnce({ brokers: broker!.brokers, tls: true }), KafkaJSNumberOfRetriesExceeded, /unable to verify the first certificate/);
      expect(untrusted.cause).to.be.instanceOf(KafkaJSConnectionError);
      const plaintext = await expectReject(connectOnce({ brokers: broker!.brokers }), KafkaJSNumberOfRetriesExceeded, /Closed connection/);
      // kafkajs exports no type for it; the TLS listener closed on a plaintext request.
      expect((plaintext.cause as Error).name).to.equal('KafkaJSConnectionClosedError');
    });
  });

  describe('SCRAM-SHA-512 over TLS (SASL_SSL)', () => {
    let broker: KafkaBroker | undefined;
    before(async () => { broker = await startKafkaBroker({ heap: '384m', scram: USER, tls: true }); });
    after(async () => broker?.stop());

    it('gets in with the password and the CA, and is refused with a wrong password', async () => {
      expect(await roundTrip(kafkaClientConfig(broker!.connection, 'sasl-ssl-ok'), 'sasl-ssl-round-trip')).to.equal('1');
      await expectReject(connectOnce({ ...broker!.connection, sasl: { ...broker!.connection.sasl!, password: 'wrong-horse' } }), KafkaJSSASLAuthenticationError);
    });
  });
});
