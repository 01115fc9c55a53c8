/** stores → a hardened account (shared keys off) with the idempotency table and the claim-check container, which a lifecycle rule empties. */
import { expect } from 'chai';
import { topology } from '../../../contracts';
import { OrderPlaced } from '../../../app/events';
import { CLAIM_CHECK_RETENTION_DAYS } from '../../../providers/azure/stores';
import { findResource, realizeOnAzure } from '../../helpers/azure-mocks';
import { inventoryOf } from '../../helpers/pulumi-mocks';

function app() {
  const t = topology('sto').event(OrderPlaced);
  t.fn('charge', { handler: 'functions/charge-payment.ts', timeout: '10s' }).subscribe(t.bus('orders'), { events: [OrderPlaced] });
  return t.build();
}

describe('azure stores', () => {
  it('creates an account, the idempotency table, the claim-check container and its expiry', async () => {
    await realizeOnAzure(app());
    expect(inventoryOf(findResource('herald:azure:Stores', 'sto'))).to.deep.equal({
      'azure-native:storage:StorageAccount': 1, 'azure-native:storage:Table': 1, 'azure-native:storage:BlobContainer': 1, 'azure-native:storage:ManagementPolicy': 1,
    });
    const account = findResource('azure-native:storage:StorageAccount', 'sto-stores');
    expect(account.inputs).to.include({ allowSharedKeyAccess: false, allowBlobPublicAccess: false, minimumTlsVersion: 'TLS1_2', enableHttpsTrafficOnly: true, defaultToOAuthAuthentication: true });
    expect(findResource('azure-native:storage:Table', 'sto-idempotency').inputs).to.include({ tableName: 'heraldidempotency', accountName: account.outputs.name });
    expect(findResource('azure-native:storage:BlobContainer', 'sto-claim-check').inputs).to.include({ containerName: 'claim-check', publicAccess: 'None' });
  });

  it('deletes claim-checked data a day after the longest a dead letter is kept', async () => {
    await realizeOnAzure(app());
    const policy = findResource('azure-native:storage:ManagementPolicy', 'sto-claim-check-expiry').inputs;
    expect(policy.managementPolicyName).to.equal('default');
    expect(policy.policy.rules).to.deep.equal([{
      name: 'expire-claim-checks', enabled: true, type: 'Lifecycle',
      definition: { filters: { blobTypes: ['blockBlob'], prefixMatch: ['claim-check/'] }, actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: CLAIM_CHECK_RETENTION_DAYS } } } },
    }]);
    expect(CLAIM_CHECK_RETENTION_DAYS).to.equal(15);
  });
});
