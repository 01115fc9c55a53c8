/** table → a serverless Cosmos DB container, and with onChange a lease container, a change-feed ingress app and a data-plane role on the database. */
import { expect } from 'chai';
import { topology, UnsupportedFeatureError } from '../../../contracts';
import { CustomerChanged } from '../../../app/events';
import { COSMOS_ROLES, ROLES } from '../../../providers/azure/iam';
import { AZURE_CONFIG_SETTING } from '../../../providers/azure/runtime/config';
import { appSettings, findResource, realizeOnAzure, rolesOf } from '../../helpers/azure-mocks';
import { inventoryOf, json } from '../../helpers/pulumi-mocks';
import { expectReject } from '../../helpers/reject';

function app(change = true, sortKey?: string) {
  const t = topology('tb').event(CustomerChanged);
  const bus = t.bus('shop');
  t.table('customers', { partitionKey: 'customerId', ...(sortKey ? { sortKey } : {}), ...(change ? { onChange: { emits: CustomerChanged, to: bus } } : {}) });
  return t.build();
}

describe('azure table', () => {
  it('is a container partitioned by the key in a serverless NoSQL account with local auth off', async () => {
    await realizeOnAzure(app(false));
    expect(inventoryOf(findResource('herald:azure:Table', 'customers'))).to.deep.equal({
      'azure-native:cosmosdb:DatabaseAccount': 1, 'azure-native:cosmosdb:SqlResourceSqlDatabase': 1, 'azure-native:cosmosdb:SqlResourceSqlContainer': 1,
    });
    const account = findResource('azure-native:cosmosdb:DatabaseAccount', 'customers-account');
    expect(account.inputs).to.deep.include({
      kind: 'GlobalDocumentDB', capabilities: [{ name: 'EnableServerless' }], disableLocalAuth: true, disableKeyBasedMetadataWriteAccess: true, minimalTlsVersion: 'Tls12',
      locations: [{ locationName: 'westeurope', failoverPriority: 0 }],
    });
    expect(findResource('azure-native:cosmosdb:SqlResourceSqlContainer', 'customers').inputs.resource)
      .to.deep.equal({ id: 'customers', partitionKey: { paths: ['/customerId'], kind: 'Hash', version: 2 } });
  });

  it('pre-creates the lease container and grants the change app Cosmos DB data access on this database only', async () => {
    await realizeOnAzure(app());
    const account = findResource('azure-native:cosmosdb:DatabaseAccount', 'customers-account');
    expect(findResource('azure-native:cosmosdb:SqlResourceSqlContainer', 'customers-leases').inputs.resource)
      .to.deep.equal({ id: 'customers-leases', partitionKey: { paths: ['/id'], kind: 'Hash', version: 2 } });
    const role = findResource('azure-native:cosmosdb:SqlResourceSqlRoleAssignment', 'customers-change-data');
    expect(role.inputs).to.include({
      principalId: findResource('azure-native:managedidentity:UserAssignedIdentity', 'customers-change-identity').outputs.principalId,
      roleDefinitionId: `${account.id}/sqlRoleDefinitions/${COSMOS_ROLES.dataContributor.id}`,
      scope: `${account.id}/dbs/herald`,
    });
  });

  it('connects the change trigger by identity to the account endpoint, naming the lease container', async () => {
    await realizeOnAzure(app());
    const settings = appSettings(findResource('azure-native:web:WebApp', 'customers-change'));
    const clientId = findResource('azure-native:managedidentity:UserAssignedIdentity', 'customers-change-identity').outputs.clientId;
    expect(settings).to.include({
      HERALD_COSMOS__accountEndpoint: findResource('azure-native:cosmosdb:DatabaseAccount', 'customers-account').outputs.documentEndpoint,
      HERALD_COSMOS__credential: 'managedidentity', HERALD_COSMOS__clientId: clientId,
    });
    expect(json(settings[AZURE_CONFIG_SETTING])).to.deep.include({ kind: 'change', table: 'customers', databaseName: 'herald', containerName: 'customers', leaseContainerName: 'customers-leases' });
  });

  it('writes documents that cannot become the event to a dead-letter container only the change app may write', async () => {
    await realizeOnAzure(app());
    const container = findResource('azure-native:storage:BlobContainer', 'customers-change-dead-letters');
    const config = json(appSettings(findResource('azure-native:web:WebApp', 'customers-change'))[AZURE_CONFIG_SETTING]);
    expect(config.deadLetter).to.deep.equal({
      endpoint: `https://${findResource('azure-native:storage:StorageAccount', 'tb-storage').outputs.name}.blob.core.windows.net`, container: 'change-customers-dead-letters',
    });
    const principal = String(findResource('azure-native:managedidentity:UserAssignedIdentity', 'customers-change-identity').outputs.principalId);
    expect(rolesOf(principal)).to.deep.include([ROLES.storageBlobDataContributor.id, container.id]);
  });

  it('reports the change feed as degraded and refuses a sort key', async () => {
    const { warnings } = await realizeOnAzure(app());
    expect(warnings.some((w) => /onChange is degraded on azure: the Cosmos DB change feed \(latest-version mode\) reports no deletes and no old image/.test(w))).to.equal(true);
    await expectReject(realizeOnAzure(app(false, 'orderId')), UnsupportedFeatureError, /sort key/);
  });
});
