/**
 * The Pulumi program: reads `herald:cloud`, realizes the example app's topology on that cloud and returns
 * the stack outputs. It exports an async function, which Pulumi calls and awaits (realize yields while it
 * declares resources). `pulumi up` runs it; `herald plan` runs it under Pulumi's mock engine.
 */
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { appRoot, shop } from './app/topology';
import { providers, readCloud } from './providers';
import { realize } from './providers/realize';

async function program() {
  const cloud = readCloud();
  const { outputs } = await realize(shop, providers[cloud], {
    // Ingress functions load the topology at run time from this module and export.
    app: { module: path.join(appRoot, 'app', 'topology.ts'), exportName: 'shop', root: appRoot },
    stack: pulumi.getStack(),
  });
  const { buses = {}, queues = {}, webhooks = {}, streams = {}, buckets = {}, stores = {} } = outputs;
  const by = (list: Record<string, Readonly<Record<string, unknown>>>, key: string) => Object.fromEntries(Object.entries(list).map(([name, o]) => [name, o[key]]));
  return {
    busName: buses.shop?.name,
    webhookUrl: webhooks.payments?.url,
    queueUrls: by(queues, 'url'),
    streamNames: by(streams, 'name'),
    bucketNames: by(buckets, 'name'),
    idempotencyTable: stores[shop.name]?.idempotencyTable,
    /** Everything, by kind and logical name. */
    herald: outputs,
  };
}

export = program;
