/**
 * A real Pub/Sub for tests: pstest, the fake server inside Google's Go client library
 * (cloud.google.com/go/pubsub/v2), built by `bash .ci/pstest/setup.sh` into `.ci/cache/pstest/`. One process
 * per call, on a port the OS picks on 127.0.0.1, empty when it starts (its state is in memory). Clients reach
 * it with `PUBSUB_EMULATOR_HOST=<host>` or `{ apiEndpoint: host, emulatorMode: true }` (plaintext, no auth).
 * No mocha in here, so benchmarks and scripts can start one too.
 * Where it departs from real Pub/Sub (no 256-byte filter limit, AND/OR without parentheses accepted, …):
 * /work/shared/reference/real-components.md §5, and the notes in providers/gcp/filter.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(__dirname, '../..');
export const PSTEST_SETUP_COMMAND = 'bash .ci/pstest/setup.sh';
/** Where setup.sh writes the binary. */
export const PSTEST_BINARY = path.join(ROOT, '.ci/cache/pstest/pstest');

/** The line main.go prints once it serves (.ci/pstest/main.go). */
const READY = /^pstest listening on (\S+:\d+)$/;
const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;

export interface Pstest {
  /** `127.0.0.1:<port>`: the value of `PUBSUB_EMULATOR_HOST`, or a client's `apiEndpoint`. */
  readonly host: string;
  /** SIGTERM, then SIGKILL after a grace; resolves once the process is gone. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a pstest server and resolves once it serves.
 * @param options.binary another build of main.go (the tests of this helper) @default PSTEST_BINARY
 * @throws Error naming the setup command when the binary is not built, or with its output when it does not start
 */
export async function startPstest(options: { binary?: string } = {}): Promise<Pstest> {
  const binary = options.binary ?? PSTEST_BINARY;
  if (!existsSync(binary)) {
    throw new Error(`pstest is not built (${path.relative(ROOT, binary)} is missing): run \`${PSTEST_SETUP_COMMAND}\``);
  }
  // Port 0: the server binds a free port itself and prints it, so no other process can take it in between.
  const child = spawn(binary, ['-addr', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => { stderr = (stderr + String(chunk)).slice(-4_000); });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => { live.delete(child); resolve(); });
    child.once('error', () => { live.delete(child); resolve(); });
  });
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= terminate(child, exited));

  let host: string;
  try {
    host = await ready(child);
  } catch (e) {
    await stop();
    throw new Error(`pstest did not start: ${(e as Error).message}${stderr ? `\n--- pstest stderr ---\n${stderr}` : ''}`, { cause: e });
  }
  return { host, stop };
}

/** The address from the ready line, within the start timeout. */
function ready(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => done(new Error(`no ready line within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const done = (error: Error | undefined, host?: string) => {
      clearTimeout(timer);
      lines.close();
      child.removeListener('exit', onExit);
      child.removeListener('error', onError);
      if (error) reject(error);
      else resolve(host!);
    };
    const onExit = (code: number | null, signal: string | null) => done(new Error(`it exited (${code ?? signal}) before it was ready`));
    const onError = (e: Error) => done(new Error(`it could not run: ${e.message}`));
    child.once('exit', onExit);
    child.once('error', onError);
    lines.once('line', (line) => {
      const m = READY.exec(line.trim());
      done(m ? undefined : new Error(`unexpected first line: ${line}`), m?.[1]);
    });
  });
}

async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return exited;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), STOP_GRACE_MS); });
  if (await Promise.race([exited, late]) === 'late') child.kill('SIGKILL');
  clearTimeout(timer);
  return exited;
}

// A test run that ends without stop() (a crash, an uncaught error) must not leave servers holding ports.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Options for `new PubSub(…)` (and, through its `getClientConfig()`, the `v1` clients) that reach a pstest
 * server: plaintext, no credentials, and a fixed universe domain so the auth library never probes the GCE
 * metadata server (it would try to reach the network before every first call).
 */
export function pstestClientOptions(host: string, projectId = 'herald-test'): { projectId: string; apiEndpoint: string; emulatorMode: true; universeDomain: string } {
  return { projectId, apiEndpoint: host, emulatorMode: true, universeDomain: 'googleapis.com' };
}

/**
 * The environment under which a process's `new PubSub()` reaches a pstest server, for code that takes no
 * client options (a child process, a runtime built from its environment): the emulator host and project,
 * and no probe of the GCE metadata server (`METADATA_SERVER_DETECTION=none`), which the auth library would
 * otherwise try before the first call.
 */
export function pstestEnv(host: string, projectId = 'herald-test'): { PUBSUB_EMULATOR_HOST: string; PUBSUB_PROJECT_ID: string; METADATA_SERVER_DETECTION: 'none' } {
  return { PUBSUB_EMULATOR_HOST: host, PUBSUB_PROJECT_ID: projectId, METADATA_SERVER_DETECTION: 'none' };
}
