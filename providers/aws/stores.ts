/**
 * The shared stores, one per topology: a DynamoDB table the runtime claims event ids in (deduplication
 * of at-least-once deliveries; items expire through DynamoDB TTL) and an S3 bucket for the claim check
 * (event data over the 256 KB limit travels as `dataref`). Both private; the claim-check objects expire
 * after the longest time an event can wait in a dead-letter queue, so a redriven event still finds its data.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html
 */
import * as pulumi from '@pulumi/pulumi';
import * as dynamodb from '@pulumi/aws/dynamodb';
import * as s3 from '@pulumi/aws/s3';
import { resourceName } from './names';
import { SQS_LIMITS } from './queue';
import type { Tags } from './tags';

/** The idempotency table's key and TTL attribute, shared with the runtime's DynamoDB store. */
export const IDEMPOTENCY_TABLE = { partitionKey: 'id', ttlAttribute: 'expiresAt' } as const;

/** Claim-check objects outlive the longest dead-letter retention by a day. */
export const CLAIM_CHECK_RETENTION_DAYS = SQS_LIMITS.maxRetentionSeconds / 86_400 + 1;

/** A private bucket: every public-access switch on. */
export function privateBucket(name: string, tags: Tags, parent: pulumi.Resource, overrides?: Readonly<Record<string, unknown>>): { bucket: s3.Bucket; publicAccessBlock: s3.BucketPublicAccessBlock } {
  const bucket = new s3.Bucket(resourceName('s3Bucket', name), { tags, ...overrides }, { parent });
  const publicAccessBlock = new s3.BucketPublicAccessBlock(`${name}-public-access`, {
    bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
  }, { parent });
  return { bucket, publicAccessBlock };
}

export interface AwsStoresArgs {
  readonly tags: Tags;
}

/** `herald:aws:Stores`: the idempotency table and the claim-check bucket. */
export class AwsStores extends pulumi.ComponentResource {
  readonly idempotencyTable: dynamodb.Table;
  readonly claimCheckBucket: s3.Bucket;
  readonly claimCheckPublicAccessBlock: s3.BucketPublicAccessBlock;
  readonly claimCheckLifecycle: s3.BucketLifecycleConfiguration;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AwsStoresArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:aws:Stores', name, {}, opts);
    this.idempotencyTable = new dynamodb.Table(resourceName('dynamodbTable', `${name}-idempotency`), {
      billingMode: 'PAY_PER_REQUEST',
      hashKey: IDEMPOTENCY_TABLE.partitionKey,
      attributes: [{ name: IDEMPOTENCY_TABLE.partitionKey, type: 'S' }],
      ttl: { attributeName: IDEMPOTENCY_TABLE.ttlAttribute, enabled: true },
      tags: args.tags,
    }, { parent: this });
    const claim = privateBucket(`${name}-claim-check`, args.tags, this);
    this.claimCheckBucket = claim.bucket;
    this.claimCheckPublicAccessBlock = claim.publicAccessBlock;
    this.claimCheckLifecycle = new s3.BucketLifecycleConfiguration(`${name}-claim-check-expiry`, {
      bucket: this.claimCheckBucket.id,
      rules: [{ id: 'expire-claim-checks', status: 'Enabled', filter: {}, expiration: { days: CLAIM_CHECK_RETENTION_DAYS } }],
    }, { parent: this });
    this.outputs = { idempotencyTable: this.idempotencyTable.name, claimCheckBucket: this.claimCheckBucket.bucket };
    this.registerOutputs(this.outputs);
  }
}
