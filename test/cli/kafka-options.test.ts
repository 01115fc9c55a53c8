/** `--brokers` and the HERALD_KAFKA_* variables: what a worker connects with, and every bad setting reported at once, named. */
import { expect } from 'chai';
import { KafkaOptionsError, kafkaConnectionFrom, type ReadText } from '../../cli/kafka-options';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const files: ReadText = (file) => {
  if (file === '/etc/herald/ca.pem') return CA;
  if (file === '/etc/herald/notes.txt') return 'not a certificate';
  throw Object.assign(new Error(`ENOENT: no such file, open '${file}'`), { code: 'ENOENT' });
};
const from = (flags: { brokers?: string }, env: Record<string, string> = {}) => kafkaConnectionFrom(flags, env, files);
const problemsOf = (flags: { brokers?: string }, env: Record<string, string> = {}): readonly string[] => {
  try {
    from(flags, env);
  } catch (error) {
    expect(error).to.be.instanceOf(KafkaOptionsError);
    return (error as KafkaOptionsError).problems;
  }
  expect.fail('expected a KafkaOptionsError');
};

describe('kafkaConnectionFrom', () => {
  describe('reads', () => {
    it('the brokers from --brokers, trimmed, with no SASL and no TLS', () => {
      expect(from({ brokers: '127.0.0.1:9092, k2.example.com:9093,[::1]:9094' })).to.deep.equal({
        brokers: ['127.0.0.1:9092', 'k2.example.com:9093', '[::1]:9094'],
      });
    });

    it('the brokers from HERALD_KAFKA_BROKERS when --brokers is absent, and --brokers over it when both are set', () => {
      expect(from({}, { HERALD_KAFKA_BROKERS: 'env:9092' }).brokers).to.deep.equal(['env:9092']);
      expect(from({ brokers: 'flag:9092' }, { HERALD_KAFKA_BROKERS: 'env:9092' }).brokers).to.deep.equal(['flag:9092']);
    });

    it('SCRAM-SHA-512 over TLS trusting a CA file, the mechanism in any case', () => {
      expect(from({ brokers: 'k1:9093' }, {
        HERALD_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', HERALD_KAFKA_SASL_USERNAME: 'orders-worker', HERALD_KAFKA_SASL_PASSWORD: 's3cret',
        HERALD_KAFKA_TLS: 'true', HERALD_KAFKA_CA_FILE: '/etc/herald/ca.pem',
      })).to.deep.equal({
        brokers: ['k1:9093'], sasl: { mechanism: 'scram-sha-512', username: 'orders-worker', password: 's3cret' }, tls: { ca: CA },
      });
    });

    it('TLS with the system CAs from HERALD_KAFKA_TLS=true, and a CA file alone as TLS', () => {
      expect(from({ brokers: 'k1:9093' }, { HERALD_KAFKA_TLS: 'true' }).tls).to.equal(true);
      expect(from({ brokers: 'k1:9093' }, { HERALD_KAFKA_CA_FILE: '/etc/herald/ca.pem' }).tls).to.deep.equal({ ca: CA });
      expect(from({ brokers: 'k1:9092' }, { HERALD_KAFKA_TLS: 'false' })).to.not.have.property('tls');
    });

    it('empty variables as unset', () => {
      expect(from({ brokers: 'k1:9092' }, { HERALD_KAFKA_SASL_MECHANISM: '', HERALD_KAFKA_SASL_USERNAME: '', HERALD_KAFKA_TLS: '', HERALD_KAFKA_CA_FILE: '' }))
        .to.deep.equal({ brokers: ['k1:9092'] });
    });
  });

  describe('refuses', () => {
    it('no brokers at all, saying how to give them', () => {
      expect(problemsOf({})).to.deep.equal([
        '--brokers (or HERALD_KAFKA_BROKERS) is not set; it lists the bootstrap brokers as host:port[,host:port…], e.g. --brokers 127.0.0.1:9092',
      ]);
      expect(problemsOf({ brokers: ' , ' })).to.have.length(1);
    });

    it('every problem at once, each naming its flag or variable, in one error', () => {
      // arrange
      const env = {
        HERALD_KAFKA_SASL_MECHANISM: 'scram-sha-1', HERALD_KAFKA_TLS: 'yes', HERALD_KAFKA_CA_FILE: '/etc/herald/missing.pem',
      };

      // act
      let error: unknown;
      try {
        from({ brokers: 'localhost,k2:99999' }, env);
      } catch (e) {
        error = e;
      }

      // assert
      expect(error).to.be.instanceOf(KafkaOptionsError);
      expect((error as KafkaOptionsError).problems).to.deep.equal([
        '--brokers has "localhost"; each broker is host:port, the port 1–65535',
        '--brokers has "k2:99999"; each broker is host:port, the port 1–65535',
        'HERALD_KAFKA_SASL_MECHANISM is "scram-sha-1"; valid values are scram-sha-512, scram-sha-256, plain',
        'HERALD_KAFKA_TLS is "yes"; it must be true or false',
        'HERALD_KAFKA_CA_FILE names /etc/herald/missing.pem, which cannot be read (ENOENT)',
      ]);
      expect((error as Error).message).to.match(/^5 problems with the Kafka connection settings:\n {2}- --brokers has "localhost"/);
      expect((error as Error).name).to.equal('KafkaOptionsError');
    });

    it('a bad broker in HERALD_KAFKA_BROKERS under that variable\'s name', () => {
      expect(problemsOf({}, { HERALD_KAFKA_BROKERS: 'k1:0' })).to.deep.equal(['HERALD_KAFKA_BROKERS has "k1:0"; each broker is host:port, the port 1–65535']);
    });

    it('a SASL mechanism without its user name and password, never echoing a password', () => {
      expect(problemsOf({ brokers: 'k1:9092' }, { HERALD_KAFKA_SASL_MECHANISM: 'plain' })).to.deep.equal([
        'HERALD_KAFKA_SASL_USERNAME is not set; HERALD_KAFKA_SASL_MECHANISM plain needs a user name',
        'HERALD_KAFKA_SASL_PASSWORD is not set; HERALD_KAFKA_SASL_MECHANISM plain needs a password',
      ]);
      const problems = problemsOf({ brokers: 'k1:9092' }, { HERALD_KAFKA_SASL_PASSWORD: 'hunter2' });
      expect(problems).to.deep.equal(['HERALD_KAFKA_SASL_MECHANISM is not set, but HERALD_KAFKA_SASL_PASSWORD is; name the mechanism (scram-sha-512, scram-sha-256, plain)']);
      expect(problems.join()).to.not.contain('hunter2');
    });

    it('a CA file with TLS turned off, or one that holds no certificate', () => {
      expect(problemsOf({ brokers: 'k1:9092' }, { HERALD_KAFKA_TLS: 'false', HERALD_KAFKA_CA_FILE: '/etc/herald/ca.pem' })).to.deep.equal([
        'HERALD_KAFKA_CA_FILE is set, but HERALD_KAFKA_TLS is false: the certificate is only used over TLS',
      ]);
      expect(problemsOf({ brokers: 'k1:9092' }, { HERALD_KAFKA_CA_FILE: '/etc/herald/notes.txt' })).to.deep.equal([
        'HERALD_KAFKA_CA_FILE names /etc/herald/notes.txt, which holds no PEM certificate (-----BEGIN CERTIFICATE-----)',
      ]);
    });
  });

  it('reads the CA file from disk by default', () => {
    expect(() => kafkaConnectionFrom({ brokers: 'k1:9092' }, { HERALD_KAFKA_CA_FILE: '/nonexistent/herald-ca.pem' }))
      .to.throw(KafkaOptionsError, /\/nonexistent\/herald-ca\.pem, which cannot be read \(ENOENT\)/);
  });
});
