/**
 * How a worker or the dev server reaches the cluster, and the kafkajs client settings Herald uses for it.
 * One place for the client's timeouts and retry, so every producer, consumer and admin a process opens
 * rides out the same broker restart and gives up on a dead broker at the same time. The deploy side reads
 * the same settings from `herald:kafka*` (../config.ts); the CLI reads them from flags and the environment
 * (cli/kafka-options.ts). kafkajs stays behind this module: `@confluentinc/kafka-javascript` takes the same
 * `KafkaConfig` shape through its KafkaJS-compatible API.
 * @see https://kafka.js.org/docs/configuration
 */
import { Kafka, logLevel, type KafkaConfig, type RetryOptions } from 'kafkajs';
import type { SaslMechanism } from '../config';

/** How a worker or dev server reaches the cluster. */
export interface KafkaConnection {
  /** `host:port` of each bootstrap broker. */
  readonly brokers: readonly string[];
  /** SASL, when the cluster authenticates clients; the mechanism as kafkajs spells it. */
  readonly sasl?: { readonly mechanism: SaslMechanism; readonly username: string; readonly password: string };
  /** TLS: `true` trusts the system's CAs; `{ ca }` trusts that PEM certificate (or bundle) instead. @default false */
  readonly tls?: boolean | { readonly ca?: string };
}

/**
 * How long a client waits for a TCP connection (and the TLS handshake). kafkajs's 1 s is too short for a
 * TLS handshake to a remote cluster; a refused connection (a broker restarting on this host) fails at once anyway.
 */
export const CONNECTION_TIMEOUT_MS = 3_000;
/** How long SASL authentication may take once connected. */
export const AUTHENTICATION_TIMEOUT_MS = 10_000;
/** How long a request may wait for its answer: Kafka's own `request.timeout.ms`. */
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Retry of every request (metadata, produce, fetch, commit): 300 ms doubling up to 4 s, 10 retries. The
 * waits add up to about 28 s (22–31 s with kafkajs's ±20 % jitter), so a broker restart of
 * ~15 s is ridden out, while a broker that stays dead is reported within half a minute, not kafkajs's
 * ~10 s (5 retries) that a restart outlasts.
 */
export const CLIENT_RETRY: Readonly<Required<Pick<RetryOptions, 'initialRetryTime' | 'maxRetryTime' | 'multiplier' | 'factor' | 'retries'>>> = {
  initialRetryTime: 300,
  maxRetryTime: 4_000,
  multiplier: 2,
  factor: 0.2,
  retries: 10,
};

/**
 * The total a request waits between its tries before kafkajs gives up, as its retrier computes it
 * (kafkajs/src/retry): each wait is the previous one jittered by ±`factor`, times `multiplier`, capped at
 * `maxRetryTime`. `jitter` -1 takes every draw at its lowest, 0 none, 1 at its highest.
 */
export function retryWindowMs(retry: typeof CLIENT_RETRY, jitter: -1 | 0 | 1 = 0): number {
  const draw = (ms: number) => ms * (1 + jitter * retry.factor);
  let wait = draw(retry.initialRetryTime);
  let total = 0;
  for (let i = 0; i < retry.retries; i++) {
    total += wait;
    wait = Math.min(draw(wait) * retry.multiplier, retry.maxRetryTime);
  }
  return total;
}

/** The kafkajs `KafkaConfig` for `connection`, with Herald's client defaults (timeouts, bounded retry). */
export function kafkaClientConfig(connection: KafkaConnection, clientId: string): KafkaConfig {
  if (!connection.brokers.length) throw new RangeError('a Kafka connection needs at least one bootstrap broker');
  const { sasl, tls } = connection;
  return {
    clientId,
    brokers: [...connection.brokers],
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    authenticationTimeout: AUTHENTICATION_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    retry: { ...CLIENT_RETRY },
    ...(sasl ? { sasl: saslOptions(sasl) } : {}),
    // Node's TLS verifies the chain and the broker's host name (or IP) against the certificate.
    ...(tls === true || (tls && tls.ca === undefined) ? { ssl: true } : {}),
    ...(tls && tls !== true && tls.ca !== undefined ? { ssl: { ca: [tls.ca] } } : {}),
  };
}

/** kafkajs types SASL as a union by mechanism; ours are all username and password ones. */
function saslOptions({ mechanism, username, password }: NonNullable<KafkaConnection['sasl']>): NonNullable<KafkaConfig['sasl']> {
  switch (mechanism) {
    case 'plain': return { mechanism, username, password };
    case 'scram-sha-256': return { mechanism, username, password };
    case 'scram-sha-512': return { mechanism, username, password };
  }
}

/**
 * The kafkajs client for `connection`. kafkajs logs every retriable answer (a coordinator loading, a leader
 * moving) as an error; it is silenced, and the transport reports what matters (a consumer that crashed and
 * restarts) through Herald's logger instead. `retry` overrides the defaults (a one-shot command gives up sooner).
 */
export function kafkaClient(connection: KafkaConnection, clientId: string, retry: Partial<RetryOptions> = {}): Kafka {
  const config = kafkaClientConfig(connection, clientId);
  return new Kafka({ ...config, retry: { ...config.retry, ...retry }, logLevel: logLevel.NOTHING });
}
