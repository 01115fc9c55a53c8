/**
 * Every `herald:*` stack setting, declared once: its type, what it does and its default. `Pulumi.yaml`
 * declares the same keys for `pulumi config` to document and check (a test keeps the two equal), and the
 * program refuses a stack that sets a `herald:*` key not listed here, so a typo (`herald:kafkaBroker`)
 * is an error rather than a silently ignored value. A setting with no default is required by the CLI;
 * an optional one defaults to the empty string, which every reader takes as "not set".
 */
import * as pulumi from '@pulumi/pulumi';
import { CLOUD_NAMES, type Topology } from '../contracts';
import { APP_SETTING, DEFAULT_APP } from './app-module';
import { AZURE_CONFIG_KEYS } from './azure/foundation';
import { NOTIFICATION_CHANNELS_KEY } from './gcp/alarm';
import { KAFKA_CONFIG_KEYS, KAFKA_DEFAULTS } from './kafka/config';

export interface StackSetting {
  /** The key without the `herald:` namespace (Pulumi allows one `:` per key). */
  readonly key: string;
  /** `array` is a list of strings (`items: {type: string}` in Pulumi.yaml). */
  readonly type: 'string' | 'integer' | 'boolean' | 'array';
  readonly description: string;
  /** Absent: the CLI requires the stack to set it. `''` for an optional setting with no value. */
  readonly default?: string | number | boolean | readonly string[];
  /** The CLI requires it encrypted (`pulumi config set --secret`). */
  readonly secret?: boolean;
}

const K = KAFKA_CONFIG_KEYS;

/** Settings every topology has, whatever its webhooks. */
const STACK_SETTINGS: readonly StackSetting[] = [
  { key: APP_SETTING, type: 'string', description: `The app: <module>[#<export>], the module relative to the project folder (default ${DEFAULT_APP}, its topology export found by type); --app overrides it for a herald command.`, default: DEFAULT_APP },
  { key: 'cloud', type: 'string', description: `Which cloud realizes the topology (${CLOUD_NAMES.join(', ')}).`, default: 'aws' },
  { key: K.brokers, type: 'string', description: 'kafka: the bootstrap brokers, host:port[,host:port…].', default: '' },
  { key: K.partitions, type: 'integer', description: 'kafka: partitions per topic.', default: KAFKA_DEFAULTS.partitions },
  { key: K.replicationFactor, type: 'integer', description: 'kafka: copies of each partition (3 in production).', default: KAFKA_DEFAULTS.replicationFactor },
  { key: K.minInsyncReplicas, type: 'integer', description: 'kafka: min.insync.replicas of every topic (2 in production).', default: KAFKA_DEFAULTS.minInsyncReplicas },
  { key: K.retentionMs, type: 'integer', description: 'kafka: how long every topic keeps records, in ms (-1: forever).', default: KAFKA_DEFAULTS.retentionMs },
  { key: K.saslMechanism, type: 'string', description: 'kafka: SASL mechanism (scram-sha-512, scram-sha-256 or plain); empty for none.', default: '' },
  { key: K.saslUsername, type: 'string', description: 'kafka: SASL user name.', default: '' },
  { key: K.saslPassword, type: 'string', description: 'kafka: SASL password; set it with --secret.', default: '' },
  { key: K.tls, type: 'boolean', description: 'kafka: connect to the brokers over TLS.', default: false },
  { key: K.caCert, type: 'string', description: 'kafka: PEM of the CA that signed the brokers’ certificates, when not publicly trusted; set it with --secret.', default: '' },
  { key: AZURE_CONFIG_KEYS.resourceGroup, type: 'string', description: 'azure: an existing resource group to deploy into; empty: Herald creates one.', default: '' },
  { key: AZURE_CONFIG_KEYS.serviceBusSku, type: 'string', description: 'azure: the Service Bus tier, Standard or Premium.', default: 'Standard' },
  { key: AZURE_CONFIG_KEYS.serviceBusCapacity, type: 'string', description: 'azure: Premium messaging units, 1, 2, 4, 8 or 16 (Premium only); empty: 1.', default: '' },
  { key: AZURE_CONFIG_KEYS.actionGroupId, type: 'string', description: 'azure: the resource id of an existing action group every alert notifies.', default: '' },
  { key: AZURE_CONFIG_KEYS.alertEmail, type: 'string', description: 'azure: an address Herald creates an action group for, when no action group id is given.', default: '' },
  { key: NOTIFICATION_CHANNELS_KEY, type: 'array', description: 'gcp: the Cloud Monitoring notification channels (projects/<p>/notificationChannels/<id>) every alert policy notifies.', default: [] },
];

/** Each webhook's signing secret, named by the variable its `hmacSha256(...)` reads: required, and encrypted. */
function webhookSecretSettings(t: Topology): StackSetting[] {
  const names = [...new Set(t.webhooks.map((w) => w.verify.secretEnv))];
  return names.map((key) => ({ key, type: 'string', description: `The signing secret of webhook ${t.webhooks.filter((w) => w.verify.secretEnv === key).map((w) => w.name).join(', ')}.`, secret: true }));
}

/** Every setting a stack of `t` may set. */
export function stackSettings(t: Topology): StackSetting[] {
  return [...STACK_SETTINGS, ...webhookSecretSettings(t)];
}

/**
 * The `herald:*` keys of a stack's config that no setting declares, with a message listing the known
 * ones; undefined when there are none.
 */
export function unknownSettings(config: Readonly<Record<string, string>>, t: Topology): string | undefined {
  const known = new Set(stackSettings(t).map((s) => s.key));
  const unknown = Object.keys(config).filter((k) => k.startsWith('herald:') && !known.has(k.slice('herald:'.length))).sort();
  if (!unknown.length) return undefined;
  return `unknown stack setting${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the herald settings are ${[...known].map((k) => `herald:${k}`).join(', ')}`;
}

/**
 * Refuses a stack whose config has a `herald:*` key no setting declares.
 * @throws pulumi.RunError listing the unknown keys and the known ones
 */
export function checkStackSettings(t: Topology, config: Readonly<Record<string, string>> = pulumi.runtime.allConfig()): void {
  const problem = unknownSettings(config, t);
  if (problem) throw new pulumi.RunError(problem);
}

export { settingReader } from './setting-reader';
