/** Azure's mock target: resource ids as ARM gives them, names, endpoints and identities, deterministic per URN. */
import { expect } from 'chai';
import { azureMockCloud, azureMockTarget, mockGuid, MOCK_SUBSCRIPTION_ID } from '../../../providers/azure/mocks';

const cloud = azureMockCloud({ location: 'westeurope' });
const report = (type: string, name: string, inputs: Record<string, unknown>) => cloud.report({ type, name, urn: `urn:${type}::${name}`, inputs });
const RG = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/rg`;

describe('azure mock target', () => {
  it('reads the location from the stack config', () => {
    expect(azureMockTarget.requiredConfig).to.deep.equal(['azure-native:location']);
    expect(azureMockTarget.forStack({ 'azure-native:location': 'northeurope' }).location).to.deep.equal({ location: 'northeurope' });
  });

  it('gives nested entities the ids ARM gives them, from their parents named in the inputs', () => {
    expect(report('azure-native:servicebus:Queue', 'payments', { resourceGroupName: 'rg', namespaceName: 'ns', queueName: 'payments' }))
      .to.deep.equal({ id: `${RG}/providers/Microsoft.ServiceBus/namespaces/ns/queues/payments`, state: { name: 'payments' } });
    expect(report('azure-native:servicebus:DefaultRule', 'r', { resourceGroupName: 'rg', namespaceName: 'ns', topicName: 't', subscriptionName: 's' }).id)
      .to.equal(`${RG}/providers/Microsoft.ServiceBus/namespaces/ns/topics/t/subscriptions/s/rules/$Default`);
    expect(report('azure-native:storage:BlobContainer', 'c', { resourceGroupName: 'rg', accountName: 'acct', containerName: 'c' }).id)
      .to.equal(`${RG}/providers/Microsoft.Storage/storageAccounts/acct/blobServices/default/containers/c`);
  });

  it('auto-names global resources with a suffix from the URN and reports endpoints and identities', () => {
    const site = report('azure-native:web:WebApp', 'charge', { resourceGroupName: 'rg' });
    expect(site.state.name).to.match(/^charge[0-9a-f]{8}$/);
    expect(site.state.defaultHostName).to.equal(`${site.state.name}.azurewebsites.net`);
    const identity = report('azure-native:managedidentity:UserAssignedIdentity', 'id', { resourceGroupName: 'rg' });
    expect(identity.state.principalId).to.match(/^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/);
    expect(identity.state.clientId).not.to.equal(identity.state.principalId);
    const topic = report('azure-native:eventgrid:Topic', 'orders', { resourceGroupName: 'rg', identity: { type: 'SystemAssigned' } });
    expect(topic.state.endpoint).to.equal(`https://${topic.state.name}.westeurope-1.eventgrid.azure.net/api/events`);
    expect((topic.state.identity as { principalId: string }).principalId).to.equal(mockGuid('urn:azure-native:eventgrid:Topic::orders#principal'));
  });

  it('scopes a role assignment id under its scope, and reports nothing for other clouds', () => {
    expect(report('azure-native:authorization:RoleAssignment', 'r', { scope: `${RG}/providers/X/y/z` }).id).to.match(new RegExp(`^${RG}/providers/X/y/z/providers/Microsoft\\.Authorization/roleAssignments/[0-9a-f-]{36}$`));
    expect(report('aws:sqs/queue:Queue', 'q', {})).to.deep.equal({ state: {} });
  });
});
