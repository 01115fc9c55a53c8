/**
 * Which application Herald runs, from one place. `herald:app` names the module and the export holding
 * the topology (`<module>[#<export>]`, the module relative to the project folder; default
 * {@link DEFAULT_APP}, its topology found by type). The Pulumi program reads it from the stack config
 * (`pulumi.Config`); every CLI command that loads an app reads the same setting from the project's files
 * (`Pulumi.yaml`, then `Pulumi.<stack>.yaml`), and `--app` overrides it. Either way the topology comes
 * from {@link loadApp}, so `pulumi up`, `herald plan`, `herald dev`, `herald invoke`, `herald worker` and
 * `herald dlq` run the same module, and the {@link AppModule} handed to realize (what ingress functions
 * bundle and load at run time) names exactly that module and export.
 *
 * Pure apart from reading files and `require`-ing the module: no Pulumi here.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { AppModule, Topology } from '../contracts';

/** Where the app is when nothing names it: the topology export of `app/topology.ts`, found by type. */
export const DEFAULT_APP = 'app/topology.ts';

/** The stack setting (without the `herald:` namespace) that names the app. */
export const APP_SETTING = 'app';

/** A problem with the app module (missing file, no such export, not a topology): a usage error, exit code 2. */
export class AppModuleError extends Error {
  override readonly name = 'AppModuleError';
}

/** `herald:app` or `--app`, parsed: the module path as written, and the export when one is named. */
export interface AppSpec {
  readonly module: string;
  readonly exportName?: string;
}

/** The app a spec names, loaded: its topology and where it lives. */
export interface LoadedApp {
  readonly topology: Topology;
  /** The module (absolute), its export and the folder handler paths are relative to (the project folder). */
  readonly app: AppModule;
}

/** Parses `<module>[#<export>]`. @throws AppModuleError on an empty module or export */
export function parseAppSpec(spec: string): AppSpec {
  const hash = spec.lastIndexOf('#');
  const module = (hash === -1 ? spec : spec.slice(0, hash)).trim();
  const exportName = hash === -1 ? undefined : spec.slice(hash + 1).trim();
  if (!module) throw new AppModuleError(`the app "${spec}" names no module; write <module>[#<export>], e.g. ${DEFAULT_APP}#shop`);
  if (exportName === '') throw new AppModuleError(`the app "${spec}" has an empty export after #; name the export or drop the #`);
  return exportName === undefined ? { module } : { module, exportName };
}

/** Whether a value is a built topology (what `topology(name)…build()` returns): a name and the kind lists. */
export function isTopology(value: unknown): value is Topology {
  if (!value || typeof value !== 'object') return false;
  const t = value as Record<string, unknown>;
  const lists = ['events', 'buses', 'queues', 'topics', 'streams', 'functions', 'subscriptions', 'schedules', 'webhooks', 'buckets', 'tables', 'alarms'];
  return typeof t.name === 'string' && lists.every((k) => Array.isArray(t[k]));
}

/**
 * Picks the topology out of a module's exports: the named export, which must be a topology; or, with no
 * export named, the one export that is. `shown` is how errors name the module.
 * @throws AppModuleError naming the module and what is wrong
 */
export function pickTopology(exports: Readonly<Record<string, unknown>>, spec: AppSpec, shown: string): { exportName: string; topology: Topology } {
  if (spec.exportName !== undefined) {
    if (!(spec.exportName in exports)) {
      throw new AppModuleError(`${shown} has no export named "${spec.exportName}"; its exports: ${Object.keys(exports).join(', ') || 'none'}`);
    }
    const value = exports[spec.exportName];
    if (!isTopology(value)) {
      throw new AppModuleError(`${shown}'s export "${spec.exportName}" is not a topology (a ${describe(value)}); export the value topology(name)…build() returns`);
    }
    return { exportName: spec.exportName, topology: value };
  }
  const found = Object.entries(exports).filter(([, v]) => isTopology(v)).sort(([a], [b]) => a.localeCompare(b));
  if (found.length === 1) return { exportName: found[0]![0], topology: found[0]![1] as Topology };
  if (!found.length) throw new AppModuleError(`${shown} exports no topology; export the value topology(name)…build() returns`);
  throw new AppModuleError(`${shown} exports ${found.length} topologies (${found.map(([k]) => k).join(', ')}); name one: ${spec.module}#${found[0]![0]}`);
}

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * Loads the app `spec` names, its module relative to `moduleBase` (default: `projectDir`, the folder
 * handler paths are relative to).
 * The module is `require`d, so TypeScript needs a loader in the process (tsx for the CLI and tests,
 * ts-node under `pulumi up`).
 * @throws AppModuleError when the module is missing, fails to load, or holds no such topology
 */
