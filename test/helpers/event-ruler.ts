/**
 * Drives AWS event-ruler (EventBridge's matching engine) through `.ci/event-ruler/Oracle.java`: one JVM,
 * requests pipelined as JSON lines, answers read back in order. `bash .ci/event-ruler/setup.sh` fetches
 * the jars and compiles the oracle into `.ci/cache/`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(__dirname, '../..');
export const SETUP_COMMAND = 'bash .ci/event-ruler/setup.sh';

/** Where setup.sh put the engine, or the reason it is not usable. */
export function locateEventRuler(): { dir: string } | { missing: string } {
  const pom = readFileSync(path.join(ROOT, '.ci/event-ruler/pom.xml'), 'utf8');
  const version = /<ruler\.version>([^<]+)<\/ruler\.version>/.exec(pom)?.[1];
  if (!version) return { missing: '.ci/event-ruler/pom.xml names no ruler.version' };
  const dir = path.join(ROOT, '.ci/cache', `event-ruler-${version}`);
  if (!existsSync(path.join(dir, 'lib/.complete')) || !existsSync(path.join(dir, 'classes/Oracle.class'))) {
    return { missing: `event-ruler ${version} is not set up in ${path.relative(ROOT, dir)}: run \`${SETUP_COMMAND}\`` };
  }
  return { dir };
}

/** A running oracle. */
export interface EventRuler {
  /** Whether the pattern matches the event, as EventBridge would decide. Rejects on an invalid pattern. */
  match(pattern: unknown, event: unknown): Promise<boolean>;
  close(): Promise<void>;
}

export function startEventRuler(dir: string): EventRuler {
  // No shell: java expands the classpath wildcard itself.
  const child: ChildProcessWithoutNullStreams = spawn('java', ['-cp', `${dir}/classes${path.delimiter}${dir}/lib/*`, 'Oracle'], { stdio: 'pipe' });
  const waiting: Array<{ resolve: (v: boolean) => void; reject: (e: Error) => void }> = [];
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += String(chunk); });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const next = waiting.shift();
    if (!next) return;
    if (line === 'true' || line === 'false') next.resolve(line === 'true');
    else next.reject(new Error(`event-ruler: ${line}`));
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => {
    for (const w of waiting.splice(0)) w.reject(new Error(`event-ruler exited: ${stderr}`));
    resolve();
  }));
  return {
    match(pattern, event) {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.stdin.write(`${JSON.stringify({ pattern, event })}\n`);
      });
    },
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}
