/**
 * Where a running `herald dev` listens, announced in `.herald/dev.json` under the folder it was started
 * in, so `herald publish`, `herald fire` and `herald dlq`, run there or in a folder below, find it without
 * `--url` (`PORT=4300 npm start`, then `herald dlq list`). The file names the server's pid: a file left by a process that died is ignored.
 */
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/** The announcement, relative to the folder herald dev runs in. */
export const DEV_ADDRESS_FILE = path.join('.herald', 'dev.json');

interface Announcement {
  readonly url: string;
  readonly pid: number;
  readonly startedAt: string;
}

/** Writes the announcement; resolves to a remover that deletes it if it is still this process's. */
export async function announceDevServer(url: string, dir = process.cwd(), pid = process.pid): Promise<() => void> {
  const file = path.join(dir, DEV_ADDRESS_FILE);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ url, pid, startedAt: new Date().toISOString() } satisfies Announcement)}\n`);
  return () => {
    if (read(file)?.pid === pid) rmSync(file, { force: true });
  };
}

/**
 * The URL a live `herald dev` announced in `dir` or the nearest folder above it that holds an announcement
 * (a command run from a subfolder of the project finds the server started at its root), or undefined (none,
 * unreadable, or its process is gone).
 */
export function announcedDevServer(dir = process.cwd()): string | undefined {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    const found = read(path.join(at, DEV_ADDRESS_FILE));
    if (found) return alive(found.pid) ? found.url : undefined;
    if (path.dirname(at) === at) return undefined;
  }
}

function read(file: string): Announcement | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<Announcement>;
    return typeof value.url === 'string' && Number.isInteger(value.pid) ? value as Announcement : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
