/**
 * A real Kafka broker for tests and benchmarks: one single-node KRaft process (broker and controller in one
 * JVM) from the Maven Central jars `bash .ci/kafka/setup.sh` puts in `.ci/cache/`, on free 127.0.0.1 ports,
 * in its own temp dir. No mocha in here: benchmarks start brokers too. It can be restarted in place (killed
 * or stopped, then started on the same ports and data) for the chaos test, and its client listener can ask
 * for SASL/SCRAM-SHA-512, TLS, or both, for the tests of secured connections.
 * @see /work/shared/reference/real-components.md §1 (how Kafka's own scripts launch it)
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaClientConfig, type KafkaConnection } from '../../providers/kafka/transport/connection';
import { launch, terminate } from './broker-process';
import { brokerProperties, renderProperties } from './kafka-config';
import { makeServerCertificate } from './test-certificates';

const ROOT = path.resolve(__dirname, '../..');
const CI = path.join(ROOT, '.ci/kafka');
export const KAFKA_SETUP_COMMAND = 'bash .ci/kafka/setup.sh';

/** Where setup.sh put the broker's jars, or the reason they are not usable. */
export function locateKafka(): { lib: string; version: string; classArchive: string } | { missing: string } {
  const pom = readFileSync(path.join(CI, 'pom.xml'), 'utf8');
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
  if (!version) return { missing: '.ci/kafka/pom.xml names no kafka.version' };
  const lib = path.join(ROOT, '.ci/cache', `kafka-${version}`, 'lib');
  if (!existsSync(path.join(lib, '.complete'))) return { missing: `Kafka ${version} is not set up in ${path.relative(ROOT, lib)}: run \`${KAFKA_SETUP_COMMAND}\`` };
  // Written by setup.sh after the jars (.ci/kafka/class-archive.ts); a broker starts without it, only slower.
  return { lib, version, classArchive: path.join(lib, '..', 'broker.jsa') };
}

export interface KafkaBrokerOptions {
  /** JVM heap (-Xms = -Xmx). Kafka's own default; benchmarks take 2g and leave the rest to the page cache. @default '1g' */
  heap?: string;
  /** How long the started JVM may take to answer a metadata request (formatting is bounded apart). @default 60_000 */
  startTimeoutMs?: number;
  /** How long a SIGTERM may take (controlled shutdown, log flush) before SIGKILL. @default 15_000 */
  stopGraceMs?: number;
  /** Server properties added to or replacing the defaults of `brokerProperties`. */
  config?: Readonly<Record<string, string>>;
  /** More flags for the broker's JVM (a JAAS file for SASL, say), after the defaults. */
  jvmFlags?: readonly string[];
  /**
   * SASL/SCRAM-SHA-512 on the client listener, with this one user, created when the storage is formatted.
   * Names and passwords of letters, digits and `._-~!@#$%^&*+` (what `--add-scram` reads unquoted).
   */
  scram?: { readonly username: string; readonly password: string };
  /** TLS on the client listener, with a certificate for 127.0.0.1 signed by a CA made at start (`caPem`). */
  tls?: boolean;
}

export interface KafkaBroker {
  /** Bootstrap list for clients: `['127.0.0.1:<port>']`. */
  readonly brokers: string[];
  readonly port: number;
  /** How a client reaches it: the brokers, plus the SCRAM user and the CA when the client listener asks for them. */
  readonly connection: KafkaConnection;
  /** The CA certificate (PEM) behind the broker's certificate, with `tls`. */
  readonly caPem?: string;
  /** The temp dir holding the config, the data and `broker.log`; removed by `stop`. */
  readonly dir: string;
  /** The broker's JVM now (a restart starts another). */
  readonly pid: number;
  /** Milliseconds from formatting the storage to the first answered metadata request. */
  readonly startedInMs: number;
  /** The last lines of the broker's log (every run of the JVM, restarts included). */
  logTail(lines?: number): string;
  /**
   * Ends the JVM (SIGKILL with `kill`, else SIGTERM and the stop grace) and starts it again on the same ports
   * and data, not reformatted: what a crashed or restarted broker does. Resolves to the milliseconds from the
   * signal to the first answered metadata request.
   * @throws KafkaBrokerStartError when it does not come back (the broker is then stopped), or after `stop`
   */
  restart(options?: { kill?: boolean }): Promise<number>;
  /** SIGTERM, then SIGKILL after the grace; resolves once the process is gone and the temp dir removed. Idempotent. */
  stop(): Promise<void>;
}

