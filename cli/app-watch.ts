/**
 * The app's own modules, as `herald dev`'s hot reload sees them: which loaded modules are the app's (the
 * topology, its events, its handlers and what they import from the project), how to load them afresh, and
 * a watcher that calls back when one of them changes on disk.
 *
 * What is not the app's is never reloaded, so that every reload shares one copy of it: packages (anything
 * under node_modules) and Herald itself (this repository's reference app lives beside Herald's source; a
 * reloaded copy of `contracts/` would make every event definition a stranger to the running runtime).
 */
import { watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';

/** Herald's own source folders: the package root's, whether it is installed in node_modules or is this repository. */
const HERALD_SOURCES = ['contracts', 'runtime', 'providers', 'cli', 'exports'].map((dir) => path.join(path.resolve(__dirname, '..'), dir) + path.sep);

/** Loaded modules that are the app's: under the project folder, not a package, not Herald. */
export function appModules(projectDir: string): string[] {
  const project = path.resolve(projectDir) + path.sep;
  const packages = `${path.sep}node_modules${path.sep}`;
  return Object.keys(require.cache).filter((file) => file.startsWith(project) && !file.includes(packages) && !HERALD_SOURCES.some((own) => file.startsWith(own)));
}

/**
 * Runs `load` with the app's modules loaded afresh (each `require` of one reads and compiles its file
 * again). When `load` rejects, the module cache is put back as it was, so the code still running and the
 * cache agree, and the next reload starts from the same place.
 */
export async function loadAfresh<T>(projectDir: string, load: () => Promise<T>): Promise<T> {
  const previous = new Map(appModules(projectDir).map((file) => [file, require.cache[file]!] as const));
  forget(previous.keys());
  try {
    return await load();
  } catch (error) {
    forget(appModules(projectDir));
    for (const [file, module] of previous) require.cache[file] = module;
    throw error;
  }
}

/**
 * Takes modules out of the cache, and out of the `children` of the modules that loaded them: Herald's own
 * modules (the app loader, the handler loader) stay loaded for the whole session, and would otherwise keep
 * every reloaded version of the app alive.
 */
function forget(files: Iterable<string>): void {
  const gone = new Set(files);
  for (const file of gone) delete require.cache[file];
  for (const module of Object.values(require.cache)) {
    if (module?.children.some((child) => gone.has(child.id))) module.children = module.children.filter((child) => !gone.has(child.id));
  }
}

export interface AppWatcher {
  /** Watches the app's modules as loaded now (call after each reload: the app may import new files). */
  refresh(): void;
  close(): void;
}

/**
 * Calls `changed` with the app's files that changed on disk, `debounceMs` after the last change of a
 * burst (an editor's save is several events). Watches the folders of the app's modules, not the files:
 * an editor that saves by writing a new file and renaming it over the old one replaces the watched inode.
 */
export function watchApp(projectDir: string, changed: (files: string[]) => void, debounceMs = 150): AppWatcher {
  const watchers = new Map<string, FSWatcher>();
  let files = new Set<string>();
  const seen = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const batch = [...seen].sort();
    seen.clear();
    if (batch.length) changed(batch);
  };
  const refresh = () => {
    files = new Set(appModules(projectDir));
    const dirs = new Set([...files].map((file) => path.dirname(file)));
    for (const [dir, watcher] of watchers) {
      if (!dirs.has(dir)) {
        watcher.close();
        watchers.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (watchers.has(dir)) continue;
      const watcher = watch(dir, (_event, name) => {
        const file = name ? path.join(dir, name.toString()) : undefined;
        if (!file || !files.has(file)) return;
        seen.add(file);
        clearTimeout(timer);
        timer = setTimeout(flush, debounceMs);
      });
      // A folder removed while watched: stop watching it; a file recreated elsewhere is seen at the next refresh.
      watcher.on('error', () => {
        watcher.close();
        watchers.delete(dir);
      });
      watchers.set(dir, watcher);
    }
  };
  refresh();
  return {
    refresh,
    close() {
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
