/**
 * `herald dev`'s hot reload: when one of the app's files changes, the app is loaded afresh and the session
 * runs it (DevSession.reload): handlers swapped in place when only code changed, the runtime re-planned
 * and restarted on the same stores when the topology changed, with the difference printed. A change that
 * fails to load (a syntax error, a module that throws, an invalid topology, a handler that is not one)
 * changes nothing: the error is printed and the previous code keeps running.
 */
import type { Topology } from '../contracts';
import { describeChanges, type TopologyChange } from '../providers/local';
import { loadAfresh, watchApp } from './app-watch';
import type { DevSession, ReloadReport } from './dev-session';
import type { Paint } from './format';

export interface HotReloadOptions {
  readonly session: DevSession;
  /** The project folder: the app's modules are the loaded ones under it (app-watch.ts). */
  readonly projectDir: string;
  /** Loads the app's topology as `herald dev` did at start (--app, or herald:app). */
  readonly load: () => Topology;
  /** One line of the dev log. */
  readonly out: (line: string) => void;
  readonly paint: Paint;
  /** Keeps what a restart left unsettled (only the memory transport leaves any); resolves to where, for the log. */
  readonly keepLeft?: (left: ReloadReport['left']) => Promise<string>;
  /** @default 150 */
  readonly debounceMs?: number;
}

export interface HotReload {
  /** Resolves once the reloads started so far are done (tests wait on it). */
  settled(): Promise<void>;
  close(): void;
}

/** Watches the app and reloads it on every change until closed. */
export function startHotReload(options: HotReloadOptions): HotReload {
  const { session, projectDir, out, paint } = options;
  let last: Promise<void> = Promise.resolve();
  const reload = async (files: readonly string[]) => {
    const started = performance.now();
    out(paint.dim(`${time()}  ${files.map((f) => relative(projectDir, f)).join(', ')} changed: reloading`));
    let report: ReloadReport;
    try {
      report = await loadAfresh(projectDir, () => session.reload(options.load()));
    } catch (error) {
      out(paint.red(`${time()}  reload failed; the previous code keeps running:\n${indent((error as Error).message)}`));
      return;
    } finally {
      // Whatever was loaded (the app may now import other files, or fail half way): watch that.
      watcher.refresh();
    }
    const ms = Math.round(performance.now() - started);
    if (!report.restarted) {
      out(paint.green(`${time()}  reloaded in ${ms} ms: handlers swapped, topology unchanged (queues, retries, dead letters, traces and dedupe kept)`));
      return;
    }
    out(paint.green(`${time()}  topology changed: re-planned and restarted in ${ms} ms (dead letters, traces and dedupe kept)`));
    for (const line of coloured(report.changes, paint)) out(`  ${line}`);
    if (report.left.length) {
      const where = options.keepLeft ? await options.keepLeft(report.left) : 'nowhere';
      out(paint.yellow(`  ${report.left.length} deliver${report.left.length === 1 ? 'y' : 'ies'} the old runtime left unsettled (--memory keeps nothing across a restart): saved to ${where}`));
    }
  };
  const watcher = watchApp(projectDir, (files) => {
    last = last.then(() => reload(files));
  }, options.debounceMs);
  return {
    settled: () => last,
    close: () => watcher.close(),
  };
}

function coloured(changes: readonly TopologyChange[], paint: Paint): string[] {
  const lines = describeChanges(changes);
  return changes.map((c, i) => (c.change === 'added' ? paint.green : c.change === 'removed' ? paint.red : paint.yellow)(lines[i]!));
}

const time = () => new Date().toISOString().slice(11, 23);
const relative = (dir: string, file: string) => file.startsWith(dir) ? file.slice(dir.length + 1) : file;
const indent = (text: string) => text.split('\n').map((line) => `    ${line}`).join('\n');
