/** bucket → a private bucket; an upload trigger: GCS notification to a topic, agent publisher, push subscription to the ingress. */
import { expect } from 'chai';
import { ImageUploaded } from '../../../app/events';
import { topology } from '../../../contracts';
import { GCP_CONFIG_ENV } from '../../../providers/gcp/runtime/config';
import { grants, realizeOnGcp } from '../../helpers/gcp-mocks';
import { findResource, inventoryOf, json } from '../../helpers/pulumi-mocks';

describe('gcp bucket', () => {
  function app(upload = true) {
    const t = topology('bk');
    const bus = t.bus('shop');
    t.bucket('media', upload ? { onUpload: { prefix: 'uploads/', emits: ImageUploaded, to: bus } } : {});
    return t.build();
  }

  it('without a trigger is one private bucket', async () => {
    await realizeOnGcp(app(false));
    expect(inventoryOf(findResource('herald:gcp:Bucket', 'media'))).to.deep.equal({ 'gcp:storage/bucket:Bucket': 1 });
    expect(findResource('gcp:storage/bucket:Bucket', 'media').inputs).to.include({ uniformBucketLevelAccess: true, publicAccessPrevention: 'enforced', location: 'europe-west1' });
  });

  it('notifies finalized objects under the prefix as JSON to its upload topic, which the Cloud Storage agent may publish to', async () => {
    await realizeOnGcp(app());
    const topic = findResource('gcp:pubsub/topic:Topic', 'media-uploads');
    const bucket = findResource('gcp:storage/bucket:Bucket', 'media');
    expect(findResource('gcp:storage/notification:Notification', 'media-uploads').inputs).to.deep.equal({
      bucket: bucket.outputs.name, topic: topic.id, payloadFormat: 'JSON_API_V1', eventTypes: ['OBJECT_FINALIZE'], objectNamePrefix: 'uploads/',
    });
    const publishers = grants().filter((g) => g.on === topic.id).map((g) => g.member);
    expect(publishers).to.deep.equal([`serviceAccount:service-${/service-(\d+)@/.exec(publishers[0]!)![1]}@gs-project-accounts.iam.gserviceaccount.com`]);
  });

  it('pushes the notifications to the upload ingress with OIDC, dead letters and the agent\'s grants, and names it all in the ingress config', async () => {
    await realizeOnGcp(app());
    const fn = findResource('gcp:cloudfunctionsv2/function:Function', 'media-upload');
    const s = findResource('gcp:pubsub/subscription:Subscription', 'media-uploads');
    const dlt = findResource('gcp:pubsub/topic:Topic', 'media-uploads-dlq');
    const invoker = findResource('gcp:serviceaccount/account:Account', 'media-upload-invoker');
    expect(s.inputs).to.deep.include({
      topic: findResource('gcp:pubsub/topic:Topic', 'media-uploads').id,
      pushConfig: { pushEndpoint: fn.outputs.serviceConfig.uri, oidcToken: { serviceAccountEmail: invoker.outputs.email, audience: fn.outputs.serviceConfig.uri } },
      deadLetterPolicy: { deadLetterTopic: dlt.id, maxDeliveryAttempts: 5 }, expirationPolicy: { ttl: '' }, ackDeadlineSeconds: 40,
    });
    expect(s.inputs).not.to.have.property('filter');
    expect(findResource('gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember', 'media-uploads-agent-subscriber').inputs.subscription).to.equal(s.id);
    expect(findResource('gcp:pubsub/topicIAMMember:TopicIAMMember', 'media-uploads-dlq-agent-publisher').inputs.topic).to.equal(dlt.id);
    const config = json(fn.inputs.serviceConfig.environmentVariables[GCP_CONFIG_ENV]);
    expect(config).to.deep.include({
      kind: 'upload', bucket: findResource('gcp:storage/bucket:Bucket', 'media').outputs.name, prefix: 'uploads/', emits: 'ImageUploaded.v1',
      subscriptions: { [s.id]: { deadLetterTopic: dlt.id } },
    });
  });
});
