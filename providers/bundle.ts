/**
 * The esbuild core every target bundles with. A function's code is built from a generated entry (the
 * target's runtime factory wrapped around the handler module, or around the app's topology for an ingress
 * function) into the FILE SET its platform runs: the bundled code plus whatever the target adds around it
 * (Lambda: nothing; Azure Flex: `host.json` and `package.json`; GCP: `package.json`).
 * A target supplies only what differs: its esbuild options, its runtime entry modules and its extra files.
 * Bundles are cached per target by input, so many functions sharing one handler module bundle once.
 * @see https://esbuild.github.io/api/#build
 */
import { buildSync, type BuildOptions } from 'esbuild';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { AppModule, FunctionSpec } from '../contracts';

/** The files a platform runs for one function (name → content), a hash over all of them and their total size. */
export interface Bundle {
  readonly files: Readonly<Record<string, string>>;
  /** sha256 (hex) over every file, names sorted: any change to a name or a content changes it. */
  readonly hash: string;
  readonly bytes: number;
}

/** Herald's own functions that turn something outside into an event: one bundle per kind. */
export type IngressKind = 'webhook' | 'upload' | 'change';

/** A factory a target's runtime exports; the generated entry calls it and exports the result as `handler`. */
export interface RuntimeEntry {
  /** Absolute path of the runtime module. */
  readonly module: string;
  /** The name of the factory it exports. */
  readonly factory: string;
}

/** The esbuild options that differ per platform. */
export interface TargetBuildOptions {
  /** Packages the platform provides at run time (left as `require`/`import`). */
  readonly external: readonly string[];
  /** The platform's Node.js version, as esbuild names it (`node22`). */
  readonly target: string;
  readonly format: 'cjs' | 'esm';
}

/** What one deploy target plugs into the core. */
export interface BundleTarget {
  /** The name of the file holding the bundled code (`index.js`). */
  readonly codeFile: string;
  readonly build: TargetBuildOptions;
  /** `handler(definition)` wraps a user function; `ingress(topology, { kind })` builds an ingress function. */
  readonly entries: { readonly handler: RuntimeEntry; readonly ingress: RuntimeEntry };
  /**
   * The files the platform needs beside the code (a `package.json` whose `main` names `codeFile`, a `host.json`).
   * A function of the code alone: one bundle serves every function that uses the same module.
   */
  readonly extraFiles?: (code: string) => Readonly<Record<string, string>>;
}

/** The esbuild options every target shares. */
const SHARED_BUILD_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  minify: true,
  // Error classes set `name` from the class name: keep names so reasons read `SchemaValidationError: …`.
  keepNames: true,
  legalComments: 'none',
  logLevel: 'silent',
};

/** The full esbuild options of a target (shared ones plus the target's). */
export function buildOptions(target: BundleTarget): BuildOptions {
  return { ...SHARED_BUILD_OPTIONS, external: [...target.build.external], target: target.build.target, format: target.build.format };
}

/** Per target, by generated entry and the folder it resolves from. */
const caches = new WeakMap<BundleTarget, Map<string, Bundle>>();

/**
 * The bundle of a user function for `target`.
 * @throws Error naming the function when esbuild cannot build it (a missing module, a syntax error).
 */
export function bundleHandler(target: BundleTarget, root: string, fn: FunctionSpec): Bundle {
  const source = entrySource(target.entries.handler, { module: path.resolve(root, fn.handler), exportName: 'handler' }, []);
  return cached(target, source, root, `function "${fn.name}" (${fn.handler})`);
}

/**
 * The bundle of a Herald ingress function (webhook, upload or change trigger) of an application for `target`.
 * @param kind one of the target's ingress kinds (`IngressKind`, plus `schedule` on a target whose scheduler
 *   calls a function, as Cloud Scheduler does on GCP), handed to the target's ingress factory
 * @throws Error when esbuild cannot build it.
 */
export function bundleIngress(target: BundleTarget, kind: IngressKind | 'schedule', app: AppModule): Bundle {
  const source = entrySource(target.entries.ingress, app, [{ kind }]);
  return cached(target, source, app.root, `${kind} ingress`);
}

/** A file set with its hash and total size. */
export function fileSet(files: Readonly<Record<string, string>>): Bundle {
  const hash = createHash('sha256');
  let bytes = 0;
  for (const name of Object.keys(files).sort()) {
    const content = files[name]!;
    const size = Buffer.byteLength(content);
    // Each name and content is length-prefixed, so no two different sets hash the same bytes.
    hash.update(`${Buffer.byteLength(name)}:${name}\u0000${size}:`).update(content).update('\u0000');
    bytes += size;
  }
  return Object.freeze({ files: Object.freeze({ ...files }), hash: hash.digest('hex'), bytes });
}

/** `import { factory } …; import { export as wrapped } …; export const handler = factory(wrapped, …args);` */
function entrySource(entry: RuntimeEntry, wrapped: { readonly module: string; readonly exportName: string }, args: readonly unknown[]): string {
  return [
    `import { ${identifier(entry.factory)} as factory } from ${JSON.stringify(entry.module)};`,
    `import { ${identifier(wrapped.exportName)} as wrapped } from ${JSON.stringify(wrapped.module)};`,
    `export const handler = factory(${['wrapped', ...args.map((a) => JSON.stringify(a))].join(', ')});`,
  ].join('\n');
}

function cached(target: BundleTarget, source: string, resolveDir: string, what: string): Bundle {
  let cache = caches.get(target);
  if (!cache) caches.set(target, (cache = new Map()));
  const key = `${resolveDir}\u0000${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const code = build(target, source, resolveDir, what);
  const extra = target.extraFiles?.(code) ?? {};
  if (target.codeFile in extra) throw new Error(`the bundle target adds a file named like its code file (${target.codeFile})`);
  const bundle = fileSet({ [target.codeFile]: code, ...extra });
  cache.set(key, bundle);
  return bundle;
}

function build(target: BundleTarget, source: string, resolveDir: string, what: string): string {
  try {
    const result = buildSync({ ...buildOptions(target), write: false, stdin: { contents: source, loader: 'ts', resolveDir, sourcefile: 'herald-entry.ts' } });
    return result.outputFiles![0]!.text;
  } catch (error) {
    const messages = (error as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors
      ?.map((e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`).join('; ');
    throw new Error(`cannot bundle ${what}: ${messages ?? (error as Error).message}`, { cause: error });
  }
}

function identifier(name: string): string {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new TypeError(`"${name}" is not an export name`);
  return name;
}
