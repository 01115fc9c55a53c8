/** bucket → aws.s3.Bucket (not BucketV2), EventBridge notifications, a default-bus rule for the prefix → ingress. */
import { expect } from 'chai';
import { topology } from '../../../contracts';
import { ImageUploaded } from '../../../app/events';
import { uploadPattern } from '../../../providers/aws/bucket';
import { findResource, inventoryOf, json, realizeOnAws, resourcesOf } from '../../helpers/pulumi-mocks';
import { promiseOf } from '../../helpers/outputs';

function app(upload = true) {
  const t = topology('u');
  const bus = t.bus('shop');
  t.bucket('media', upload ? { onUpload: { prefix: 'uploads/', emits: ImageUploaded, to: bus } } : {});
  return t.build();
}

describe('aws bucket', () => {
  it('is a private aws.s3.Bucket and nothing else without an upload trigger', async () => {
    await realizeOnAws(app(false));
    expect(inventoryOf(findResource('herald:aws:Bucket', 'media'))).to.deep.equal({
      'aws:s3/bucket:Bucket': 1,
      'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock': 1,
    });
    expect(resourcesOf('aws:s3/bucketV2:BucketV2')).to.have.length(0);
    expect(findResource('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock', 'media-public-access').inputs)
      .to.include({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
  });

  it('adds EventBridge notifications, a default-bus rule, the ingress function and its failure path', async () => {
    await realizeOnAws(app());
    expect(inventoryOf(findResource('herald:aws:Bucket', 'media'))).to.deep.equal({
      'aws:s3/bucket:Bucket': 1,
      'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock': 1,
      'aws:s3/bucketNotification:BucketNotification': 1, // eventbridge: true, the bucket's one notification config
      'aws:cloudwatch/eventRule:EventRule': 1, // on the default bus: S3 events arrive only there
      'aws:cloudwatch/eventTarget:EventTarget': 1,
      'aws:lambda/permission:Permission': 1,
      'aws:cloudwatch/logGroup:LogGroup': 1,
      'aws:iam/role:Role': 1,
      'aws:iam/rolePolicy:RolePolicy': 1,
      'aws:lambda/function:Function': 1, // the upload ingress
      'aws:sqs/queue:Queue': 1, // what it gives up on
      'aws:sqs/queuePolicy:QueuePolicy': 1,
      'aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig': 1,
      'aws:cloudwatch/metricAlarm:MetricAlarm': 1,
    });
    expect(findResource('aws:s3/bucketNotification:BucketNotification', 'media-notification').inputs)
      .to.deep.equal({ bucket: findResource('aws:s3/bucket:Bucket', 'media').id, eventbridge: true });
  });

  it('matches Object Created for this bucket and prefix on the default bus, and invokes the ingress from that rule only', async () => {
    await realizeOnAws(app());
    const bucket = findResource('aws:s3/bucket:Bucket', 'media').outputs.bucket;
    const rule = findResource('aws:cloudwatch/eventRule:EventRule', 'media-upload');
    expect(rule.inputs).not.to.have.property('eventBusName');
    expect(json(rule.inputs.eventPattern)).to.deep.equal({
      source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [bucket] }, object: { key: [{ prefix: 'uploads/' }] } },
    });
    expect(json(rule.inputs.eventPattern)).to.deep.equal(await promiseOf(uploadPattern(bucket, 'uploads/')));
    const ingress = findResource('aws:lambda/function:Function', 'media-upload');
    expect(findResource('aws:cloudwatch/eventTarget:EventTarget', 'media-upload-target').inputs.arn).to.equal(ingress.outputs.arn);
    expect(findResource('aws:lambda/permission:Permission', 'media-upload-invoke').inputs).to.deep.include({ principal: 'events.amazonaws.com', sourceArn: rule.outputs.arn });
    expect(json(ingress.inputs.environment.variables.HERALD_AWS_CONFIG)).to.deep.include({ kind: 'upload', bucket, prefix: 'uploads/', emits: 'ImageUploaded.v1' });
  });

  it('lets the ingress read object metadata only under the prefix', async () => {
    await realizeOnAws(app());
    const read = json(findResource('aws:iam/rolePolicy:RolePolicy', 'media-upload-policy').inputs.policy).Statement.find((s: any) => s.Sid === 'ReadUploads');
    expect(read).to.deep.include({ Action: ['s3:GetObject'], Resource: [`${findResource('aws:s3/bucket:Bucket', 'media').outputs.arn}/uploads/*`] });
  });
});
