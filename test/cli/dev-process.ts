/** `herald dev` run as a user runs it, in a child process: for the tests that kill it and start it again. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { http } from './helpers';

const REPO = path.resolve(__dirname, '../..');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `find` every 20 ms until it answers something other than undefined; rejects after `ms`, naming `what`. */
export async function until<T>(find: () => T | undefined | Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

export type DevProcess = Awaited<ReturnType<typeof startDev>>;

/** `herald <command>` of the example app as a child process, in `cwd`, with `args`; its output collected. */
export function heraldProcess(cwd: string, command: 'dev' | 'worker', args: string[], env: Record<string, string>) {
  const loader = pathToFileURL(path.join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', loader, path.join(REPO, 'cli/main.ts'), command, '--app', path.join(REPO, 'app/topology.ts'), ...args], {
    cwd, env: { ...process.env, NO_COLOR: '1', ...env },
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (c: Buffer) => { out.stdout += c; });
  child.stderr.on('data', (c: Buffer) => { out.stderr += c; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out, exited };
}

/** `herald dev` of the example app as a child process, in `cwd`, with `args`; resolves once it listens and printed its banner. */
export async function startDev(cwd: string, args: string[], env: Record<string, string>) {
  const { child, out, exited } = heraldProcess(cwd, 'dev', args, { PORT: '0', ...env });
  // The banner's last line comes after the URL: wait for it, so every line of the banner is there.
  const url = await until(() => (out.stdout.includes('Ctrl-C to stop') ? /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out.stdout)?.[1] : undefined), 20_000, `herald dev to start; stderr:\n${out.stderr}`)
    .catch((error: unknown) => { child.kill('SIGKILL'); throw error; });
  return { child, url, out, exited };
}

/** The deliveries `/traces/<id>` shows; none for an id it has no trace of (404). */
export async function traceOf(url: string, id: string): Promise<any[]> {
  const r = await http(`${url}/traces/${encodeURIComponent(id)}`);
  return r.status === 404 ? [] : r.body;
}
