/** bus → an Event Grid custom topic taking CloudEvents, with its own identity and dead-letter container. */
import { expect } from 'chai';
import { topology } from '../../../contracts';
import { OrderPlaced } from '../../../app/events';
import { ROLES } from '../../../providers/azure/iam';
import { findResource, realizeOnAzure, rolesOf } from '../../helpers/azure-mocks';
import { inventoryOf, resourcesOf } from '../../helpers/pulumi-mocks';

function app() {
  const t = topology('b').event(OrderPlaced);
  t.fn('charge', { handler: 'functions/charge-payment.ts', timeout: '10s' }).subscribe(t.bus('orders'), { events: [OrderPlaced] });
  return t.build();
}

describe('azure bus', () => {
  it('creates exactly the topic, its dead-letter container, the right to write it and an alert on its dead letters', async () => {
    await realizeOnAzure(app());
    expect(inventoryOf(findResource('herald:azure:Bus', 'orders'))).to.deep.equal({
      'azure-native:eventgrid:Topic': 1, 'azure-native:storage:BlobContainer': 1, 'azure-native:authorization:RoleAssignment': 1,
      'azure-native:monitor:MetricAlert': 1,
    });
    const alert = resourcesOf('azure-native:monitor:MetricAlert').find((r) => r.parent === findResource('herald:azure:Bus', 'orders').urn)!;
    expect(JSON.stringify(alert.inputs.criteria)).to.contain('DeadLetteredCount');
    expect(alert.inputs.scopes).to.deep.equal([findResource('azure-native:eventgrid:Topic', 'orders').id]);
  });

  it('takes CloudEvents 1.0, authenticates publishers with Entra ID only and has a system-assigned identity', async () => {
    await realizeOnAzure(app());
    const topic = findResource('azure-native:eventgrid:Topic', 'orders');
    expect(topic.inputs).to.deep.include({ inputSchema: 'CloudEventSchemaV1_0', identity: { type: 'SystemAssigned' }, disableLocalAuth: true, minimumTlsVersionAllowed: '1.2', location: 'westeurope' });
    expect(topic.outputs.endpoint).to.match(/^https:\/\/orders[0-9a-f]{8}\.westeurope-1\.eventgrid\.azure\.net\/api\/events$/);
  });

  it("lets the topic's identity write its dead-letter container, and nothing else", async () => {
    await realizeOnAzure(app());
    const container = findResource('azure-native:storage:BlobContainer', 'orders-dead-letters');
    expect(container.inputs).to.include({ containerName: 'bus-orders-dead-letters', publicAccess: 'None' });
    expect(rolesOf(String(findResource('azure-native:eventgrid:Topic', 'orders').outputs.identity.principalId)))
      .to.deep.equal([[ROLES.storageBlobDataContributor.id, container.id]]);
  });
});
