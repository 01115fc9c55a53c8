/** The stack's kafka.Provider: brokers, TLS and SASL from config, the password and CA certificate as secrets. */
import { expect } from 'chai';
import { shop } from '../../../app/topology';
import { providerArgs } from '../../../providers/kafka/foundation';
import { KAFKA_DEFAULTS } from '../../../providers/kafka/config';
import { DEV_KAFKA, realizeOnKafka } from '../../helpers/kafka-mocks';
import { findResource, isSecretInput, resources, unsecret } from '../../helpers/pulumi-mocks';

describe('kafka foundation', () => {
  it('configures a plaintext dev broker explicitly (the provider turns TLS on by default)', async () => {
    await realizeOnKafka(shop);
    const provider = findResource('pulumi:providers:kafka', 'shop');
    // A provider's inputs reach the engine as JSON strings.
    expect(provider.inputs).to.include({ bootstrapServers: '["127.0.0.1:9092"]', tlsEnabled: 'false' });
    // No SASL: the provider's schema default mechanism (plain) is unused without a user name.
    expect(provider.inputs).not.to.have.any.keys('saslUsername', 'saslPassword', 'caCert');
  });

  it('passes SCRAM-SHA-512 in the provider\'s spelling, and the password and CA certificate as secrets', async () => {
    await realizeOnKafka(shop, {
      ...DEV_KAFKA, 'herald:kafkaSaslMechanism': 'scram-sha-512', 'herald:kafkaSaslUsername': 'herald', 'herald:kafkaSaslPassword': 's3cret',
      'herald:kafkaTls': 'true', 'herald:kafkaCaCert': '-----BEGIN CERTIFICATE-----',
    }, ['herald:kafkaSaslPassword', 'herald:kafkaCaCert']);
    const provider = findResource('pulumi:providers:kafka', 'shop');
    expect(provider.inputs).to.include({ saslMechanism: 'scram-sha512', saslUsername: 'herald' });
    expect(provider.inputs.tlsEnabled).to.equal('true');
    for (const key of ['saslPassword', 'caCert']) expect(isSecretInput(provider.inputs[key]), key).to.equal(true);
    expect(unsecret(provider.inputs.saslPassword)).to.equal('s3cret');
    expect(resources().some((r) => r.type === 'kafka:index/topic:Topic')).to.equal(true);
  });

  it('maps every mechanism to the provider\'s spelling', () => {
    const base = { brokers: ['k:9092'], ...KAFKA_DEFAULTS, tls: true, caCert: false };
    const mechanism = (m: 'scram-sha-512' | 'scram-sha-256' | 'plain') => providerArgs({ ...base, sasl: { mechanism: m, username: 'u' } }, { password: 'p' }).saslMechanism;
    expect([mechanism('scram-sha-512'), mechanism('scram-sha-256'), mechanism('plain')]).to.deep.equal(['scram-sha512', 'scram-sha256', 'plain']);
    expect(providerArgs(base, {})).to.deep.equal({ bootstrapServers: ['k:9092'], tlsEnabled: true });
    expect(unsecret(providerArgs({ ...base, sasl: { mechanism: 'plain', username: 'u' } }, { password: 'p' }).saslPassword)).to.equal('p');
  });
});
