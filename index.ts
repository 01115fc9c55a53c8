/**
 * The Pulumi program: reads `herald:cloud`, realizes the example app's topology on that cloud and exports
 * its outputs. `pulumi up` runs it; `herald plan` runs it under Pulumi's mock engine.
 */
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { appRoot, shop } from './app/topology';
import { providers, readCloud } from './providers';
import { realize } from './providers/realize';

const cloud = readCloud();
const realized = realize(shop, providers[cloud], {
  // Ingress functions load the topology at run time from this module and export.
  app: { module: path.join(appRoot, 'app', 'topology.ts'), exportName: 'shop', root: appRoot },
  stack: pulumi.getStack(),
});

const { buses = {}, queues = {}, webhooks = {}, streams = {}, buckets = {}, stores = {} } = realized.outputs;

/** Everything, by kind and logical name. */
export const herald = realized.outputs;
export const busName = buses.shop?.name;
export const webhookUrl = webhooks.payments?.url;
export const queueUrls = Object.fromEntries(Object.entries(queues).map(([name, q]) => [name, q.url]));
export const streamNames = Object.fromEntries(Object.entries(streams).map(([name, s]) => [name, s.name]));
export const bucketNames = Object.fromEntries(Object.entries(buckets).map(([name, b]) => [name, b.name]));
export const idempotencyTable = stores[shop.name]?.idempotencyTable;
