/**
 * stream → a Kinesis data stream in on-demand mode (no shard planning) and the SQS queue its consumers'
 * event source mappings send failed batches to. The mappings themselves, with their safety settings
 * (bounded retries and record age, bisect on error, partial batch failure), are the subscription's: one
 * poison record must never block its shard until the record expires.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 */
import * as pulumi from '@pulumi/pulumi';
import * as kinesis from '@pulumi/aws/kinesis';
import type * as sqs from '@pulumi/aws/sqs';
import { toSeconds, UnsupportedFeatureError, type StreamSpec } from '../../contracts';
import { resourceName } from './names';
import { deadLetterQueue } from './queue';
import type { Tags } from './tags';

/**
 * Kinesis retention bounds, in hours.
 * @see https://docs.aws.amazon.com/kinesis/latest/APIReference/API_IncreaseStreamRetentionPeriod.html
 */
export const KINESIS_RETENTION_HOURS = { min: 24, max: 8_760 } as const;

/** The partition key path EventBridge reads from a rule's event: the envelope travels in `detail`. */
export function partitionKeyPath(key: string): string {
  return `$.detail.${key}`;
}

export interface AwsStreamArgs {
  readonly spec: StreamSpec;
  readonly tags: Tags;
}

/** `herald:aws:Stream`: a Kinesis stream and its failure queue. */
export class AwsStream extends pulumi.ComponentResource {
  readonly stream: kinesis.Stream;
  /** Where consumers' mappings send what they gave up on (batch metadata, to replay from the stream). */
  readonly failureQueue: sqs.Queue;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  /** @throws UnsupportedFeatureError when the retention is outside what Kinesis keeps. */
  constructor(name: string, args: AwsStreamArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:aws:Stream', name, {}, opts);
    const { spec } = args;
    const hours = Math.ceil(toSeconds(spec.retention) / 3_600);
    if (hours > KINESIS_RETENTION_HOURS.max) {
      throw new UnsupportedFeatureError('aws', 'stream', 'retention', `[streams[${spec.name}].retention] ${spec.retention} is over Kinesis's 365 days`);
    }
    this.stream = new kinesis.Stream(resourceName('kinesisStream', name), {
      streamModeDetails: { streamMode: 'ON_DEMAND' },
      retentionPeriod: Math.max(KINESIS_RETENTION_HOURS.min, hours),
      encryptionType: 'KMS',
      kmsKeyId: 'alias/aws/kinesis',
      tags: args.tags,
      ...spec.overrides?.aws,
    }, { parent: this });
    this.failureQueue = deadLetterQueue(`${name}-failures`, args.tags, this);
    this.outputs = { name: this.stream.name, arn: this.stream.arn, failureQueueUrl: this.failureQueue.url };
    this.registerOutputs(this.outputs);
  }
}
