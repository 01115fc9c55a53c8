/**
 * `herald worker`: runs the app's functions on a Kafka cluster, and nothing else (no HTTP, no
 * schedules: `herald dev --transport kafka` runs those). Start as many as you like, on as many machines:
 * each subscription is one consumer group, so the workers share its partitions, and one that dies has
 * its partitions moved to the others within the session timeout. SIGTERM stops fetching, finishes what is
 * in flight within the grace period, commits and leaves the groups.
 */
import { parseArgs } from 'node:util';
import type { HandlerDefinition, Topology } from '../../contracts';
import type { Command } from '../main';
import { deliveryLine, devLogger, paintFor } from '../format';
import { processIo, type Io } from '../io';
import { KAFKA_OPTIONS_USAGE, KAFKA_RUNTIME_USAGE } from '../kafka-options';
import { kafkaRuntimeSettings } from '../kafka-runtime-options';
import { IGNORED_SIGNAL, STOP_RULE, stopSignals, unclosedLine } from '../stop-signals';
import { APP_USAGE, loadCliApp } from '../app-option';
import { kafkaRuntime } from '../../providers/kafka/transport/runtime';

const USAGE = `usage: herald worker --brokers host:port[,…] [--app module[#export]] [--functions a,b] [--concurrency n] [--stack s] [--grace-ms n]

Runs the app's functions on a Kafka cluster; start as many as you like, they share the work.
${APP_USAGE}
${KAFKA_OPTIONS_USAGE}
${KAFKA_RUNTIME_USAGE}
  --functions        only these functions' subscriptions (default: every function)
  --concurrency      deliveries each function runs at once in this worker (default: the function's own)
  --backoff-base-ms  retry backoff base (default $HERALD_BACKOFF_BASE_MS, else 1000)
  --grace-ms         how long a stop waits for in-flight work (default $HERALD_GRACE_MS, else 10000)
  --quiet            no line per delivery`;

/** Which app a worker runs: the project's (herald:app or --app), or (tests, the chaos run) one given with its handlers. */
export interface WorkerApp {
  readonly topology: Topology;
  readonly root?: string;
  readonly handlers?: Readonly<Record<string, HandlerDefinition>>;
}

/** Reads a whole number option ≥ min. @throws RangeError naming it */
function whole(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`${name} must be a whole number ≥ ${min}, got "${value}"`);
  return n;
}

/** Runs a worker until SIGINT or SIGTERM; 0 when it stopped with nothing left undone. */
export async function runWorker(argv: string[], io: Io = processIo, env = process.env, app?: WorkerApp): Promise<number> {
  let settings: ReturnType<typeof kafkaRuntimeSettings>, functions: string[] | undefined, concurrency: number | undefined;
  let baseMs: number, graceMs: number, quiet: boolean, appFlag: string | undefined;
  try {
    const { values } = parseArgs({
      args: argv, strict: true,
      options: {
        brokers: { type: 'string' }, stack: { type: 'string' }, partitions: { type: 'string' }, functions: { type: 'string' },
        concurrency: { type: 'string' }, 'backoff-base-ms': { type: 'string' }, 'grace-ms': { type: 'string' }, quiet: { type: 'boolean' },
        app: { type: 'string' },
      },
    });
    appFlag = values.app;
    settings = kafkaRuntimeSettings(values, env, `herald-worker-${process.pid}`);
    functions = values.functions?.split(',').map((f) => f.trim()).filter(Boolean);
    if (values.functions !== undefined && !functions?.length) throw new Error('--functions needs at least one function name');
    concurrency = values.concurrency === undefined ? undefined : whole('--concurrency', values.concurrency, 1, 1);
    baseMs = whole('--backoff-base-ms', values['backoff-base-ms'] ?? env.HERALD_BACKOFF_BASE_MS, 1000, 0);
    graceMs = whole('--grace-ms', values['grace-ms'] ?? env.HERALD_GRACE_MS, 10_000, 0);
    quiet = values.quiet ?? false;
  } catch (error) {
    io.err(`herald worker: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const loaded = app ?? loadCliApp('worker', io, { flag: appFlag, stack: settings.stack });
  if (!loaded) return 1;
  const { topology, root, handlers } = 'app' in loaded ? { topology: loaded.topology, root: loaded.app.root, handlers: undefined } : loaded;
  const unknown = functions?.filter((name) => !topology.functions.some((f) => f.name === name));
  if (unknown?.length) {
    io.err(`herald worker: --functions names ${unknown.join(', ')}, not in ${topology.name}; its functions are ${topology.functions.map((f) => f.name).join(', ')}`);
    return 2;
  }
  const paint = paintFor(process.stdout, env);
  const logger = devLogger(io.err, paint);
  const signals = stopSignals(() => io.out(IGNORED_SIGNAL));
  try {
    let worker;
    try {
      const starting = kafkaRuntime(topology, {
        kafka: settings.kafka, stack: settings.stack, topics: settings.topics, logger, schedules: false, backoff: { baseMs },
        ...(root ? { root } : {}), ...(handlers ? { handlers } : {}), ...(functions ? { functions } : {}), ...(concurrency ? { concurrency } : {}),
      });
      // A stop while connecting ends it now, not once kafkajs gives up reaching a cluster (about 30 s when there is none).
      const first = await Promise.race([starting, signals.signal.then((signal) => ({ signal }))]);
      if ('signal' in first) {
        // A start that still succeeds stops at once; the process ends meanwhile, and what it took is delivered again.
        starting.then((started) => started.stop(0), () => {}).catch(() => {});
        io.out(`${first.signal}: stopped while connecting to the cluster, before taking any work`);
        return 0;
      }
      worker = first;
    } catch (error) {
      io.err(`herald worker: ${(error as Error).message}`);
      return 1;
    }
    const consumed = functions ?? topology.functions.map((f) => f.name);
    io.out(`herald worker · ${topology.name} on ${worker.names.prefix} · ${consumed.join(', ')} · pid ${process.pid}`);
    if (!quiet) worker.runtime.onDelivery((r) => io.out(deliveryLine(r, paint)));
    const received = await signals.signal;
    io.out(`${received}: finishing ${worker.runtime.pending} in flight (up to ${graceMs} ms; ${STOP_RULE}), then leaving the groups`);
    const report = await worker.stop(graceMs, signals.hurry);
    if (report.unclosed) io.out(unclosedLine(report.unclosed));
    if (!report.undelivered.length) {
      if (report.unclosed) return 1;
      io.out('stopped: everything taken was settled');
      return 0;
    }
    io.out(`stopped with ${report.undelivered.length} not settled: they stay uncommitted, and the group's other workers (or the next start) deliver them`);
    return 1;
  } finally {
    signals.release();
  }
}

export const command: Command = {
  summary: 'run the functions on a Kafka cluster (--brokers host:port); start as many as you like',
  usage: USAGE,
  async run(argv) {
    const code = await runWorker(argv);
    // A handler still running past the grace period must not keep the process alive.
    setTimeout(() => process.exit(code), 500).unref();
    return code;
  },
};
