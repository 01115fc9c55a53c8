/**
 * The chaos run's worker processes: each a real `herald worker` (worker.ts) in its own Node process, so a
 * `kill -9` ends it as a crash would, mid-batch, with nothing flushed or committed. Each process's output
 * goes to its own file in the run's folder, for the tail shown when a run fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
const WORKER_SCRIPT = path.join(__dirname, 'worker.ts');
/** What `herald worker` prints once every subscription joined its group. */
const READY_LINE = 'herald worker · ';
/** A worker is a Node start, tsx, and a join of four consumer groups: slow on two busy cores, but bounded. */
const READY_TIMEOUT_MS = 90_000;

export interface FleetOptions {
  readonly brokers: readonly string[];
  /** The stack whose topics and groups the workers use. */
  readonly stack: string;
  /** Partitions of the topics the first worker creates. */
  readonly partitions: number;
  /** The handlers' shared log (app.ts). */
  readonly logFile: string;
  /** Where each worker's output file goes. */
  readonly dir: string;
  /** The workers' retry backoff base (`--backoff-base-ms`). @default 20 */
  readonly backoffBaseMs?: number;
}

/** One worker process. */
export interface ChaosWorker {
  readonly pid: number;
  readonly outputFile: string;
  /** Resolves with how it ended (`code 0`, `signal SIGKILL`). */
  readonly exited: Promise<string>;
}

export class Fleet {
  private readonly live = new Map<number, { child: ChildProcess; worker: ChaosWorker }>();
  private readonly ready = new Set<number>();
  /** Every worker started, in order, killed or not. */
  readonly started: ChaosWorker[] = [];

  constructor(private readonly options: FleetOptions) {}

  /** The workers running now. */
  get running(): ChaosWorker[] {
    return [...this.live.values()].map((l) => l.worker);
  }

  /** The workers running now that have joined every group. */
  get joined(): ChaosWorker[] {
    return this.running.filter((w) => this.ready.has(w.pid));
  }

  /** Starts a worker; resolves once it has joined every group. @throws when it ends or hangs first */
  async start(): Promise<ChaosWorker> {
    const { options } = this;
    const flags = [
      '--brokers', options.brokers.join(','), '--stack', options.stack, '--partitions', String(options.partitions),
      '--backoff-base-ms', String(options.backoffBaseMs ?? 20), '--grace-ms', '5000', '--quiet',
    ];
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT, ...flags], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HERALD_CHAOS_LOG: options.logFile, NO_COLOR: '1' },
    });
    const outputFile = path.join(options.dir, `worker-${child.pid}.out`);
    const output = createWriteStream(outputFile);
    child.stdout!.pipe(output, { end: false });
    child.stderr!.pipe(output, { end: false });
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => {
      this.live.delete(child.pid!);
      output.end();
      resolve(signal ? `signal ${signal}` : `code ${code}`);
    }));
    const worker: ChaosWorker = { pid: child.pid!, outputFile, exited };
    this.started.push(worker);
    this.live.set(child.pid!, { child, worker });
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`worker ${child.pid} did not join within ${READY_TIMEOUT_MS} ms:\n${tail(outputFile)}`)), READY_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        seen += chunk.toString();
        if (!seen.includes(READY_LINE)) return;
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        this.ready.add(child.pid!);
        resolve();
      };
      child.stdout!.on('data', onData);
      void exited.then((how) => {
        clearTimeout(timer);
        reject(new Error(`worker ${child.pid} ended (${how}) before it joined:\n${tail(outputFile)}`));
      });
    }).catch(async (error: unknown) => {
      child.kill('SIGKILL');
      await exited;
      throw error;
    });
    return worker;
  }

  /** `kill -9`: resolves once the process is gone. */
  async kill(worker: ChaosWorker): Promise<void> {
    this.live.get(worker.pid)?.child.kill('SIGKILL');
    await worker.exited;
  }

  /** SIGTERM to every worker (a graceful stop: finish, commit, leave), SIGKILL to any still there after `graceMs`. */
  async stopAll(graceMs = 15_000): Promise<void> {
    await Promise.all([...this.live.values()].map(async ({ child, worker }) => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await worker.exited;
      clearTimeout(timer);
    }));
  }
}

/** The last lines a worker wrote. */
export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}
