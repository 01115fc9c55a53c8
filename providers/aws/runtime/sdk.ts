/**
 * The AWS SDK v3 clients, loaded on first use with a plain `require`: a cold start pays only for the
 * clients its invocation actually touches (most publish to one bus and load nothing else), and the
 * bundle keeps `@aws-sdk/*` external because the Lambda Node.js runtime ships SDK v3.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Lazy } from '../../../runtime/lazy';

/**
 * Clients a function's entry may use, injectable (tests, `herald invoke`'s recording fakes); each one not
 * given is created on first use with the default configuration.
 */
export interface AwsClients {
  readonly eventBridge?: Lazy<EventBridgeClient>;
  readonly sns?: Lazy<SNSClient>;
  readonly sqs?: Lazy<SQSClient>;
  readonly kinesis?: Lazy<KinesisClient>;
  readonly dynamodb?: Lazy<DynamoDBClient>;
  readonly s3?: Lazy<S3Client>;
}

/* eslint-disable @typescript-eslint/no-require-imports */
export const sdk = {
  eventBridge: (): typeof import('@aws-sdk/client-eventbridge') => require('@aws-sdk/client-eventbridge'),
  sns: (): typeof import('@aws-sdk/client-sns') => require('@aws-sdk/client-sns'),
  sqs: (): typeof import('@aws-sdk/client-sqs') => require('@aws-sdk/client-sqs'),
  kinesis: (): typeof import('@aws-sdk/client-kinesis') => require('@aws-sdk/client-kinesis'),
  dynamodb: (): typeof import('@aws-sdk/client-dynamodb') => require('@aws-sdk/client-dynamodb'),
  s3: (): typeof import('@aws-sdk/client-s3') => require('@aws-sdk/client-s3'),
};
