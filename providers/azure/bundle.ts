/**
 * The Azure bundle target: the file set a Flex Consumption function app runs (deployed whole, by One
 * Deploy, as a zip):
 * - `index.js`: the function's handler module wrapped by `providers/azure/runtime/entry.ts` (or an ingress
 *   kind by `runtime/ingress.ts`), which registers the app's triggers on the v4 programming model when the
 *   worker loads it. Everything is bundled (the zip has no node_modules) except `@azure/functions-core`,
 *   which the Node.js worker injects at run time;
 * - `package.json`: `main` names `index.js`, the file the worker loads; no dependencies, so no remote build;
 * - `host.json`: the extension bundle, `functionTimeout` and the trigger settings that fit the function's
 *   timeout (providers/azure/host.ts, which the deploy side reads too, for lock durations).
 * The build itself, the error naming the function and the cache are the shared core's (`providers/bundle.ts`).
 * @see https://learn.microsoft.com/azure/azure-functions/functions-reference-node?pivots=nodejs-model-v4#folder-structure
 * @see https://learn.microsoft.com/azure/azure-functions/flex-consumption-how-to#deploy-your-code-project
 */
import * as path from 'node:path';
import type { AppModule, Channel, FunctionSpec } from '../../contracts';
import * as core from '../bundle';
import { hostJson, invocationSeconds } from './host';

export type { Bundle } from '../bundle';

/** Herald's ingress functions on Azure: AWS's three, and the schedule (a timer trigger; AWS's scheduler needs no function). */
export type AzureIngressKind = core.IngressKind | 'schedule';

const RUNTIME = path.join(__dirname, 'runtime');

/** The `package.json` of every Herald function app. */
export const PACKAGE_JSON = `${JSON.stringify({ name: 'herald-function', version: '1.0.0', private: true, main: 'index.js' }, null, 2)}\n`;

/** What a Herald function app runs beside host.json. */
export const AZURE_BUNDLE_TARGET: core.BundleTarget = {
  codeFile: 'index.js',
  build: { external: ['@azure/functions-core'], target: 'node22', format: 'cjs' },
  entries: {
    handler: { module: path.join(RUNTIME, 'entry.ts'), factory: 'registerAzureFunction' },
    ingress: { module: path.join(RUNTIME, 'ingress.ts'), factory: 'registerAzureIngress' },
  },
  extraFiles: () => ({ 'package.json': PACKAGE_JSON }),
};

/** Seconds an ingress invocation may take: each publishes one event (a change trigger, a batch of them). */
const INGRESS_INVOCATION_SECONDS = 60;

/**
 * The bundle of a user function: its code, and the host.json that fits its timeout and, when given, its
 * channels in the delivery plan (a stream reader's invocation holds every attempt of a record).
 * @throws Error naming the function when esbuild cannot build it (a missing module, a syntax error).
 */
export function bundleHandler(root: string, fn: FunctionSpec, channels: readonly Channel[] = []): core.Bundle {
  const code = core.bundleHandler(AZURE_BUNDLE_TARGET, root, fn);
  const stream = channels.find((c) => c.source.kind === 'stream');
  return core.fileSet({
    ...code.files,
    'host.json': hostJson({
      invocationSeconds: invocationSeconds(fn, channels),
      ...(fn.concurrency !== undefined ? { concurrency: fn.concurrency } : {}),
      ...(stream ? { eventBatchSize: stream.batch.size } : {}),
    }),
  });
}

/**
 * The bundle of a Herald ingress function (webhook, upload, change or schedule) for an application.
 * @throws Error when esbuild cannot build it.
 */
export function bundleIngress(kind: AzureIngressKind, app: AppModule): core.Bundle {
  // The core passes the kind through to the entry factory as data (`{ kind }`): the schedule kind is Azure's own.
  const code = core.bundleIngress(AZURE_BUNDLE_TARGET, kind as core.IngressKind, app);
  return core.fileSet({ ...code.files, 'host.json': hostJson({ invocationSeconds: INGRESS_INVOCATION_SECONDS }) });
}
