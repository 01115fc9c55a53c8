/**
 * The stack config of a Kafka deploy (`herald:kafka*`, one `:` per key as Pulumi requires), its defaults
 * and its checks. The defaults are safe for a one-broker dev cluster; production values (replication 3,
 * `min.insync.replicas` 2) are in the README. Parsing is pure over a reader of plain values, so every
 * problem is reported at once, each naming its key, in the form `validateTopology` uses; the two secrets
 * (the SASL password and the CA certificate) are read as Pulumi secrets by the foundation, never here.
 * @see https://kafka.apache.org/documentation/#topicconfigs
 */
import { InvalidOptionError, type TopologyIssue } from '../../contracts';

/**
 * Claims a Kafka process keeps in memory per function (claims.ts): about 170 bytes each, so 170 MB per function
 * when full. A redelivered copy of an event more than that many of the function's events old runs again.
 */
export const CLAIMS_PER_FUNCTION = 1_000_000;

/** Every config key this target reads, without the `herald:` namespace. */
export const KAFKA_CONFIG_KEYS = {
  brokers: 'kafkaBrokers',
  partitions: 'kafkaPartitions',
  replicationFactor: 'kafkaReplicationFactor',
  minInsyncReplicas: 'kafkaMinInsyncReplicas',
  retentionMs: 'kafkaRetentionMs',
  saslMechanism: 'kafkaSaslMechanism',
  saslUsername: 'kafkaSaslUsername',
  saslPassword: 'kafkaSaslPassword',
  tls: 'kafkaTls',
  caCert: 'kafkaCaCert',
} as const;

/** Topic settings when the stack sets none: one broker, nothing to replicate to; events kept 7 days. */
export const KAFKA_DEFAULTS = { partitions: 3, replicationFactor: 1, minInsyncReplicas: 1, retentionMs: 7 * 24 * 3_600_000 } as const;

/**
 * The SASL mechanisms Herald configures, as users write them (kafkajs spells them so), mapped to how the
 * Terraform Kafka provider under `@pulumi/kafka` spells them (`scram-sha512`, no dash before the size).
 */
export const SASL_MECHANISMS = { 'scram-sha-512': 'scram-sha512', 'scram-sha-256': 'scram-sha256', plain: 'plain' } as const;
export type SaslMechanism = keyof typeof SASL_MECHANISMS;

/** What a deploy reads from the stack config (secrets aside). */
export interface KafkaSettings {
  /** `host:port` of each bootstrap broker. */
  readonly brokers: readonly string[];
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  /** How long every topic keeps records at least; a queue or stream declaring longer keeps them longer. */
  readonly retentionMs: number;
  /** SASL, when the cluster authenticates clients. */
  readonly sasl?: { readonly mechanism: SaslMechanism; readonly username: string };
  readonly tls: boolean;
  /** Whether `herald:kafkaCaCert` is set (its value is a secret, read by the foundation). */
  readonly caCert: boolean;
}

/** A reader of plain stack config values by key (without the namespace); undefined when unset. */
export type ConfigReader = (key: string) => string | undefined;

const BROKER = /^(?:\[[0-9a-fA-F:.]+\]|[^\s:[\],]+):(\d{1,5})$/;

/**
 * A bootstrap list as users write it, `host:port[,host:port…]` (an IPv6 host in brackets): the one rule for
 * `herald:kafkaBrokers` and the workers' `--brokers` / `HERALD_KAFKA_BROKERS`. Entries are trimmed and empty
 * ones dropped; `invalid` holds each entry that is not host:port with a port 1–65535, for the caller to report
 * under its own key.
 */
export function parseBrokerList(raw: string): { brokers: string[]; invalid: string[] } {
  const brokers = raw.split(',').map((b) => b.trim()).filter(Boolean);
  const invalid = brokers.filter((b) => {
    const port = Number(BROKER.exec(b)?.[1]);
    return !(port >= 1 && port <= 65_535);
  });
  return { brokers, invalid };
}

/** What each broker must look like, for the messages of every reader of a bootstrap list. */
export const BROKER_RULE = 'each broker is host:port, the port 1–65535';

