/**
 * `herald dev` (what `npm start` runs): the app (herald:app, or --app) on the embedded runtime, HTTP on
 * 127.0.0.1:${PORT:-4000}, its accepted events kept in a state database (the sqlite transport; `--memory`
 * for an ephemeral run). Prints the topology, the URLs and where state lives, then one line per delivery.
 * SIGINT/SIGTERM stop accepting, let in-flight work finish within the grace period, and report anything
 * left (kept in the state database for the next start).
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from '../main';
import { saveJson, startDevSession, type DevSession } from '../dev-session';
import { announceDevServer } from '../dev-address';
import { exportTraces, type TraceExport } from '../otlp';
import { deliveryLine, devLogger, paintFor, rejectedLine, topologyTable, type Paint } from '../format';
import { processIo, type Io } from '../io';
import { IGNORED_SIGNAL, STOP_RULE, stopSignals, unclosedLine } from '../stop-signals';
import { KAFKA_OPTIONS_USAGE, KAFKA_RUNTIME_USAGE } from '../kafka-options';
import type { kafkaRuntimeSettings } from '../kafka-runtime-options';
import type { RuntimeStarter } from '../dev-session';
import { APP_USAGE, cliAppOptions, loadCliApp, type AppOptionValues } from '../app-option';
import { startHotReload } from '../hot-reload';
import { cliApp, type LoadedApp } from '../../providers/app-module';
import { DEFAULT_STATE_FILE, LOCAL_LIMITS, describeLimits, durableStores, openState, type StateDb, type StopReport } from '../../providers/local';
import { CLAIMS_PER_FUNCTION } from '../../providers/kafka/config';

const USAGE = `usage: herald dev [--app module[#export]] [--port n] [--backoff-base-ms n] [--grace-ms n] [--state file | --memory] [--no-reload]
       herald dev --transport kafka --brokers host:port[,…] [--stack s] [--port n] …

Runs the app on this machine, HTTP on 127.0.0.1, the dev console at http://127.0.0.1:<port>/.
Reloads the app when one of its files changes: a handler change swaps the handlers in place (queues,
retries, dead letters, traces and dedupe kept); a topology change re-plans, prints what changed and
restarts the runtime on the same state; a change that fails to load prints why and changes nothing.
${APP_USAGE}
  --no-reload        do not watch the app's files
  --port             default $PORT, else 4000 (0 picks a free port)
  --backoff-base-ms  retry backoff base: delays are random up to base × 2^(attempt-1)
                     (default $HERALD_BACKOFF_BASE_MS, else 1000)
  --grace-ms         how long shutdown waits for in-flight work (default $HERALD_GRACE_MS, else 10000)
  --state            the state database: every accepted event is kept there until each subscription
                     settled it, across crashes and restarts (default ${DEFAULT_STATE_FILE} under the project folder)
  --memory           keep nothing: state lives in this process and dies with it
  --otlp <url>       export a span per delivery and per publish over OTLP/HTTP, e.g.
                     http://127.0.0.1:4318/v1/traces (default $HERALD_OTLP_URL; none without it)
  --transport        local (default) or kafka: events travel and are kept on a Kafka cluster, and this
                     process is also one worker for every function (add more with \`herald worker\`);
                     /traces and /dlq show every worker's work
${KAFKA_OPTIONS_USAGE}
${KAFKA_RUNTIME_USAGE}`;

/** Where the runtime keeps its state: a file for the sqlite transport, nowhere, or a Kafka cluster. */
type StateChoice = { readonly file: string } | 'memory' | { readonly kafka: ReturnType<typeof kafkaRuntimeSettings> & { readonly brokers: string } };

