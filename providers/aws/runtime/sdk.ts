/**
 * The AWS SDK v3 clients, loaded on first use with a plain `require`: a cold start pays only for the
 * clients its invocation actually touches (most publish to one bus and load nothing else), and the
 * bundle keeps `@aws-sdk/*` external because the Lambda Node.js runtime ships SDK v3.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export const sdk = {
  eventBridge: (): typeof import('@aws-sdk/client-eventbridge') => require('@aws-sdk/client-eventbridge'),
  sns: (): typeof import('@aws-sdk/client-sns') => require('@aws-sdk/client-sns'),
  sqs: (): typeof import('@aws-sdk/client-sqs') => require('@aws-sdk/client-sqs'),
  kinesis: (): typeof import('@aws-sdk/client-kinesis') => require('@aws-sdk/client-kinesis'),
  dynamodb: (): typeof import('@aws-sdk/client-dynamodb') => require('@aws-sdk/client-dynamodb'),
  s3: (): typeof import('@aws-sdk/client-s3') => require('@aws-sdk/client-s3'),
};
