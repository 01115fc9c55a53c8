/**
 * What a Kafka stack needs once, before any topic: the `kafka.Provider` every Herald resource is created
 * through, configured from `herald:kafka*` (brokers, SASL, TLS; the password and CA certificate read as
 * Pulumi secrets), and the settings and names every kind reads. A dedicated provider, not the default
 * one, so the cluster is named by Herald's own keys and never by a stray `kafka:bootstrapServers`.
 * @see https://www.pulumi.com/registry/packages/kafka/api-docs/provider/
 */
import * as pulumi from '@pulumi/pulumi';
import * as kafka from '@pulumi/kafka';
import { TopologyError } from '../../contracts';
import { KAFKA_CONFIG_KEYS, parseKafkaConfig, SASL_MECHANISMS, type KafkaSettings } from './config';
import { settingReader } from '../setting-reader';
import { kafkaNames, type KafkaNames } from './topics';

export interface KafkaFoundationArgs {
  /** The topology's name: the first part of every name. */
  readonly app: string;
  readonly stack: string;
  /** @default the stack's `herald` config */
  readonly config?: pulumi.Config;
}

/** The provider arguments for `settings`; the two secrets are given as outputs (undefined when unset). */
export function providerArgs(settings: KafkaSettings, secrets: { password?: pulumi.Input<string>; caCert?: pulumi.Input<string> }): kafka.ProviderArgs {
  return {
    bootstrapServers: [...settings.brokers],
    // The provider turns TLS on unless told otherwise; a plaintext dev broker would refuse the handshake.
    tlsEnabled: settings.tls,
    ...(settings.sasl ? { saslMechanism: SASL_MECHANISMS[settings.sasl.mechanism], saslUsername: settings.sasl.username, saslPassword: secrets.password! } : {}),
    ...(secrets.caCert !== undefined ? { caCert: secrets.caCert } : {}),
  };
}

/** `herald:kafka:Foundation`: the provider for the stack's cluster. */
export class KafkaFoundation extends pulumi.ComponentResource {
  readonly provider: kafka.Provider;
  readonly settings: KafkaSettings;
  readonly names: KafkaNames;
  readonly outputs: Readonly<Record<string, unknown>>;

  /** @throws TopologyError naming every bad config key (realize reports them earlier, through the provider's validate). */
  constructor(name: string, args: KafkaFoundationArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:kafka:Foundation', name, {}, opts);
    const config = args.config ?? new pulumi.Config('herald');
    const { settings, issues } = parseKafkaConfig(settingReader(config));
    if (!settings) throw new TopologyError(issues);
    this.settings = settings;
    this.names = kafkaNames(args.app, args.stack);
    const password = settings.sasl ? config.requireSecret(KAFKA_CONFIG_KEYS.saslPassword) : undefined;
    const caCert = settings.caCert ? config.requireSecret(KAFKA_CONFIG_KEYS.caCert) : undefined;
    this.provider = new kafka.Provider(name, providerArgs(settings, {
      ...(password ? { password } : {}), ...(caCert ? { caCert } : {}),
    }), { parent: this });
    this.outputs = { brokers: settings.brokers.join(','), prefix: this.names.prefix };
    this.registerOutputs(this.outputs);
  }
}