/** Thrown when a broker does not come up; the temp dir is already removed and the JVM gone. */
export class KafkaBrokerStartError extends Error {
  constructor(message: string, readonly dir: string, readonly logTail: string, options?: ErrorOptions) {
    super(`${message}\n--- broker log tail (${dir}) ---\n${logTail || '(empty)'}`, options);
    this.name = 'KafkaBrokerStartError';
  }
}

const FORMAT_TIMEOUT_MS = 60_000;
// Two tries more when another process took a port between choosing it and the broker binding it.
const BIND_ATTEMPTS = 3;

/** Starts a broker and resolves once it answers a metadata request. @throws KafkaBrokerStartError */
export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const located = locateKafka();
  if ('missing' in located) throw new Error(located.missing);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(located, options);
    } catch (e) {
      const lostPortRace = e instanceof KafkaBrokerStartError && /BindException|Address already in use/.test(e.logTail);
      if (!lostPortRace || attempt === BIND_ATTEMPTS) throw e;
    }
  }
}

async function startOnce({ lib, classArchive }: { lib: string; classArchive: string }, options: KafkaBrokerOptions): Promise<KafkaBroker> {
  const extra = options.jvmFlags ?? [];
  // AppCDS: the classes a broker loads at start, pre-parsed, halve the JVM's start (measured: 9.5 s → 5 s of
  // boot, 1.8 s → 1.1 s of format). Not while writing the archive itself, which takes no other.
  const archive = existsSync(classArchive) && !extra.some((f) => f.startsWith('-XX:ArchiveClassesAtExit')) ? [`-XX:SharedArchiveFile=${classArchive}`] : [];
  const secured = !!(options.scram || options.tls);
  const [port, controllerPort, internalPort] = await freePorts(secured ? 3 : 2);
  const dir = mkdtempSync(path.join(tmpdir(), 'herald-kafka-'));
  const logFile = path.join(dir, 'broker.log');
  const tail = (lines = 60) => (existsSync(logFile) ? readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '');
  const propertiesFile = path.join(dir, 'server.properties');
  const started = performance.now();

  let caPem: string | undefined;
  try {
    if (options.scram) checkScramUser(options.scram);
    const certificate = options.tls ? await makeServerCertificate(dir) : undefined;
    caPem = certificate?.caPem;
    const security = { scram: !!options.scram, ...(certificate ? { tls: { keystoreFile: certificate.keystoreFile } } : {}) };
    const address = { port: port!, controllerPort: controllerPort!, ...(internalPort ? { internalPort } : {}), dataDir: path.join(dir, 'data') };
    writeFileSync(propertiesFile, renderProperties({ ...brokerProperties(address, security), ...options.config }));
    await format(lib, archive, propertiesFile, options.scram);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new KafkaBrokerStartError(`preparing the broker failed: ${(e as Error).message}`, dir, '', { cause: e });
  }
  const brokers = [`127.0.0.1:${port}`];
  const connection: KafkaConnection = {
    brokers,
    ...(options.scram ? { sasl: { mechanism: 'scram-sha-512' as const, ...options.scram } } : {}),
    ...(caPem !== undefined ? { tls: { ca: caPem } } : {}),
  };

  const args = [...brokerJvmFlags(options.heap ?? '1g', dir), ...archive, ...extra, '-cp', `${lib}/*`, 'kafka.Kafka', propertiesFile];
  const graceMs = options.stopGraceMs ?? 15_000;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  let jvm = launch(args, logFile, dir);
  let stopped = false;
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    stopped = true;
    await terminate(jvm, graceMs);
    rmSync(dir, { recursive: true, force: true });
  })());
  // A failed start or restart leaves nothing behind and says why.
  const readyOrStop = async (what: string) => {
    try {
      await untilReady(connection, jvm.ended, startTimeoutMs);
    } catch (e) {
      const logTail = tail();
      await stop();
      throw new KafkaBrokerStartError(`${what}${(e as Error).message}`, dir, logTail, { cause: e });
    }
  };

  await readyOrStop('');
  let restarting = false;
  const restart = async ({ kill = false }: { kill?: boolean } = {}): Promise<number> => {
    if (stopped) throw new KafkaBrokerStartError('restart after stop: the broker is gone', dir, '');
    // Two JVMs on one data dir and the same ports would fight; a chaos script restarts one at a time.
    if (restarting) throw new KafkaBrokerStartError('restart while restarting: wait for the first one', dir, '');
    restarting = true;
    try {
      const signalled = performance.now();
      await terminate(jvm, kill ? 0 : graceMs);
      if (stopped) throw new KafkaBrokerStartError('stopped while restarting', dir, tail());
      jvm = launch(args, logFile, dir);
      await readyOrStop(`restart (${kill ? 'SIGKILL' : 'SIGTERM'}): `);
      return performance.now() - signalled;
    } finally {
      restarting = false;
    }
  };
  return {
    brokers, port: port!, connection, ...(caPem !== undefined ? { caPem } : {}), dir,
    get pid() { return jvm.child.pid!; },
    startedInMs: performance.now() - started, logTail: tail, restart, stop,
  };
}

