/**
 * The Pulumi program every Herald project runs (this repository's `index.ts`, and a project's made by
 * `herald init`): reads `herald:app` and `herald:cloud`, realizes the app's topology on that cloud and
 * returns the stack outputs, named by kind, not by cloud.
 */
import * as pulumi from '@pulumi/pulumi';
import type { CloudProvider } from '../contracts';
import { APP_SETTING, AppModuleError, DEFAULT_APP, loadApp } from './app-module';
import { providers, readCloud } from './index';
import { realize } from './realize';
import { checkStackSettings, settingReader } from './settings';

/**
 * Realizes the app of the project in `projectDir` (the folder of its `Pulumi.yaml`; `herald:app` is relative
 * to it). Pulumi calls the program and awaits it (realize yields while it declares resources).
 * @throws pulumi.RunError when the app module is missing or holds no topology, or the stack sets an unknown herald key
 */
export async function heraldProgram(projectDir: string) {
  let loaded;
  try {
    loaded = loadApp(settingReader()(APP_SETTING) ?? DEFAULT_APP, projectDir);
  } catch (error) {
    // A RunError is reported without a stack trace: the message names the module and what is wrong.
    if (error instanceof AppModuleError) throw new pulumi.RunError(`herald:app: ${error.message}`);
    throw error;
  }
  const { topology, app } = loaded;
  checkStackSettings(topology);
  // Typed as the common interface: realize infers a provider's realized kinds, and a union of providers has none in common.
  const provider: CloudProvider = providers[readCloud()];
  // Ingress functions load the topology at run time from the same module and export.
  const { outputs } = await realize(topology, provider, { app, stack: pulumi.getStack() });
  // Neutral names, one map per kind by logical name, holding what the cloud's component registers
  // (`queues.payments.url`): the same stack output names on every cloud.
  const of = (kind: string) => outputs[kind] ?? {};
  return {
    buses: of('buses'),
    topics: of('topics'),
    queues: of('queues'),
    streams: of('streams'),
    buckets: of('buckets'),
    tables: of('tables'),
    functions: of('functions'),
    /** By webhook name, the URL to give the sender: the output a user reads first. */
    webhookUrls: Object.fromEntries(Object.entries(of('webhooks')).map(([name, o]) => [name, o.url])),
    stores: of('stores'),
    /** Everything, by kind and logical name (schedules, subscriptions and alarms too). */
    herald: outputs,
  };
}
