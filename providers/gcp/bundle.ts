/**
 * The GCP bundle target: the source of a Cloud Functions gen2 (Node.js 22) function, two files:
 * - `index.js`: the function's handler module wrapped by `providers/gcp/runtime/function-main.ts` (an
 *   ingress kind by `ingress-main.ts`), CommonJS for node22, which registers one function named
 *   `GCP_ENTRY_POINT` with the Functions Framework (`http()` for push deliveries, webhooks, uploads and
 *   schedules; `cloudEvent()` for Firestore's Eventarc events): the deploy side sets
 *   `buildConfig.entryPoint` to that name;
 * - `package.json`: `main: index.js` and, as dependencies, the Functions Framework (the buildpack runs it)
 *   and each Google client library the code requires, at the versions this repository pins and tests.
 * The Google libraries stay external (the buildpack installs them): they load their gRPC protos from their
 * own package files, which a single-file bundle would lose. The build, its cache and the error naming the
 * function are the shared core's (`providers/bundle.ts`).
 * @see https://cloud.google.com/functions/docs/writing#directory-structure-nodejs
 * @see https://cloud.google.com/docs/buildpacks/nodejs
 */
import * as path from 'node:path';
import type { AppModule, FunctionSpec } from '../../contracts';
import * as core from '../bundle';
import { GCP_ENTRY_POINT } from './runtime/entry-point';
import type { GcpIngressKind } from './runtime/config';

export type { Bundle } from '../bundle';
export { GCP_ENTRY_POINT };

const RUNTIME = path.join(__dirname, 'runtime');

/** The Cloud Functions runtime the bundle is built for (`buildConfig.runtime`). */
export const GCP_NODE_RUNTIME = 'nodejs22';

/** The Functions Framework: always a dependency, since the buildpack starts the function with it. */
const FRAMEWORK = '@google-cloud/functions-framework';

// The versions this repository pins (and its tests run): a deployed function runs what was tested.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const PINNED: Readonly<Record<string, string>> = (require('../../package.json') as { dependencies: Record<string, string> }).dependencies;

/**
 * The `package.json` of a bundle: its dependencies are the Functions Framework and each `@google-cloud/*`
 * package the code requires.
 * @throws Error naming a required package this repository does not pin
 */
export function packageJson(code: string): string {
  const required = new Set([FRAMEWORK]);
  for (const m of code.matchAll(/require\(\s*["'](@google-cloud\/[a-z0-9._-]+)["']\s*\)/g)) required.add(m[1]!);
  const dependencies: Record<string, string> = {};
  for (const name of [...required].sort()) {
    const version = PINNED[name];
    if (!version) throw new Error(`the GCP bundle requires ${name}, which package.json does not pin`);
    dependencies[name] = version;
  }
  return `${JSON.stringify({ name: 'herald-function', version: '1.0.0', private: true, main: 'index.js', dependencies }, null, 2)}\n`;
}

/** What a Cloud Function (gen2) runs: `index.js` and its `package.json`. */
export const GCP_BUNDLE_TARGET: core.BundleTarget = {
  codeFile: 'index.js',
  build: { external: ['@google-cloud/*'], target: 'node22', format: 'cjs' },
  entries: {
    handler: { module: path.join(RUNTIME, 'function-main.ts'), factory: 'functionMain' },
    ingress: { module: path.join(RUNTIME, 'ingress-main.ts'), factory: 'ingressMain' },
  },
  extraFiles: (code) => ({ 'package.json': packageJson(code) }),
};

/**
 * The bundle of a user function.
 * @throws Error naming the function when esbuild cannot build it (a missing module, a syntax error).
 */
export function bundleHandler(root: string, fn: FunctionSpec): core.Bundle {
  return core.bundleHandler(GCP_BUNDLE_TARGET, root, fn);
}

/**
 * The bundle of a Herald ingress function (webhook, upload, change or schedule) for an application.
 * @throws Error when esbuild cannot build it.
 */
export function bundleIngress(kind: GcpIngressKind, app: AppModule): core.Bundle {
  return core.bundleIngress(GCP_BUNDLE_TARGET, kind, app);
}
