/**
 * The parent's handle on consumer processes (bench/kafka/consumer.ts): start one, follow its count, wait until
 * a set of them handled a total, ask for its latencies, stop it. A process that fails or exits early rejects
 * whatever waits on it, so a broken side fails the bench instead of hanging it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { ConsumerConfig, FromConsumer, LatencySummary, ToConsumer } from './protocol';

const ENTRY = path.join(__dirname, 'consumer.ts');
/**
 * The Node flags `herald worker` runs with (cli/node-flags.js), given to every side's process alike: the Herald
 * side is measured as it ships, and the bare and floor sides get the same heap, so the flags are no advantage.
 */
export const CONSUMER_NODE_FLAGS: readonly string[] = (require('../../cli/node-flags.js') as { WORKER_FLAGS: string[] }).WORKER_FLAGS;
/** A consumer that is not ready (group joined) within this fails the bench. */
const READY_TIMEOUT_MS = 60_000;

export interface ProcessOptions {
  /** A directory for `--cpu-prof` profiles of the process (`KAFKA_BENCH_CPU_PROF`). */
  readonly cpuProfileDir?: string;
  /** The consumer module to run, when not this checkout's (`KAFKA_BENCH_BASE`: another checkout's). */
  readonly entry?: string;
}

/** One consumer process. */
export class ConsumerProcess {
  handled = 0;
  /** `nowMs` of its last handler call, as it last reported. */
  lastAt = 0;
  private readonly child: ChildProcess;
  private readonly listeners = new Set<() => void>();
  private failure: Error | undefined;
  private latencyReply: ((summary: LatencySummary) => void) | undefined;
  private usageReply: ((cpuMs: number) => void) | undefined;
  readonly ready: Promise<void>;

  private constructor(readonly config: ConsumerConfig, options: ProcessOptions) {
    const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
    this.child = fork(options.entry ?? ENTRY, [], {
      execArgv: [...CONSUMER_NODE_FLAGS, '--import', 'tsx', ...profile],
      env: { ...process.env, BENCH_KAFKA_CONSUMER: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${config.side} consumer not ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      this.child.on('message', (message: FromConsumer) => {
        switch (message.kind) {
          case 'ready': clearTimeout(timer); resolve(); break;
          case 'progress': this.handled = message.handled; this.lastAt = message.lastAt; break;
          case 'latencies': this.latencyReply?.(message.summary); break;
          case 'usage': this.usageReply?.(message.cpuMs); break;
          case 'failed': this.fail(new Error(`${config.side} consumer failed: ${message.message}`)); clearTimeout(timer); reject(this.failure); break;
        }
        for (const listener of this.listeners) listener();
      });
      this.child.once('exit', (code, signal) => {
        clearTimeout(timer);
        this.fail(new Error(`${config.side} consumer exited (${code ?? signal})`));
        reject(this.failure);
        for (const listener of this.listeners) listener();
      });
    });
    // Kept from unhandled-rejection noise when nobody awaits `ready` after a failure; awaiting it still rejects.
    this.ready.catch(() => undefined);
  }

  /** Starts a consumer process; await `ready` before producing. */
  static start(config: ConsumerConfig, options: ProcessOptions = {}): ConsumerProcess {
    return new ConsumerProcess(config, options);
  }

  /** Starts or stops keeping latencies (starting clears the kept ones). */
  record(on: boolean): void {
    this.post({ kind: 'record', on });
  }

  /** The latencies kept since `record(true)`. */
  latencies(): Promise<LatencySummary> {
    return new Promise((resolve) => {
      this.latencyReply = resolve;
      this.post({ kind: 'latencies' });
    });
  }

  /**
   * Freezes the whole process (SIGSTOP) or thaws it (SIGCONT): a frozen consumer keeps its group membership (as long
   * as the freeze is shorter than its session timeout) but handles nothing, so a backlog can build up in its partitions.
   */
  freeze(frozen: boolean): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(frozen ? 'SIGSTOP' : 'SIGCONT');
  }

  /** Its CPU time so far (user + system), in ms: per event, a cost that other work on the machine does not skew. */
  usage(): Promise<number> {
    return new Promise((resolve) => {
      this.usageReply = resolve;
      this.post({ kind: 'usage' });
    });
  }

  /** Asks it to leave its group and exit; resolves once it has (SIGKILL after `graceMs`). */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.freeze(false);
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.post({ kind: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Calls `listener` on every message or exit, until the returned function is called. */
  watch(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Why it failed, once it has. */
  get failed(): Error | undefined {
    return this.failure;
  }

  private fail(error: Error): void {
    this.failure ??= error;
  }

  private post(message: ToConsumer): void {
    if (this.child.connected) this.child.send(message);
  }
}

/**
 * Resolves with the latest `lastAt` of `processes` once together they handled `total` (their counts are
 * cumulative); rejects when one fails or `timeoutMs` passes first.
 */
export function handledTotal(processes: readonly ConsumerProcess[], total: number, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const unwatch: (() => void)[] = [];
    const finish = (settle: () => void) => { clearTimeout(timer); for (const u of unwatch) u(); settle(); };
    const check = () => {
      const failed = processes.find((p) => p.failed);
      if (failed) return finish(() => reject(failed.failed));
      const handled = processes.reduce((sum, p) => sum + p.handled, 0);
      if (handled >= total) finish(() => resolve(Math.max(...processes.map((p) => p.lastAt))));
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`handled ${processes.map((p) => p.handled).join(' + ')} of ${total} within ${timeoutMs} ms`))), timeoutMs);
    for (const p of processes) unwatch.push(p.watch(check));
    check();
  });
}
