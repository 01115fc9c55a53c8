/** bucket → a hardened storage account and container; with onUpload, a system topic, a BlobCreated subscription on the prefix, dead letters and an ingress app. */
import { expect } from 'chai';
import { topology } from '../../../contracts';
import { ImageUploaded } from '../../../app/events';
import { ROLES } from '../../../providers/azure/iam';
import { AZURE_CONFIG_SETTING } from '../../../providers/azure/runtime/config';
import { appSettings, findResource, realizeOnAzure, resourcesOf, rolesOf } from '../../helpers/azure-mocks';
import { inventoryOf, json } from '../../helpers/pulumi-mocks';

function app(upload = true) {
  const t = topology('bk').event(ImageUploaded);
  const bus = t.bus('shop');
  t.bucket('media', upload ? { onUpload: { prefix: 'uploads/', emits: ImageUploaded, to: bus } } : {});
  return t.build();
}

describe('azure bucket', () => {
  it('is a container in its own hardened account, shared keys off', async () => {
    await realizeOnAzure(app(false));
    expect(inventoryOf(findResource('herald:azure:Bucket', 'media'))).to.deep.equal({ 'azure-native:storage:StorageAccount': 1, 'azure-native:storage:BlobContainer': 1 });
    const account = findResource('azure-native:storage:StorageAccount', 'media-account');
    expect(account.inputs).to.include({ allowSharedKeyAccess: false, allowBlobPublicAccess: false, minimumTlsVersion: 'TLS1_2', enableHttpsTrafficOnly: true });
    expect(account.inputs.accountName).to.match(/^media[0-9a-f]{10}$/);
    expect(findResource('azure-native:storage:BlobContainer', 'media').inputs).to.include({ containerName: 'media', publicAccess: 'None', accountName: account.outputs.name });
  });

  it('subscribes the system topic of its account to BlobCreated under the prefix, pushing CloudEvents to the upload app', async () => {
    await realizeOnAzure(app());
    const account = findResource('azure-native:storage:StorageAccount', 'media-account');
    const topic = findResource('azure-native:eventgrid:SystemTopic', 'media-events');
    expect(topic.inputs).to.deep.include({ source: account.id, topicType: 'Microsoft.Storage.StorageAccounts', identity: { type: 'SystemAssigned' } });
    const sub = findResource('azure-native:eventgrid:SystemTopicEventSubscription', 'media-upload');
    expect(sub.inputs.systemTopicName).to.equal(topic.outputs.name);
    expect(sub.inputs.filter).to.deep.equal({
      includedEventTypes: ['Microsoft.Storage.BlobCreated'], subjectBeginsWith: '/blobServices/default/containers/media/blobs/uploads/', isSubjectCaseSensitive: true,
    });
    expect(sub.inputs.destination).to.deep.equal({ endpointType: 'AzureFunction', resourceId: `${findResource('azure-native:web:WebApp', 'media-upload').id}/functions/upload`, maxEventsPerBatch: 1 });
    expect(sub.inputs).to.deep.include({ eventDeliverySchema: 'CloudEventSchemaV1_0', retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 } });
  });

  it('dead-letters uploads it could not deliver with the system topic identity, allowed to write that container only', async () => {
    await realizeOnAzure(app());
    const container = findResource('azure-native:storage:BlobContainer', 'media-dead-letters');
    expect(container.outputs.name).to.equal('upload-media-dead-letters');
    expect(findResource('azure-native:eventgrid:SystemTopicEventSubscription', 'media-upload').inputs.deadLetterWithResourceIdentity.deadLetterDestination)
      .to.deep.equal({ endpointType: 'StorageBlob', resourceId: findResource('azure-native:storage:StorageAccount', 'bk-storage').id, blobContainerName: 'upload-media-dead-letters' });
    expect(rolesOf(String(findResource('azure-native:eventgrid:SystemTopic', 'media-events').outputs.identity.principalId)))
      .to.deep.equal([[ROLES.storageBlobDataContributor.id, container.id]]);
  });

  it('gives the upload app its bucket, prefix and event in its config and the right to publish to the bus', async () => {
    await realizeOnAzure(app());
    const config = json(appSettings(findResource('azure-native:web:WebApp', 'media-upload'))[AZURE_CONFIG_SETTING]);
    expect(config).to.deep.include({ kind: 'upload', bucket: 'media', container: 'media', prefix: 'uploads/', emits: 'ImageUploaded.v1' });
    const principal = String(findResource('azure-native:managedidentity:UserAssignedIdentity', 'media-upload-identity').outputs.principalId);
    expect(rolesOf(principal).map(([role]) => role)).to.include(ROLES.eventGridDataSender.id);
    expect(resourcesOf('azure-native:eventgrid:SystemTopic')).to.have.length(1);
  });
});