/** Reads a non-negative integer option. @throws RangeError naming the option */
function count(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a whole number ≥ 0, got "${value}"`);
  return n;
}

/** Runs `herald dev` until SIGINT or SIGTERM; 0 when nothing was left undelivered. */
export async function runDev(argv: string[], io: Io = processIo, env = process.env): Promise<number> {
  let port: number, baseMs: number, graceMs: number, state: StateChoice, otlp: string | undefined, loaded: LoadedApp;
  let appOptions: AppOptionValues, reload: boolean;
  try {
    const { values } = parseArgs({
      args: argv, strict: true,
      options: {
        port: { type: 'string' }, 'backoff-base-ms': { type: 'string' }, 'grace-ms': { type: 'string' }, transport: { type: 'string' }, brokers: { type: 'string' },
        state: { type: 'string' }, memory: { type: 'boolean' }, stack: { type: 'string' }, partitions: { type: 'string' }, otlp: { type: 'string' }, app: { type: 'string' },
        'no-reload': { type: 'boolean' },
      },
    });
    otlp = values.otlp ?? env.HERALD_OTLP_URL;
    if (otlp !== undefined) new URL(otlp);
    const transport = values.transport ?? 'local';
    if (transport !== 'local' && transport !== 'kafka') throw new Error(`--transport is "${transport}"; it is local or kafka`);
    if (transport === 'local' && (values.brokers ?? values.stack ?? values.partitions) !== undefined) throw new Error('--brokers, --stack and --partitions go with --transport kafka');
    if (transport === 'kafka' && (values.memory || values.state !== undefined)) throw new Error('--state and --memory are the local transport\'s; with --transport kafka the cluster keeps the state');
    port = count('--port', values.port ?? env.PORT, 4000);
    baseMs = count('--backoff-base-ms', values['backoff-base-ms'] ?? env.HERALD_BACKOFF_BASE_MS, 1000);
    graceMs = count('--grace-ms', values['grace-ms'] ?? env.HERALD_GRACE_MS, 10_000);
    if (values.memory && values.state !== undefined) throw new Error('--state and --memory exclude each other: keep state in a file, or nowhere');
    if (values.state === '') throw new Error('--state needs a file');
    const kafka = transport === 'kafka' ? (await import('../kafka-runtime-options.js')).kafkaRuntimeSettings(values, env, `herald-dev-${process.pid}`) : undefined;
    appOptions = { flag: values.app, stack: kafka?.stack };
    reload = !values['no-reload'];
    const app = loadCliApp('dev', io, appOptions);
    if (!app) return 1;
    loaded = app;
    state = kafka ? { kafka: { ...kafka, brokers: values.brokers ?? env.HERALD_KAFKA_BROKERS ?? '' } }
      : values.memory ? 'memory' : { file: path.resolve(values.state ?? path.join(loaded.app.root, DEFAULT_STATE_FILE)) };
  } catch (error) {
    io.err(`herald dev: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const paint = paintFor(process.stdout, env);
  let session: DevSession;
  let db: StateDb | undefined;
  let traces: TraceExport | undefined;
  try {
    traces = otlp !== undefined ? await exportTraces(otlp, 'herald-dev') : undefined;
    const logger = devLogger(io.out, paint);
    db = state !== 'memory' && 'file' in state ? openState((state as { file: string }).file) : undefined;
    const durable = db ? durableStores(db, (store, error) => logger.error(`could not store a change to the ${store}`, { error: (error as Error).message })) : {};
    const onKafka = state !== 'memory' && 'kafka' in state ? (state as { kafka: ReturnType<typeof kafkaRuntimeSettings> }).kafka : undefined;
    // Loaded only for Kafka: `npm start` does not pay for kafkajs.
    const { kafkaRuntime } = onKafka ? await import('../../providers/kafka/transport/runtime.js') : { kafkaRuntime: undefined };
    const start: RuntimeStarter | undefined = onKafka && kafkaRuntime && ((t, options) => kafkaRuntime(t, { ...options, ...onKafka, follow: true }));
    session = await startDevSession({ topology: loaded.topology, root: loaded.app.root, port, backoff: { baseMs }, logger, env, ...durable, ...(start ? { start } : {}), onRejected: (r) => io.out(rejectedLine(r, paint)) });
  } catch (error) {
    db?.close();
    await traces?.shutdown();
    const busy = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    io.err(`herald dev: ${busy ? `port ${port} is in use; stop the other server or set PORT=…` : (error as Error).message}`);
    return 1;
  }
  // Announced before the banner: whoever reads the URL from the banner finds .herald/dev.json written.
  const unannounce = await announceDevServer(session.url).catch(() => () => {});
  printBanner(session, io, paint, env, baseMs, graceMs, state);
  if (otlp !== undefined) io.out(`spans of every delivery and publish exported over OTLP/HTTP to ${paint.bold(otlp)}\n`);
  session.runtime.onDelivery((r) => io.out(deliveryLine(r, paint)));
  const hot = reload ? startHotReload({
    session, projectDir: loaded.app.root, paint, out: io.out,
    load: () => cliApp(cliAppOptions(appOptions)).topology,
    keepLeft: (left) => saveJson(left, path.join(process.cwd(), '.herald'), 'undelivered'),
  }) : undefined;
  if (hot) io.out(paint.dim(`watching the app's files: a change reloads it (--no-reload to turn off)\n`));
  const { signal, hurry, release } = stopSignals(() => io.out(IGNORED_SIGNAL));
  try {
    io.out(`\n${await signal}: not accepting new events; finishing ${session.runtime.pending} owed (up to ${graceMs} ms; ${STOP_RULE})`);
    hot?.close();
    const report = await session.stop(graceMs, hurry);
    return await reportStop(session, report, io, paint, state);
  } finally {
    hot?.close();
    unannounce();
    db?.close();
    await traces?.shutdown();
    release();
  }
}