export function loadApp(spec: string, projectDir: string, moduleBase = projectDir): LoadedApp {
  const parsed = parseAppSpec(spec);
  const file = path.resolve(moduleBase, parsed.module);
  const shown = `app module ${parsed.module}${path.isAbsolute(parsed.module) ? '' : ` (in ${moduleBase})`}`;
  let resolved: string;
  try {
    resolved = require.resolve(file);
  } catch {
    throw new AppModuleError(`${shown}: no such file; set herald:app or pass --app <module>[#<export>]`);
  }
  let exports: Record<string, unknown>;
  try {
    exports = require(resolved) as Record<string, unknown>;
  } catch (error) {
    throw new AppModuleError(`${shown} failed to load: ${(error as Error).message}`, { cause: error });
  }
  const { exportName, topology } = pickTopology(exports, parsed, shown);
  return { topology, app: { module: resolved, exportName, root: projectDir } };
}

/** The nearest folder from `from` upwards holding a `Pulumi.yaml`: the project. */
export function findProjectDir(from: string): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'Pulumi.yaml'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * `herald:app` as the project's files set it for `stack`, as Pulumi merges them: the stack file's value,
 * else `Pulumi.yaml`'s (a `value`, a short-form value, or the declared `default`), else undefined. A
 * missing stack file sets nothing.
 * @throws AppModuleError when a file is not YAML or the value is not a string
 */
export function configuredApp(projectDir: string, stack: string): string | undefined {
  const key = `herald:${APP_SETTING}`;
  const fromStack = readConfig(path.join(projectDir, `Pulumi.${stack}.yaml`))[key];
  const value = fromStack ?? declaredValue(readConfig(path.join(projectDir, 'Pulumi.yaml'))[key]);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new AppModuleError(`${key} must be a string <module>[#<export>], got ${JSON.stringify(value)}`);
  return value;
}

/**
 * The value a `Pulumi.yaml` config entry gives a stack that sets none: a project-level `value`, else its
 * declared `default`, else the short form's own value (`key: value`). The one rule plan and the CLI use.
 */
export function declaredValue(declared: unknown): unknown {
  if (declared && typeof declared === 'object' && !Array.isArray(declared)) {
    const d = declared as { value?: unknown; default?: unknown };
    return d.value ?? d.default;
  }
  return declared;
}

function readConfig(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  // js-yaml is a dependency of @pulumi/pulumi (its automation API reads stack files with it).
  const yaml = require('js-yaml') as { load(text: string): unknown };
  try {
    return ((yaml.load(text) as { config?: Record<string, unknown> } | null)?.config) ?? {};
  } catch (error) {
    throw new AppModuleError(`${file} is not YAML: ${(error as Error).message}`);
  }
}

/** How a CLI command finds its app. */
export interface CliAppOptions {
  /** `--app`, when given: it wins over the project's setting. */
  readonly flag?: string;
  /** Where the command runs; the project is the nearest folder upwards with a `Pulumi.yaml`. @default process.cwd() */
  readonly cwd?: string;
  /** The stack whose file may set `herald:app`. @default dev */
  readonly stack?: string;
}

/**
 * The app of a CLI command: `--app` (relative to the cwd; its root the project holding the module), else
 * `herald:app` of the project's files, else {@link DEFAULT_APP} (relative to the project folder: the
 * nearest one upwards with a `Pulumi.yaml`, else the cwd).
 * @throws AppModuleError naming the module and what is wrong
 */
export function cliApp(options: CliAppOptions = {}): LoadedApp {
  const cwd = options.cwd ?? process.cwd();
  const projectDir = findProjectDir(cwd);
  // A --app typed on the command line is relative to where it was typed, and its handlers to its own
  // project (the nearest Pulumi.yaml above the module); the setting is relative to the project.
  if (options.flag !== undefined) {
    const home = findProjectDir(path.dirname(path.resolve(cwd, parseAppSpec(options.flag).module)));
    return loadApp(options.flag, home ?? projectDir ?? cwd, cwd);
  }
  return loadApp((projectDir ? configuredApp(projectDir, options.stack ?? 'dev') : undefined) ?? DEFAULT_APP, projectDir ?? cwd);
}
