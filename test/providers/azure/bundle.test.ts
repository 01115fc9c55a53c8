/**
 * The Flex Consumption file set, loaded as the Node.js worker loads it: `package.json`'s `main` in a
 * folder, `@azure/functions-core` supplied by the worker. The worker is stood in for by a module that
 * records what the bundle registers (the function metadata `@azure/functions` builds for the host).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { appRoot, shop } from '../../../app/topology';
import { deliveryPlan, type AppModule, type FunctionSpec } from '../../../contracts';
import { bundleHandler, bundleIngress, PACKAGE_JSON } from '../../../providers/azure/bundle';
import { AZURE_DELIVERY } from '../../../providers/azure/filter';
import { functionSettings, ingressSettings } from '../../../providers/azure/function-config';
import { offlineIngressResources, offlineResources } from '../../../providers/azure/offline';
import type { Bundle } from '../../../providers/bundle';

const fn = (name: string): FunctionSpec => shop.functions.find((f) => f.name === name)!;
const plan = deliveryPlan(shop, AZURE_DELIVERY);
const app: AppModule = { module: path.join(appRoot, 'app/topology.ts'), exportName: 'shop', root: appRoot };

/** The worker's core API, recording each registration as JSON on stdout when the process exits. */
const FAKE_CORE = `
const registered = [];
module.exports = {
  setProgrammingModel(model) { registered.push({ model: model.name }); },
  registerFunction(metadata) { registered.push(metadata); return { dispose() {} }; },
  registerHook() { return { dispose() {} }; },
  log() {},
};
process.on('exit', () => process.stdout.write(JSON.stringify(registered)));
`;

