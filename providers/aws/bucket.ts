/**
 * bucket → a private S3 bucket (`aws.s3.Bucket`; `BucketV2` is deprecated in @pulumi/aws v7) and, with an
 * upload trigger: EventBridge notifications on the bucket, a rule on the default bus (where AWS service
 * events arrive) for "Object Created" under the prefix, and an ingress function that maps each object to
 * the declared event and publishes it. EventBridge rather than `BucketNotification` targets: a bucket has
 * one notification configuration, and this keeps it to one switch.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html
 */
import * as pulumi from '@pulumi/pulumi';
import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as lambda from '@pulumi/aws/lambda';
import * as s3 from '@pulumi/aws/s3';
import type * as sqs from '@pulumi/aws/sqs';
import type { BucketSpec } from '../../contracts';
import type { LambdaParts } from './function';
import { asyncFailures, createIngress, type IngressArgs } from './ingress';
import { uploadTriggerConfig } from './function-config';
import { privateBucket } from './stores';
import { eventRule, functionTarget, queuePolicy } from './targets';
import type { Tags } from './tags';

/** The default-bus pattern of an upload trigger. */
export function uploadPattern(bucketName: pulumi.Input<string>, prefix: string): pulumi.Output<Record<string, unknown>> {
  return pulumi.output(bucketName).apply((name): Record<string, unknown> => ({
    source: ['aws.s3'],
    'detail-type': ['Object Created'],
    detail: { bucket: { name: [name] }, object: { key: [{ prefix }] } },
  }));
}

export interface AwsBucketArgs {
  readonly spec: BucketSpec;
  readonly tags: Tags;
  /** The ingress settings of the upload trigger; absent without `onUpload`. */
  readonly ingress?: Omit<IngressArgs, 'kind' | 'config' | 'grants'>;
}

/** `herald:aws:Bucket`: a bucket and its upload trigger. */
export class AwsBucket extends pulumi.ComponentResource {
  readonly bucket: s3.Bucket;
  readonly publicAccessBlock: s3.BucketPublicAccessBlock;
  readonly notification?: s3.BucketNotification;
  readonly ingress?: LambdaParts;
  readonly failureQueue?: sqs.Queue;
  readonly invokeConfig?: lambda.FunctionEventInvokeConfig;
  readonly rule?: cloudwatch.EventRule;
  readonly target?: cloudwatch.EventTarget;
  readonly permission?: lambda.Permission;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AwsBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:aws:Bucket', name, {}, opts);
    const { spec } = args;
    ({ bucket: this.bucket, publicAccessBlock: this.publicAccessBlock } = privateBucket(name, args.tags, this, spec.overrides?.aws));
    const upload = spec.onUpload;
    if (upload && args.ingress) {
      const failures = asyncFailures(`${name}-upload`, args.tags, this);
      this.failureQueue = failures.queue;
      this.ingress = createIngress(`${name}-upload`, {
        ...args.ingress,
        kind: 'upload',
        config: uploadTriggerConfig(upload, this.bucket.bucket),
        grants: [
          // The object's content type needs a HeadObject, which is authorised as GetObject, under the prefix only.
          { sid: 'ReadUploads', actions: ['s3:GetObject'], resources: [pulumi.interpolate`${this.bucket.arn}/${upload.prefix}*`] },
          failures.grant,
        ],
      }, this);
      this.invokeConfig = failures.attach(this.ingress.function);
      this.notification = new s3.BucketNotification(`${name}-notification`, { bucket: this.bucket.id, eventbridge: true }, { parent: this });
      this.rule = eventRule(`${name}-upload`, {
        pattern: uploadPattern(this.bucket.bucket, upload.prefix),
        description: `Herald upload trigger ${spec.name} (${upload.prefix}*) → ${upload.emits}`,
        tags: args.tags,
      }, this);
      ({ target: this.target, permission: this.permission } = functionTarget(`${name}-upload`, {
        rule: this.rule, fn: this.ingress.function, deadLetterArn: this.failureQueue.arn,
      }, this));
      queuePolicy(`${name}-upload-failures`, this.failureQueue, [{ service: 'events.amazonaws.com', sourceArn: this.rule.arn }], this);
    }
    this.outputs = { name: this.bucket.bucket, arn: this.bucket.arn };
    this.registerOutputs(this.outputs);
  }
}