/**
 * The settings a stack's config gives, or every problem with it, each naming its key.
 * @returns `settings` only when there is no issue
 */
export function parseKafkaConfig(read: ConfigReader): { settings?: KafkaSettings; issues: TopologyIssue[] } {
  const issues: TopologyIssue[] = [];
  const K = KAFKA_CONFIG_KEYS;
  const issue = (key: string, detail: string) => issues.push(new InvalidOptionError(`herald:${key}`, detail));
  const int = (key: string, fallback: number, min: number, what: string): number => {
    const raw = read(key);
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < min) issue(key, `is "${raw}"; ${what}`);
    return value;
  };

  const { brokers, invalid } = parseBrokerList(read(K.brokers) ?? '');
  if (!brokers.length) issue(K.brokers, `is not set; it lists the bootstrap brokers as host:port[,host:port…] (pulumi config set herald:${K.brokers} 127.0.0.1:9092)`);
  for (const b of invalid) issue(K.brokers, `has "${b}"; ${BROKER_RULE}`);
  const partitions = int(K.partitions, KAFKA_DEFAULTS.partitions, 1, 'it must be a whole number ≥ 1 (partitions per topic)');
  const replicationFactor = int(K.replicationFactor, KAFKA_DEFAULTS.replicationFactor, 1, 'it must be a whole number ≥ 1 (copies of each partition)');
  const minInsyncReplicas = int(K.minInsyncReplicas, KAFKA_DEFAULTS.minInsyncReplicas, 1, 'it must be a whole number ≥ 1');
  if (Number.isSafeInteger(minInsyncReplicas) && Number.isSafeInteger(replicationFactor) && minInsyncReplicas > replicationFactor) {
    issue(K.minInsyncReplicas, `is ${minInsyncReplicas}, over herald:${K.replicationFactor} (${replicationFactor}): no write could ever be acknowledged by all producers (acks=all)`);
  }
  // Kafka takes -1 for "forever"; a dead-letter topic kept forever is a choice we leave to the user.
  const retentionMs = read(K.retentionMs) === '-1' ? -1 : int(K.retentionMs, KAFKA_DEFAULTS.retentionMs, 60_000, 'it must be a whole number of milliseconds ≥ 60000, or -1 (keep forever)');

  const mechanism = read(K.saslMechanism);
  const username = read(K.saslUsername);
  const password = read(K.saslPassword);
  let sasl: KafkaSettings['sasl'];
  if (mechanism !== undefined && !(mechanism in SASL_MECHANISMS)) {
    issue(K.saslMechanism, `is "${mechanism}"; valid values are ${Object.keys(SASL_MECHANISMS).join(', ')}`);
  } else if (mechanism !== undefined) {
    if (!username) issue(K.saslUsername, `is not set; herald:${K.saslMechanism} ${mechanism} needs a user name`);
    if (!password) issue(K.saslPassword, `is not set; herald:${K.saslMechanism} ${mechanism} needs a password (pulumi config set --secret herald:${K.saslPassword} …)`);
    if (username) sasl = { mechanism: mechanism as SaslMechanism, username };
  } else if (username !== undefined || password !== undefined) {
    issue(K.saslMechanism, `is not set, but herald:${username !== undefined ? K.saslUsername : K.saslPassword} is; name the mechanism (${Object.keys(SASL_MECHANISMS).join(', ')})`);
  }
  const tlsRaw = read(K.tls);
  if (tlsRaw !== undefined && tlsRaw !== 'true' && tlsRaw !== 'false') issue(K.tls, `is "${tlsRaw}"; it must be true or false`);
  const tls = tlsRaw === 'true';
  const caCert = !!read(K.caCert);
  if (caCert && !tls) issue(K.caCert, `is set, but herald:${K.tls} is not true: the certificate would not be used`);

  if (issues.length) return { issues };
  return { settings: { brokers, partitions, replicationFactor, minInsyncReplicas, retentionMs, ...(sasl ? { sasl } : {}), tls, caCert }, issues };
}
