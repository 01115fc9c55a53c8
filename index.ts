/**
 * The Pulumi program: reads `herald:cloud`, realizes the example app's topology on that cloud and returns
 * the stack outputs, named by kind, not by cloud. It exports an async function, which Pulumi calls and
 * awaits (realize yields while it declares resources). `pulumi up` runs it; `herald plan` runs it under
 * Pulumi's mock engine.
 */
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { appRoot, shop } from './app/topology';
import type { CloudProvider } from './contracts';
import { providers, readCloud } from './providers';
import { realize } from './providers/realize';
import { checkStackSettings } from './providers/settings';

async function program() {
  checkStackSettings(shop);
  // Typed as the common interface: realize infers a provider's realized kinds, and a union of providers has none in common.
  const provider: CloudProvider = providers[readCloud()];
  const { outputs } = await realize(shop, provider, {
    // Ingress functions load the topology at run time from this module and export.
    app: { module: path.join(appRoot, 'app', 'topology.ts'), exportName: 'shop', root: appRoot },
    stack: pulumi.getStack(),
  });
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

export = program;
