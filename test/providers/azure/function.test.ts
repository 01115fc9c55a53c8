/**
 * fn → a Flex Consumption app per function: its own identity, identity-based settings with no secret, the
 * package in its deployment container, Flex sizing from the spec, and data-plane roles on exactly the
 * entities it uses.
 */
import { expect } from 'chai';
import { topology, TopologyError } from '../../../contracts';
import { OrderPlaced, PaymentFailed, PaymentReceived } from '../../../app/events';
import { FLEX_DEFAULTS, PACKAGE_HASH_SETTING } from '../../../providers/azure/function';
import { ROLES } from '../../../providers/azure/iam';
import { flexMaximumInstances, flexMemoryMb } from '../../../providers/azure/limits';
import { AZURE_CONFIG_SETTING } from '../../../providers/azure/runtime/config';
import { appSettings, findResource, principalOf, realizeOnAzure, resourcesOf, rolesOf } from '../../helpers/azure-mocks';
import { inventoryOf, json } from '../../helpers/pulumi-mocks';
import { expectReject } from '../../helpers/reject';

/** A bus, a queue, a function reading it and publishing PaymentReceived/PaymentFailed back to the bus. */
function app(fn: { memory?: number; concurrency?: number; timeout?: `${number}s` } = {}) {
  const t = topology('f').event(OrderPlaced, PaymentReceived, PaymentFailed);
  const bus = t.bus('orders');
  const q = t.queue('payments');
  t.fn('charge', { handler: 'functions/charge-payment.ts', timeout: fn.timeout ?? '10s', ...fn, publishes: { to: bus, events: [PaymentReceived, PaymentFailed] } })
    .subscribe(bus, { events: [OrderPlaced], via: q });
  return t.build();
}

const role = (key: keyof typeof ROLES) => ROLES[key].id;