/** Loads a bundle's folder in a fresh Node.js process with `settings` as its environment; what it registered. */
function loadInWorker(bundle: Bundle, settings: Record<string, string>): { registered: any[]; stderr: string; status: number | null } {
  const dir = mkdtempSync(path.join(tmpdir(), 'herald-azure-bundle-'));
  try {
    for (const [name, content] of Object.entries(bundle.files)) writeFileSync(path.join(dir, name), content);
    mkdirSync(path.join(dir, 'node_modules/@azure/functions-core'), { recursive: true });
    writeFileSync(path.join(dir, 'node_modules/@azure/functions-core/index.js'), FAKE_CORE);
    const main = JSON.parse(bundle.files['package.json']!).main as string;
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(`./${main}`)})`], {
      cwd: dir, env: { PATH: process.env.PATH ?? '', ...settings }, encoding: 'utf8', timeout: 30_000,
    });
    return { registered: r.stdout ? JSON.parse(r.stdout) : [], stderr: r.stderr, status: r.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('providers/azure/bundle', function () {
  this.timeout(120_000);

  it('is the Flex file set: index.js, a package.json whose main is index.js, and a host.json fitting the function\'s timeout', () => {
    const bundle = bundleHandler(appRoot, fn('charge-payment'), plan.channelsOf('charge-payment'));
    expect(Object.keys(bundle.files).sort()).to.deep.equal(['host.json', 'index.js', 'package.json']);
    expect(JSON.parse(bundle.files['package.json']!)).to.deep.equal({ name: 'herald-function', version: '1.0.0', private: true, main: 'index.js' });
    expect(bundle.files['package.json']).to.equal(PACKAGE_JSON);
    const host = JSON.parse(bundle.files['host.json']!);
    expect(host.functionTimeout).to.equal('00:00:20');
    expect(host.extensions.serviceBus.maxAutoLockRenewalDuration).to.equal('00:00:20');
    // Only the worker's own module stays a require; everything else is in the file (the zip has no node_modules).
    const required = [...bundle.files['index.js']!.matchAll(/require\("(@azure\/[^"]+)"\)/g)].map((m) => m[1]);
    expect([...new Set(required)]).to.deep.equal(['@azure/functions-core']);
  });

  it('gives a stream reader\'s invocation time for every attempt of a record, and its batch size', () => {
    const host = JSON.parse(bundleHandler(appRoot, fn('audit-orders'), plan.channelsOf('audit-orders')).files['host.json']!);
    const stream = plan.channelsOf('audit-orders')[0]!;
    expect(host.extensions.eventHubs.maxEventBatchSize).to.equal(stream.batch.size);
    expect(Number(host.functionTimeout.split(':')[1])).to.be.greaterThan(1);
  });

  it('registers a queue reader\'s Service Bus trigger with the host when the worker loads it, names as %SETTING%', () => {
    const spec = fn('charge-payment');
    const channels = plan.channelsOf('charge-payment');
    const { registered, stderr, status } = loadInWorker(bundleHandler(appRoot, spec, channels), functionSettings(spec, channels, offlineResources(shop, spec, channels)));
    expect(status, stderr).to.equal(0);
    expect(registered[0]).to.deep.equal({ model: '@azure/functions' });
    const [queue] = registered.slice(1);
    expect(queue.name).to.equal('queue-payments');
    const trigger = Object.values(queue.bindings as Record<string, Record<string, unknown>>)[0]!;
    expect(trigger).to.include({
      type: 'serviceBusTrigger', direction: 'in', connection: 'HERALD_SERVICEBUS', queueName: '%HERALD_QUEUE_PAYMENTS%',
      isSessionsEnabled: false, cardinality: 'one', autoCompleteMessages: true,
    });
  });

  it('registers a stream reader\'s Event Hubs trigger with its retry policy, and a direct reader\'s Event Grid trigger', () => {
    const audit = fn('audit-orders');
    const auditChannels = plan.channelsOf('audit-orders');
    const stream = loadInWorker(bundleHandler(appRoot, audit, auditChannels), functionSettings(audit, auditChannels, offlineResources(shop, audit, auditChannels)));
    expect(stream.status, stream.stderr).to.equal(0);
    const hub = stream.registered[1];
    expect(Object.values(hub.bindings as Record<string, Record<string, unknown>>)[0]).to.include({ type: 'eventHubTrigger', cardinality: 'many', eventHubName: '%HERALD_EVENTHUB_ORDER_AUDIT%' });
    expect(hub.retryOptions).to.include({ retryStrategy: 'exponentialBackoff', maxRetryCount: 3 });
    const thumb = fn('make-thumbnail');
    const thumbChannels = plan.channelsOf('make-thumbnail');
    const direct = loadInWorker(bundleHandler(appRoot, thumb, thumbChannels), functionSettings(thumb, thumbChannels, offlineResources(shop, thumb, thumbChannels)));
    // Beside its trigger, the app's hourly sweep of its expired claims (Table Storage has no time to live).
    expect(direct.registered.slice(1).map((m: any) => [m.name, Object.values(m.bindings as Record<string, { type: string }>)[0]!.type])).to.deep.equal([
      ['events', 'eventGridTrigger'], ['idempotency-sweep', 'timerTrigger'],
    ]);
    expect(Object.values(direct.registered[2].bindings as Record<string, Record<string, unknown>>)[0]).to.include({ schedule: '0 41 * * * *', runOnStartup: false });
  });

  it('builds each ingress kind, which registers its trigger from its settings', () => {
    const schedule = shop.schedules[0]!;
    const timer = loadInWorker(bundleIngress('schedule', app), ingressSettings({ kind: 'schedule', spec: schedule }, offlineIngressResources(shop, schedule.to)));
    expect(timer.status, timer.stderr).to.equal(0);
    expect(Object.values(timer.registered[1].bindings as Record<string, Record<string, unknown>>)[0]).to.include({ type: 'timerTrigger', schedule: '%HERALD_SCHEDULE_NIGHTLY_REPORT%' });
    const webhook = shop.webhooks[0]!;
    const http = loadInWorker(bundleIngress('webhook', app), ingressSettings({ kind: 'webhook', spec: webhook }, offlineIngressResources(shop, webhook.to)));
    expect(http.status, http.stderr).to.equal(0);
    expect(Object.values(http.registered[1].bindings as Record<string, Record<string, unknown>>)[0]).to.deep.include({ type: 'httpTrigger', authLevel: 'anonymous', route: 'webhooks/payments', methods: ['POST'] });
    expect(JSON.parse(bundleIngress('webhook', app).files['host.json']!).extensions.http.routePrefix).to.equal('');
  });

  it('fails to load, naming the setting, when the app has no Herald config', () => {
    const { status, stderr } = loadInWorker(bundleHandler(appRoot, fn('charge-payment')), {});
    expect(status).to.not.equal(0);
    expect(stderr).to.match(/HERALD_AZURE_CONFIG is not set/);
  });
});