function printBanner(session: DevSession, io: Io, paint: Paint, env: NodeJS.ProcessEnv, baseMs: number, graceMs: number, state: StateChoice): void {
  const { runtime, url } = session;
  const t = runtime.topology;
  io.out(paint.bold(`herald dev · ${t.name}`));
  io.out('');
  for (const line of topologyTable(t)) io.out(line);
  io.out('');
  io.out(`listening on ${paint.bold(url)}`);
  io.out(`  console  ${paint.bold(`${url}/`)}  topology, live feed, traces, dead letters, publish, fire, test webhooks`);
  io.out(`  POST ${url}/events                 CloudEvents: structured, binary (ce-* headers) or batch`);
  io.out(`  GET  ${url}/traces/<correlationid> every delivery of one request`);
  io.out(`  GET  ${url}/dlq, POST ${url}/dlq/redrive, POST ${url}/dlq/purge   each with ?id=&function=&type=`);
  for (const w of t.webhooks) {
    io.out(`  ${w.method.padEnd(4)} ${url}${w.path}  ${w.emits}${env[w.verify.secretEnv] ? '' : paint.yellow(` (set ${w.verify.secretEnv} to accept signed requests)`)}`);
  }
  for (const b of t.buckets) io.out(`  PUT  ${url}/buckets/${b.name}/<key>`);
  for (const tb of t.tables) {
    io.out(`  PUT  ${url}/tables/${tb.name}/rows/${[tb.partitionKey, tb.sortKey].filter(Boolean).map((k) => `<${k}>`).join('/')}  a JSON row; DELETE removes it, GET reads it`);
  }
  io.out(`  GET  ${url}/healthz                 {status, pending}: deliveries owed`);
  for (const s of t.schedules) io.out(`schedule ${s.name} fires next at ${runtime.scheduler.nextFire(s.name)?.toISOString() ?? '-'}`);
  if (state === 'memory') {
    io.out(`state in memory (--memory): what is accepted and not yet handled is lost when this process stops`);
  } else if ('kafka' in state) {
    io.out(`events on Kafka at ${paint.bold(state.kafka.brokers)} (${t.name}.${state.kafka.stack}.*): kept by the cluster until each subscription's group commits them; this process is one worker, \`herald worker\` adds more`);
  } else {
    io.out(`state in ${paint.bold(state.file)}: every accepted event is kept until handled, with dead letters, traces and deduplication, across crashes and restarts`);
    if (runtime.pending) io.out(`resuming ${runtime.pending} deliver${runtime.pending === 1 ? 'y' : 'ies'} owed from the last run`);
  }
  // On Kafka, deduplication is the claims store's (claims.ts), not the embedded one's.
  const limits = state !== 'memory' && 'kafka' in state
    ? { ...LOCAL_LIMITS, idempotency: { ...LOCAL_LIMITS.idempotency, maxEntriesPerFunction: CLAIMS_PER_FUNCTION } }
    : LOCAL_LIMITS;
  io.out(`limits: ${describeLimits(limits)}`);
  io.out(`retry backoff base ${baseMs} ms · shutdown grace ${graceMs} ms · Ctrl-C to stop`);
  io.out('');
}