/** Kafka's own launch flags (kafka-run-class.sh), minus JMX and GC logging. G1 sizes its threads from the 2 cores itself. */
function brokerJvmFlags(heap: string, dir: string): string[] {
  return [
    `-Xms${heap}`, `-Xmx${heap}`, '-server', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent', '-Djava.awt.headless=true', `-Dkafka.logs.dir=${dir}`,
    `-Dlog4j2.configurationFile=${path.join(CI, 'log4j2.properties')}`,
  ];
}

/** What `--add-scram` reads without quoting (its values end at `,` and `]`). */
const SCRAM_WORD = /^[A-Za-z0-9._~!@#$%^&*+-]+$/;

function checkScramUser({ username, password }: { username: string; password: string }): void {
  if (!SCRAM_WORD.test(username) || !SCRAM_WORD.test(password)) throw new RangeError(`a test SCRAM user name and password are made of ${SCRAM_WORD.source}`);
}

function format(lib: string, archive: string[], propertiesFile: string, scram?: { username: string; password: string }): Promise<void> {
  // A short-lived tool: the quick JIT tier and the serial collector halve its CPU time (measured: 2.8 s → 1.6 s).
  const args = ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', ...archive, `-Dlog4j2.configurationFile=${path.join(CI, 'tools-log4j2.properties')}`, '-cp', `${lib}/*`,
    'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', propertiesFile,
    // KRaft keeps SCRAM credentials in the metadata log: written with the first records, before any client can come.
    ...(scram ? ['--add-scram', `SCRAM-SHA-512=[name=${scram.username},password=${scram.password}]`] : [])];
  return new Promise((resolve, reject) => {
    execFile('java', args, { timeout: FORMAT_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stdout}${stderr}`.trim()));
      else resolve();
    });
  });
}

/** A cluster id as `kafka-storage random-uuid` makes one (16 random bytes, base64url), without a second JVM. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    // Kafka's own Uuid.randomUuid skips these too: a leading '-' reads as a command-line flag.
    if (!id.startsWith('-')) return id;
  }
}

async function untilReady(connection: KafkaConnection, ended: () => string | undefined, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  const port = Number(connection.brokers[0]!.split(':')[1]);
  let last: unknown;
  while (performance.now() < deadline) {
    const how = ended();
    if (how) throw new Error(`the broker ended (${how}) before it was ready`);
    // The port first (cheap), then a metadata request, which a broker answers only once it serves.
    if (await acceptsConnections(port)) {
      // Through the client listener with its credentials and CA: the broker is ready when a client gets in.
      const admin = new Kafka({ ...kafkaClientConfig(connection, 'herald-readiness'), logLevel: logLevel.NOTHING, connectionTimeout: 1_000, requestTimeout: 2_000, retry: { retries: 0 } }).admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length > 0) return;
      } catch (e) {
        last = e;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the broker was not ready within ${timeoutMs} ms${last ? ` (last metadata request: ${(last as Error).message})` : ''}`);
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** Ports the OS calls free now, all held at once so they differ. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  })));
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
