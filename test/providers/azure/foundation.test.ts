/** foundation → resource group (or an existing one), namespaces where used, hardened storage, monitoring, action group; config checked at once. */
import { expect } from 'chai';
import { topology, TopologyError } from '../../../contracts';
import { OrderPlaced } from '../../../app/events';
import { brokersNeeded, parseAzureConfig } from '../../../providers/azure/foundation';
import { findResource, realizeOnAzure, resourcesOf } from '../../helpers/azure-mocks';
import { inventoryOf } from '../../helpers/pulumi-mocks';
import { expectReject } from '../../helpers/reject';

function app(options: { queue?: boolean; stream?: boolean } = {}) {
  const t = topology('fd').event(OrderPlaced);
  const bus = t.bus('orders');
  const via = options.queue ? t.queue('payments') : options.stream ? t.stream('audit', { key: 'subject' }) : undefined;
  t.fn('charge', { handler: 'functions/charge-payment.ts', timeout: '10s' }).subscribe(bus, { events: [OrderPlaced], ...(via ? { via } : {}) });
  return t.build();
}

const config = (values: Record<string, string>, location: string | undefined = 'westeurope') => parseAzureConfig((k) => values[k], location);

describe('azure foundation', () => {
  it('creates a resource group, hardened storage, Log Analytics and Application Insights, and no namespace a topology does not use', async () => {
    await realizeOnAzure(app());
    expect(inventoryOf(findResource('herald:azure:Foundation', 'fd'))).to.deep.equal({
      'azure-native:resources:ResourceGroup': 1, 'azure-native:storage:StorageAccount': 1,
      'azure-native:operationalinsights:Workspace': 1, 'azure-native:applicationinsights:Component': 1,
    });
    expect(findResource('azure-native:resources:ResourceGroup', 'fd').inputs.location).to.equal('westeurope');
  });

  it('adds a Service Bus namespace for queues and topics and an Event Hubs namespace for streams, both Entra ID only', async () => {
    await realizeOnAzure(app({ queue: true }));
    expect(findResource('azure-native:servicebus:Namespace', 'fd-sb').inputs).to.deep.include({ sku: { name: 'Standard', tier: 'Standard' }, disableLocalAuth: true, minimumTlsVersion: '1.2' });
    expect(resourcesOf('azure-native:eventhub:Namespace')).to.have.length(0);
    await realizeOnAzure(app({ stream: true }));
    expect(findResource('azure-native:eventhub:Namespace', 'fd-eh').inputs).to.deep.include({ sku: { name: 'Standard', tier: 'Standard', capacity: 1 }, disableLocalAuth: true });
    expect(resourcesOf('azure-native:servicebus:Namespace')).to.have.length(0);
    expect(brokersNeeded(app({ queue: true }))).to.deep.equal({ serviceBus: true, eventHubs: false });
  });

  it('takes Premium with messaging units from config', async () => {
    await realizeOnAzure(app({ queue: true }), { 'herald:azureServiceBusSku': 'Premium', 'herald:azureServiceBusCapacity': '2' });
    expect(findResource('azure-native:servicebus:Namespace', 'fd-sb').inputs.sku).to.deep.equal({ name: 'Premium', tier: 'Premium', capacity: 2 });
  });

  it('deploys into an existing resource group named in config, creating none', async () => {
    await realizeOnAzure(app({ queue: true }), { 'herald:azureResourceGroup': 'platform-rg' });
    expect(resourcesOf('azure-native:resources:ResourceGroup')).to.have.length(0);
    expect(findResource('azure-native:servicebus:Queue', 'payments').id).to.match(/\/resourceGroups\/platform-rg\/providers\//);
  });

  it('hardens the storage account and keeps telemetry identity-only', async () => {
    await realizeOnAzure(app());
    const account = findResource('azure-native:storage:StorageAccount', 'fd-storage');
    expect(account.inputs).to.include({
      kind: 'StorageV2', allowBlobPublicAccess: false, minimumTlsVersion: 'TLS1_2', enableHttpsTrafficOnly: true, allowCrossTenantReplication: false,
      // Pulumi uploads the function packages with the account key (pulumi/pulumi-azure-native#2015).
      allowSharedKeyAccess: true,
    });
    expect(account.inputs.accountName).to.match(/^[a-z0-9]{3,24}$/);
    const insights = findResource('azure-native:applicationinsights:Component', 'fd-insights');
    expect(insights.inputs).to.include({ disableLocalAuth: true, ingestionMode: 'LogAnalytics', workspaceResourceId: findResource('azure-native:operationalinsights:Workspace', 'fd-logs').id });
  });

  it('creates an action group for herald:alertEmail, and uses herald:azureActionGroupId as it is', async () => {
    await realizeOnAzure(app({ queue: true }), { 'herald:alertEmail': 'oncall@example.com' });
    const group = findResource('azure-native:monitor:ActionGroup', 'fd-alerts');
    expect(group.inputs.emailReceivers).to.deep.equal([{ name: 'herald-alerts', emailAddress: 'oncall@example.com', useCommonAlertSchema: true }]);
    expect(findResource('azure-native:monitor:MetricAlert', 'payments-dead-letters').inputs.actions).to.deep.equal([{ actionGroupId: group.id }]);
    const existing = '/subscriptions/0/resourceGroups/ops/providers/microsoft.insights/actionGroups/pager';
    await realizeOnAzure(app({ queue: true }), { 'herald:azureActionGroupId': existing });
    expect(resourcesOf('azure-native:monitor:ActionGroup')).to.have.length(0);
    expect(findResource('azure-native:monitor:MetricAlert', 'payments-dead-letters').inputs.actions).to.deep.equal([{ actionGroupId: existing }]);
  });

  it('reports every config problem at once, naming each key', async () => {
    const { issues } = config({ azureServiceBusSku: 'Basic', azureServiceBusCapacity: '3', azureActionGroupId: 'pager', alertEmail: 'nobody', azureResourceGroup: 'bad/name' }, '');
    expect(issues.map((i) => i.field)).to.deep.equal([
      'azure-native:location', 'herald:azureResourceGroup', 'herald:azureServiceBusSku', 'herald:azureServiceBusCapacity', 'herald:azureActionGroupId', 'herald:alertEmail',
    ]);
    expect(config({ azureServiceBusCapacity: '2' }).issues.map((i) => i.message)).to.deep.equal(['[herald:azureServiceBusCapacity] messaging units apply to the Premium tier only']);
    expect(config({}).settings).to.deep.equal({ location: 'westeurope', serviceBusSku: 'Standard' });
    await expectReject(realizeOnAzure(app(), { 'herald:azureServiceBusSku': 'Basic' }), TopologyError, /herald:azureServiceBusSku/);
  });
});
