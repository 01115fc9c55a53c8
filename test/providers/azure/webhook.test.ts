/** webhook → an HTTP-triggered ingress app (URL output, signing secret in Key Vault); ingress apps publish with one role each. */
import { expect } from 'chai';
import { INGRESS_SECRET, ingressApp } from './ingress-app';
import { ROLES } from '../../../providers/azure/iam';
import { AZURE_CONFIG_SETTING } from '../../../providers/azure/runtime/config';
import { appSettings, findResource, principalOf, realizeOnAzure, resourcesOf, rolesOf } from '../../helpers/azure-mocks';
import { MOCK_TENANT_ID } from '../../../providers/azure/mocks';
import { inventoryOf, isSecretInput, json } from '../../helpers/pulumi-mocks';

const app = ingressApp;
const SECRET = INGRESS_SECRET;

describe('azure webhook', () => {
  it('puts a webhook in its own Flex app and exports its URL, with no /api prefix', async () => {
    const { result } = await realizeOnAzure(app(), SECRET, Object.keys(SECRET));
    expect(inventoryOf(findResource('herald:azure:Webhook', 'payments'))).to.deep.equal({
      'azure-native:keyvault:Vault': 1, 'azure-native:keyvault:Secret': 1,
      'azure-native:managedidentity:UserAssignedIdentity': 1, 'azure-native:web:AppServicePlan': 1, 'azure-native:storage:BlobContainer': 1,
      'azure-native:storage:Blob': 1, 'azure-native:authorization:RoleAssignment': 5, 'azure-native:web:WebApp': 1,
    });
    const site = findResource('azure-native:web:WebApp', 'payments-webhook');
    const url = await new Promise((resolve) => (result.outputs.webhooks!.payments!.url as any).apply(resolve));
    expect(url).to.equal(`https://${site.outputs.defaultHostName}/webhooks/payments`);
  });

  it("keeps the signing secret in the webhook's own Key Vault; the app setting is only a reference the app's identity resolves", async () => {
    await realizeOnAzure(app(), SECRET, Object.keys(SECRET));
    const vault = findResource('azure-native:keyvault:Vault', 'payments-vault');
    expect(vault.inputs.properties).to.deep.include({ enableRbacAuthorization: true, enableSoftDelete: true, tenantId: MOCK_TENANT_ID, sku: { family: 'A', name: 'standard' } });
    expect(vault.inputs.vaultName).to.match(/^payments[a-z0-9]+$/);
    const secret = findResource('azure-native:keyvault:Secret', 'payments-secret');
    expect(secret.inputs).to.include({ vaultName: vault.outputs.name, secretName: 'signing-secret' });
    // The value travels as a Pulumi secret into the vault, and nowhere else.
    expect(isSecretInput(secret.inputs.properties)).to.equal(true);
    const site = findResource('azure-native:web:WebApp', 'payments-webhook');
    const settings = appSettings(site);
    expect(settings.PAYMENTS_WEBHOOK_SECRET).to.equal(`@Microsoft.KeyVault(VaultName=${vault.outputs.name};SecretName=signing-secret)`);
    expect(Object.values(settings).join('\n')).not.to.include('whsec_test');
    expect(site.inputs.keyVaultReferenceIdentity).to.equal(findResource('azure-native:managedidentity:UserAssignedIdentity', 'payments-webhook-identity').id);
    expect(rolesOf(principalOf('payments-webhook'))).to.deep.include([ROLES.keyVaultSecretsUser.id, secret.id]);
    expect(json(settings[AZURE_CONFIG_SETTING])).to.deep.include({ kind: 'webhook', name: 'payments', method: 'POST', route: 'webhooks/payments', emits: 'PaymentReceived.v1' });
  });

  it('warns and deploys without the secret when it is not set', async () => {
    const { warnings } = await realizeOnAzure(app());
    expect(warnings.some((w) => /herald:PAYMENTS_WEBHOOK_SECRET is not set, so every request will be rejected/.test(w))).to.equal(true);
    expect(appSettings(findResource('azure-native:web:WebApp', 'payments-webhook'))).not.to.have.property('PAYMENTS_WEBHOOK_SECRET');
    expect(resourcesOf('azure-native:keyvault:Vault')).to.have.length(0);
  });

  it('lets each ingress publish to its one target and write claim checks, nothing more', async () => {
    await realizeOnAzure(app(), SECRET, Object.keys(SECRET));
    const host = findResource('azure-native:storage:StorageAccount', 'in-storage').id;
    const insights = findResource('azure-native:applicationinsights:Component', 'in-insights').id;
    const claim = findResource('azure-native:storage:BlobContainer', 'in-claim-check').id;
    const base = [[ROLES.storageBlobDataOwner.id, host], [ROLES.monitoringMetricsPublisher.id, insights], [ROLES.storageBlobDataContributor.id, claim]];
    expect(rolesOf(principalOf('payments-webhook'))).to.deep.equal([
      ...base, [ROLES.eventGridDataSender.id, findResource('azure-native:eventgrid:Topic', 'shop').id],
      [ROLES.keyVaultSecretsUser.id, findResource('azure-native:keyvault:Secret', 'payments-secret').id],
    ].sort());
    expect(rolesOf(principalOf('nightly-schedule'))).to.deep.equal([...base, [ROLES.serviceBusDataSender.id, findResource('azure-native:servicebus:Topic', 'reports').id]].sort());
    const config = json(appSettings(findResource('azure-native:web:WebApp', 'nightly-schedule'))[AZURE_CONFIG_SETTING]);
    expect(config.publishTo).to.deep.equal({ kind: 'serviceBusTopic', namespace: `${findResource('azure-native:servicebus:Namespace', 'in-sb').outputs.name}.servicebus.windows.net`, topic: 'reports' });
  });
});
