/** stream → an Event Hub with a consumer group per reading function; bus subscriptions into it deliver with the partition key. */
import { expect } from 'chai';
import { topology, TopologyError } from '../../../contracts';
import { OrderPlaced, PaymentReceived } from '../../../app/events';
import { ROLES } from '../../../providers/azure/iam';
import { findResource, principalOf, realizeOnAzure, rolesOf } from '../../helpers/azure-mocks';
import { inventoryOf } from '../../helpers/pulumi-mocks';
import { expectReject } from '../../helpers/reject';

function app(stream: Parameters<ReturnType<typeof topology>['stream']>[1] = { key: 'data.orderId' }) {
  const t = topology('st').event(OrderPlaced, PaymentReceived);
  const bus = t.bus('shop');
  const audit = t.stream('audit', stream);
  t.fn('audit', { handler: 'functions/audit-orders.ts', timeout: '10s' })
    .subscribe(bus, { events: [OrderPlaced], via: audit })
    .subscribe(bus, { name: 'audit-paid', events: [PaymentReceived], via: audit });
  t.fn('reader', { handler: 'functions/audit-orders.ts', timeout: '10s' }).subscribe(audit, { events: [OrderPlaced] });
  return t.build();
}

describe('azure stream', () => {
  it('creates an Event Hub and one consumer group per reading function', async () => {
    await realizeOnAzure(app());
    expect(inventoryOf(findResource('herald:azure:Stream', 'audit'))).to.deep.equal({ 'azure-native:eventhub:EventHub': 1, 'azure-native:eventhub:ConsumerGroup': 2 });
    const hub = findResource('azure-native:eventhub:EventHub', 'audit');
    expect(hub.inputs).to.deep.include({ eventHubName: 'audit', partitionCount: 4, retentionDescription: { cleanupPolicy: 'Delete', retentionTimeInHours: 24 } });
    expect(hub.inputs.namespaceName).to.equal(findResource('azure-native:eventhub:Namespace', 'st-eh').outputs.name);
    expect(findResource('azure-native:eventhub:ConsumerGroup', 'audit-reader').inputs).to.include({ consumerGroupName: 'reader', eventHubName: 'audit' });
  });

  it('takes partitions from overrides.azure and refuses a retention or partition count Event Hubs Standard cannot keep', async () => {
    await realizeOnAzure(app({ key: 'data.orderId', overrides: { azure: { partitionCount: 8 } } }));
    expect(findResource('azure-native:eventhub:EventHub', 'audit').inputs.partitionCount).to.equal(8);
    const error = await expectReject(realizeOnAzure(app({ key: 'data.orderId', retention: '10d', overrides: { azure: { partitionCount: 64 } } })), TopologyError, /2 problem/);
    expect(error.issues.map((i) => i.field)).to.deep.equal(['streams[audit].retention', 'streams[audit].overrides.azure.partitionCount']);
  });

  it('is fed by Event Grid with the partition key from the stream key, Event Grid holding Data Sender on the hub once', async () => {
    await realizeOnAzure(app());
    const hub = findResource('azure-native:eventhub:EventHub', 'audit');
    const sub = findResource('azure-native:eventgrid:TopicEventSubscription', 'audit-shop');
    expect(sub.inputs.deliveryWithResourceIdentity.destination).to.deep.equal({
      endpointType: 'EventHub', resourceId: hub.id, deliveryAttributeMappings: [{ name: 'PartitionKey', type: 'Dynamic', sourceField: 'data.orderId' }],
    });
    const principal = String(findResource('azure-native:eventgrid:Topic', 'shop').outputs.identity.principalId);
    expect(rolesOf(principal).filter(([role]) => role === ROLES.eventHubsDataSender.id)).to.deep.equal([[ROLES.eventHubsDataSender.id, hub.id]]);
  });

  it('lets each reader receive from the hub only, and names its consumer group in its settings', async () => {
    await realizeOnAzure(app());
    const hub = findResource('azure-native:eventhub:EventHub', 'audit');
    expect(rolesOf(principalOf('reader')).filter(([role]) => role === ROLES.eventHubsDataReceiver.id)).to.deep.equal([[ROLES.eventHubsDataReceiver.id, hub.id]]);
  });

  it('is reported as degraded: no dead-letter queue, the trigger checkpoints failures', async () => {
    const { warnings } = await realizeOnAzure(app());
    expect(warnings.some((w) => /\[streams\[audit\]\] stream is degraded on azure: Event Hubs has no dead-letter queue/.test(w))).to.equal(true);
  });
});