/**
 * Prints what a stop left. Dead letters are saved to a file (they live in memory). Undelivered events are
 * kept in the state database, delivered at the next start on it; with --memory they are saved to a file.
 */
async function reportStop(session: DevSession, report: StopReport, io: Io, paint: Paint, state: StateChoice): Promise<number> {
  const dir = path.join(process.cwd(), '.herald');
  const letters = session.runtime.deadLetters.list();
  if (state !== 'memory' && 'kafka' in state) {
    if (letters.length) io.out(`${letters.length} dead letter${letters.length === 1 ? '' : 's'} in the dead-letter topics: \`herald dlq list --brokers …\``);
    if (report.unclosed) io.out(paint.yellow(unclosedLine(report.unclosed)));
    if (!report.undelivered.length) {
      if (report.unclosed) return 1;
      io.out('stopped: every event taken was settled');
      return 0;
    }
    io.out(paint.yellow(`stopped with ${report.undelivered.length} not settled: they stay uncommitted on the cluster, and a worker (or the next start) delivers them`));
    return 1;
  }
  if (letters.length && state !== 'memory') {
    io.out(`${letters.length} dead letter${letters.length === 1 ? '' : 's'} kept in ${state.file}: \`herald dlq list\` and \`herald dlq redrive\` once herald dev runs on it again`);
  } else if (letters.length) {
    // An ephemeral run keeps nothing: save them to look at. Re-posting them would run every subscriber again, so nothing suggests it.
    const file = await saveJson(letters, dir, 'dead-letters');
    io.out(paint.yellow(`${letters.length} dead letter${letters.length === 1 ? '' : 's'} of this --memory run saved to ${file} (reason, subscription and event each); they are not kept for a redrive`));
  }
  if (!report.undelivered.length) {
    io.out('stopped: every accepted event was settled (handled, or dead-lettered)');
    return 0;
  }
  io.out(paint.yellow(`stopped: ${report.undelivered.length} deliver${report.undelivered.length === 1 ? 'y' : 'ies'} left undone:`));
  for (const u of report.undelivered) io.out(`  ${u.function.padEnd(18)} ${u.event.type.padEnd(20)} ${u.event.id}  ${u.state}, attempt ${u.attempt}`);
  if (state !== 'memory') {
    io.out(`kept in ${state.file}: each goes to its own subscription when herald dev starts again on it`);
    return 1;
  }
  const file = await saveJson(report.undelivered, dir, 'undelivered');
  io.out(paint.yellow(`this --memory run keeps nothing: saved to ${file} (subscription, attempt and event each) to look at; run without --memory to have them delivered after a restart`));
  return 1;
}

export const command: Command = {
  summary: 'run the app on this machine (HTTP on 127.0.0.1:$PORT, default 4000)',
  usage: USAGE,
  async run(argv) {
    const code = await runDev(argv);
    // A handler still running past the grace period must not keep the process alive.
    setTimeout(() => process.exit(code), 500).unref();
    return code;
  },
};
