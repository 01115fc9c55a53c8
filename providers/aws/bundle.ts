/**
 * The AWS bundle target: one file, `index.js`, exporting `handler` (Lambda `handler: "index.handler"`), built
 * from the function's handler module wrapped by `providers/aws/runtime/entry.ts` (or an ingress kind wrapped
 * by `runtime/ingress.ts`). CommonJS for `nodejs22.x`, minified; `@aws-sdk/*` stays external because the
 * runtime ships SDK v3 (and the runtime loads each client lazily, on first use). The build itself, the
 * error naming the function and the cache are the shared core's (`providers/bundle.ts`).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
 */
import type { BuildOptions } from 'esbuild';
import * as path from 'node:path';
import type { AppModule, FunctionSpec } from '../../contracts';
import * as core from '../bundle';

export type { Bundle, IngressKind } from '../bundle';

const RUNTIME = path.join(__dirname, 'runtime');

/** What a Lambda runs: `index.js` and nothing beside it. */
export const AWS_BUNDLE_TARGET: core.BundleTarget = {
  codeFile: 'index.js',
  build: { external: ['@aws-sdk/*'], target: 'node22', format: 'cjs' },
  entries: {
    handler: { module: path.join(RUNTIME, 'entry.ts'), factory: 'createLambdaHandler' },
    ingress: { module: path.join(RUNTIME, 'ingress.ts'), factory: 'createIngressHandler' },
  },
};

/** The esbuild options every Herald Lambda bundle uses (exported for the cold-start benchmark). */
export const BUNDLE_OPTIONS: BuildOptions = core.buildOptions(AWS_BUNDLE_TARGET);

/**
 * The bundle of a user function.
 * @throws Error naming the function when esbuild cannot build it (a missing module, a syntax error).
 */
export function bundleHandler(root: string, fn: FunctionSpec): core.Bundle {
  return core.bundleHandler(AWS_BUNDLE_TARGET, root, fn);
}

/**
 * The bundle of a Herald ingress function (webhook, upload or change trigger) for an application.
 * @throws Error when esbuild cannot build it.
 */
export function bundleIngress(kind: core.IngressKind, app: AppModule): core.Bundle {
  return core.bundleIngress(AWS_BUNDLE_TARGET, kind, app);
}
