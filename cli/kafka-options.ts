/**
 * The cluster a `herald dev --transport kafka`, `herald worker` or `herald dlq --brokers` process talks to:
 * `--brokers` (else `HERALD_KAFKA_BROKERS`) and the SASL/TLS settings from the environment, so a password
 * never shows in `ps` or a shell history. The broker rule and the SASL mechanisms are the deploy side's
 * (providers/kafka/config.ts); like it, every problem is reported at once, each naming its flag or variable.
 */
import { readFileSync } from 'node:fs';
import { HeraldError } from '../contracts';
import { BROKER_RULE, KAFKA_DEFAULTS, parseBrokerList, SASL_MECHANISMS, type SaslMechanism } from '../providers/kafka/config';
import type { KafkaConnection } from '../providers/kafka/transport/connection';

/** The environment variables read here, for usage texts. */
export const KAFKA_ENV = {
  brokers: 'HERALD_KAFKA_BROKERS',
  saslMechanism: 'HERALD_KAFKA_SASL_MECHANISM',
  saslUsername: 'HERALD_KAFKA_SASL_USERNAME',
  saslPassword: 'HERALD_KAFKA_SASL_PASSWORD',
  tls: 'HERALD_KAFKA_TLS',
  caFile: 'HERALD_KAFKA_CA_FILE',
} as const;

/** Lines for a command's usage text. */
export const KAFKA_OPTIONS_USAGE = `  --brokers          host:port[,host:port…] of the bootstrap brokers (default $${KAFKA_ENV.brokers})
  environment:       ${KAFKA_ENV.saslMechanism} (scram-sha-512, scram-sha-256 or plain) with
                     ${KAFKA_ENV.saslUsername} and ${KAFKA_ENV.saslPassword}; ${KAFKA_ENV.tls}=true|false;
                     ${KAFKA_ENV.caFile}=<PEM file> to trust that CA (implies TLS)`;

/** More lines for the commands that run a runtime on the cluster (`herald dev --transport kafka`, `herald worker`). */
export const KAFKA_RUNTIME_USAGE = `  --stack            the stack whose topics and consumer groups it uses: <app>.<stack>.… (default $HERALD_STACK, else dev)
  --partitions       partitions of the topics it creates when missing (default ${KAFKA_DEFAULTS.partitions}; \`pulumi up\` sets them otherwise)`;

/** Every problem with the Kafka connection settings, each naming its flag or variable. */
export class KafkaOptionsError extends HeraldError {
  constructor(readonly problems: readonly string[]) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} problems with the Kafka connection settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads a file's text; injectable so tests need no files. */
export type ReadText = (file: string) => string;

/**
 * The connection the flags and the environment describe. Empty variables count as unset; the mechanism is
 * read in any case (`SCRAM-SHA-512`, as Kafka's docs write it, works).
 * @throws KafkaOptionsError listing every problem
 */
export function kafkaConnectionFrom(
  flags: { readonly brokers?: string | undefined },
  env: Readonly<Record<string, string | undefined>> = process.env,
  readText: ReadText = (file) => readFileSync(file, 'utf8'),
): KafkaConnection {
  const problems: string[] = [];
  const E = KAFKA_ENV;
  const get = (name: string) => (env[name] === '' ? undefined : env[name]);

  const brokersFrom = flags.brokers !== undefined ? '--brokers' : E.brokers;
  const { brokers, invalid } = parseBrokerList(flags.brokers ?? get(E.brokers) ?? '');
  if (!brokers.length) problems.push(`--brokers (or ${E.brokers}) is not set; it lists the bootstrap brokers as host:port[,host:port…], e.g. --brokers 127.0.0.1:9092`);
  for (const b of invalid) problems.push(`${brokersFrom} has "${b}"; ${BROKER_RULE}`);

  const mechanismRaw = get(E.saslMechanism);
  const username = get(E.saslUsername);
  const password = get(E.saslPassword);
  const mechanism = mechanismRaw?.toLowerCase();
  let sasl: KafkaConnection['sasl'];
  if (mechanism !== undefined && !(mechanism in SASL_MECHANISMS)) {
    problems.push(`${E.saslMechanism} is "${mechanismRaw}"; valid values are ${Object.keys(SASL_MECHANISMS).join(', ')}`);
  } else if (mechanism !== undefined) {
    if (!username) problems.push(`${E.saslUsername} is not set; ${E.saslMechanism} ${mechanism} needs a user name`);
    if (!password) problems.push(`${E.saslPassword} is not set; ${E.saslMechanism} ${mechanism} needs a password`);
    if (username && password) sasl = { mechanism: mechanism as SaslMechanism, username, password };
  } else if (username !== undefined || password !== undefined) {
    problems.push(`${E.saslMechanism} is not set, but ${username !== undefined ? E.saslUsername : E.saslPassword} is; name the mechanism (${Object.keys(SASL_MECHANISMS).join(', ')})`);
  }

  const tlsRaw = get(E.tls);
  if (tlsRaw !== undefined && tlsRaw !== 'true' && tlsRaw !== 'false') problems.push(`${E.tls} is "${tlsRaw}"; it must be true or false`);
  const caFile = get(E.caFile);
  let ca: string | undefined;
  if (caFile !== undefined) {
    if (tlsRaw === 'false') problems.push(`${E.caFile} is set, but ${E.tls} is false: the certificate is only used over TLS`);
    try {
      ca = readText(caFile);
      if (!ca.includes('-----BEGIN CERTIFICATE-----')) problems.push(`${E.caFile} names ${caFile}, which holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    } catch (error) {
      problems.push(`${E.caFile} names ${caFile}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }

  if (problems.length) throw new KafkaOptionsError(problems);
  const tls: KafkaConnection['tls'] = ca !== undefined ? { ca } : tlsRaw === 'true';
  return { brokers, ...(sasl ? { sasl } : {}), ...(tls ? { tls } : {}) };
}
