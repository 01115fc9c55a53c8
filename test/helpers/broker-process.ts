/**
 * One run of a test broker's JVM: started with its output appended to the broker's log, ended by signal
 * within a grace, and never left behind when the test process exits without stopping it. Apart from
 * kafka-broker.ts because a broker is several runs over its life (a restart starts another JVM).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, rmSync } from 'node:fs';

/** One run of the broker's JVM, appending to the broker's log. */
export interface Jvm {
  readonly child: ChildProcess;
  /** Resolves when the process is gone. */
  readonly exited: Promise<void>;
  /** How it ended, once it has (`exit 1`, `exit SIGKILL`, or why java could not run). */
  ended(): string | undefined;
}

/** Starts `java args`, its stdout and stderr appended to `logFile`; `dir` is removed if the test process exits first. */
export function launch(args: string[], logFile: string, dir: string): Jvm {
  const out = openSync(logFile, 'a');
  const child = spawn('java', args, { stdio: ['ignore', out, out] });
  closeSync(out);
  live.set(child, dir);
  let how: string | undefined;
  const exited = new Promise<void>((resolve) => {
    const end = (what: string) => { how ??= what; live.delete(child); resolve(); };
    child.once('exit', (code, signal) => end(`exit ${code ?? signal}`));
    child.once('error', (e) => end(`could not run java: ${e.message}`));
  });
  return { child, exited, ended: () => how };
}

/** SIGTERM, then SIGKILL once `graceMs` is over (at once when 0); resolves once the process is gone. */
export async function terminate({ child, exited }: Jvm, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return exited;
  child.kill(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), graceMs); });
  if (await Promise.race([exited, graceOver]) === 'late') child.kill('SIGKILL');
  clearTimeout(timer);
  return exited;
}

// A test run that ends without stop() (a crash, an uncaught error) must not leave JVMs holding ports and heap.
const live = new Map<ChildProcess, string>();
process.once('exit', () => {
  for (const [child, dir] of live) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
