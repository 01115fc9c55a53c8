/**
 * One esbuild bundle per Lambda, from a generated entry: the function's handler module wrapped by
 * `providers/aws/runtime/entry.ts` (or an ingress kind wrapped by `runtime/ingress.ts`), exported as
 * `handler` (Lambda `handler: "index.handler"`). CommonJS for `nodejs22.x`, minified; `@aws-sdk/*` stays
 * external because the runtime ships SDK v3 (and the runtime loads each client lazily, on first use).
 * Bundles are cached by input, so many functions sharing one handler module bundle once.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
 * @see https://esbuild.github.io/api/#build
 */
import { buildSync, type BuildOptions } from 'esbuild';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { FunctionSpec } from '../../contracts';

/** A bundled Lambda: the code of `index.js`, its content hash (sha256, hex) and size. */
export interface Bundle {
  readonly code: string;
  readonly hash: string;
  readonly bytes: number;
}

/** Where an ingress bundle finds the topology: the module's absolute path and the export holding it. */
export interface AppModule {
  /** Absolute path of the topology module. */
  readonly module: string;
  readonly exportName: string;
  readonly root: string;
}

export type IngressKind = 'webhook' | 'upload' | 'change';

const RUNTIME = path.join(__dirname, 'runtime');
const cache = new Map<string, Bundle>();

/**
 * The bundle of a user function.
 * @throws Error naming the function when esbuild cannot build it (a missing module, a syntax error).
 */
export function bundleHandler(root: string, fn: FunctionSpec): Bundle {
  const handler = path.resolve(root, fn.handler);
  const source = [
    `import { createLambdaHandler } from ${literal(path.join(RUNTIME, 'entry.ts'))};`,
    `import { handler as definition } from ${literal(handler)};`,
    'export const handler = createLambdaHandler(definition);',
  ].join('\n');
  return cached(`handler\u0000${handler}`, source, root, `function "${fn.name}" (${fn.handler})`);
}

/**
 * The bundle of a Herald ingress function (webhook, upload or change trigger) for an application.
 * @throws Error when esbuild cannot build it.
 */
export function bundleIngress(kind: IngressKind, app: AppModule): Bundle {
  const source = [
    `import { createIngressHandler } from ${literal(path.join(RUNTIME, 'ingress.ts'))};`,
    `import { ${identifier(app.exportName)} as topology } from ${literal(app.module)};`,
    `export const handler = createIngressHandler(topology, { kind: ${literal(kind)} });`,
  ].join('\n');
  return cached(`ingress\u0000${kind}\u0000${app.module}\u0000${app.exportName}`, source, app.root, `${kind} ingress`);
}

/** The esbuild options every Herald Lambda bundle uses (exported for the cold-start benchmark). */
export const BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  // Error classes set `name` from the class name: keep names so reasons read `SchemaValidationError: …`.
  keepNames: true,
  external: ['@aws-sdk/*'],
  legalComments: 'none',
  logLevel: 'silent',
};

function cached(key: string, source: string, resolveDir: string, what: string): Bundle {
  const hit = cache.get(key);
  if (hit) return hit;
  let code: string;
  try {
    const result = buildSync({ ...BUNDLE_OPTIONS, write: false, stdin: { contents: source, loader: 'ts', resolveDir, sourcefile: 'herald-entry.ts' } });
    code = result.outputFiles![0]!.text;
  } catch (error) {
    const messages = (error as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors
      ?.map((e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`).join('; ');
    throw new Error(`cannot bundle ${what}: ${messages ?? (error as Error).message}`, { cause: error });
  }
  const bundle: Bundle = Object.freeze({ code, hash: createHash('sha256').update(code).digest('hex'), bytes: Buffer.byteLength(code) });
  cache.set(key, bundle);
  return bundle;
}

function literal(value: string): string {
  return JSON.stringify(value);
}

function identifier(name: string): string {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new TypeError(`"${name}" is not an export name`);
  return name;
}