describe('azure function', () => {
  it('creates an identity, a Flex plan, a deployment container with the package, a dead-letter container, the roles and the app', async () => {
    await realizeOnAzure(app());
    expect(inventoryOf(findResource('herald:azure:Function', 'charge'))).to.deep.equal({
      'azure-native:managedidentity:UserAssignedIdentity': 1,
      'azure-native:web:AppServicePlan': 1,
      'azure-native:storage:BlobContainer': 2, // the package's and the dead letters'
      'azure-native:storage:Blob': 1,
      'azure-native:authorization:RoleAssignment': 8,
      'azure-native:web:WebApp': 1,
    });
  });

  it('runs on Flex Consumption, Linux, Node 22, HTTPS only, from its own deployment container with its identity', async () => {
    await realizeOnAzure(app());
    const plan = findResource('azure-native:web:AppServicePlan', 'charge-plan');
    expect(plan.inputs).to.deep.include({ kind: 'functionapp', reserved: true, sku: { name: 'FC1', tier: 'FlexConsumption' } });
    const site = findResource('azure-native:web:WebApp', 'charge');
    const identity = findResource('azure-native:managedidentity:UserAssignedIdentity', 'charge-identity');
    const container = findResource('azure-native:storage:BlobContainer', 'charge-package');
    expect(site.inputs).to.include({ kind: 'functionapp,linux', serverFarmId: plan.id, httpsOnly: true, reserved: true });
    expect(site.inputs.identity).to.deep.equal({ type: 'UserAssigned', userAssignedIdentities: [identity.id] });
    expect(site.inputs.functionAppConfig.runtime).to.deep.equal({ name: 'node', version: '22' });
    expect(site.inputs.functionAppConfig.deployment.storage).to.deep.equal({
      type: 'blobContainer',
      value: `https://${findResource('azure-native:storage:StorageAccount', 'f-storage').outputs.name}.blob.core.windows.net/${container.outputs.name}`,
      authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identity.id },
    });
    expect(site.inputs.siteConfig).to.include({ minTlsVersion: '1.2', ftpsState: 'Disabled' });
    // Key Vault references (a webhook secret) resolve as the app's own identity.
    expect(site.inputs.keyVaultReferenceIdentity).to.equal(identity.id);
    const pkg = findResource('azure-native:storage:Blob', 'charge-package');
    expect(pkg.inputs).to.include({ blobName: FLEX_DEFAULTS.packageBlob, containerName: container.outputs.name, type: 'Block' });
    expect(Object.keys(await pkg.inputs.source.assets).sort()).to.deep.equal(['host.json', 'index.js', 'package.json']);
  });

  it('sizes the app from the spec: the smallest Flex memory that fits, and at least 40 maximum instances', async () => {
    await realizeOnAzure(app({ memory: 1024, concurrency: 5 }));
    expect(findResource('azure-native:web:WebApp', 'charge').inputs.functionAppConfig.scaleAndConcurrency).to.deep.equal({ maximumInstanceCount: 40, instanceMemoryMB: 2048 });
    expect([128, 512, 513, 2048, 4096, 4097].map(flexMemoryMb)).to.deep.equal([512, 512, 2048, 2048, 4096, undefined]);
    expect([undefined, 1, 250, 5000].map(flexMaximumInstances)).to.deep.equal([100, 40, 250, 1000]);
    const error = await expectReject(realizeOnAzure(app({ memory: 8192 })), TopologyError);
    expect(error.issues.map((i) => i.field)).to.deep.equal(['functions[charge].memory']);
  });

  it('connects with its identity only: AzureWebJobsStorage, Service Bus and Application Insights by identity, no key, SAS or connection string', async () => {
    await realizeOnAzure(app());
    const settings = appSettings(findResource('azure-native:web:WebApp', 'charge'));
    const clientId = String(findResource('azure-native:managedidentity:UserAssignedIdentity', 'charge-identity').outputs.clientId);
    const ns = findResource('azure-native:servicebus:Namespace', 'f-sb').outputs.name;
    expect(settings).to.include({
      AzureWebJobsStorage__accountName: findResource('azure-native:storage:StorageAccount', 'f-storage').outputs.name,
      AzureWebJobsStorage__credential: 'managedidentity',
      AzureWebJobsStorage__clientId: clientId,
      HERALD_SERVICEBUS__fullyQualifiedNamespace: `${ns}.servicebus.windows.net`,
      HERALD_SERVICEBUS__credential: 'managedidentity',
      HERALD_SERVICEBUS__clientId: clientId,
      HERALD_QUEUE_PAYMENTS: 'payments',
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${clientId};Authorization=AAD`,
    });
    expect(settings[PACKAGE_HASH_SETTING]).to.match(/^[0-9a-f]{64}$/);
    // Flex sets the runtime in functionAppConfig: the legacy settings must not be there.
    for (const legacy of ['AzureWebJobsStorage', 'FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION', 'WEBSITE_RUN_FROM_PACKAGE']) expect(settings).not.to.have.property(legacy);
    for (const [name, value] of Object.entries(settings)) {
      expect(value, name).not.to.match(/AccountKey=|SharedAccessKey|SharedAccessSignature|[?&]sig=|AccountEndpoint=.*;AccountKey/i);
    }
    const config = json(settings[AZURE_CONFIG_SETTING]);
    expect(config).to.deep.include({ kind: 'function', name: 'charge', identityClientId: clientId });
    expect(config.publishTo).to.deep.equal({ kind: 'eventGrid', endpoint: findResource('azure-native:eventgrid:Topic', 'orders').outputs.endpoint });
    expect(config.deadLetter).to.deep.equal({
      endpoint: `https://${findResource('azure-native:storage:StorageAccount', 'f-storage').outputs.name}.blob.core.windows.net`,
      container: 'fn-charge-dead-letters',
    });
    expect(config.idempotency.table).to.equal('heraldidempotency');
  });

  it('grants data-plane roles only, each on the one entity it is for', async () => {
    await realizeOnAzure(app());
    const id = (type: string, name: string) => findResource(type, name).id;
    const queue = id('azure-native:servicebus:Queue', 'payments');
    expect(rolesOf(principalOf('charge'))).to.deep.equal([
      [role('storageBlobDataOwner'), id('azure-native:storage:StorageAccount', 'f-storage')], // the Functions host's own storage
      [role('monitoringMetricsPublisher'), id('azure-native:applicationinsights:Component', 'f-insights')],
      [role('serviceBusDataReceiver'), queue],
      [role('serviceBusDataSender'), queue], // retries are resent to the queue
      [role('eventGridDataSender'), id('azure-native:eventgrid:Topic', 'orders')],
      [role('storageBlobDataContributor'), id('azure-native:storage:BlobContainer', 'charge-dead-letters')],
      [role('storageTableDataContributor'), id('azure-native:storage:Table', 'f-idempotency')],
      [role('storageBlobDataContributor'), id('azure-native:storage:BlobContainer', 'f-claim-check')],
    ].map(([r, s]) => [r!, s!] as [string, string]).sort());
    for (const r of resourcesOf('azure-native:authorization:RoleAssignment')) {
      expect(r.inputs.principalType).to.equal('ServicePrincipal');
      expect(r.inputs.roleDefinitionId).to.match(/^\/subscriptions\/0{8}-0{4}-0{4}-0{4}-0{12}\/providers\/Microsoft\.Authorization\/roleDefinitions\/[0-9a-f-]{36}$/);
      expect(r.inputs.scope, r.name).to.match(/\/providers\/Microsoft\.[A-Za-z]+\/[^/]+\/[^/]+/);
    }
  });
});
