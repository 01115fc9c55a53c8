/**
 * Kinesis batches: `data` is base64 of a Herald envelope, or of the EventBridge event when a bus rule
 * targets the stream. Order is kept per partition key; a failure is answered with its sequence number
 * (`batchItemFailures`), and Lambda resumes the shard from the lowest one reported.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { hasRecordsFrom, type RecordBinding } from './binding';
import { unwrapBody } from './wire';

export const kinesis: RecordBinding<KinesisStreamEvent, KinesisStreamBatchResponse> = {
  name: 'kinesis',
  detect: (event: unknown): event is KinesisStreamEvent => hasRecordsFrom(event, 'aws:kinesis'),
  decode: (event) => event.Records.map((r) => {
    const text = Buffer.from(r.kinesis.data, 'base64').toString('utf8');
    return {
      itemId: r.kinesis.sequenceNumber,
      payload: unwrapBody(text),
      // Lambda does not count stream retries per record; the mapping's maximumRetryAttempts bounds them.
      attempt: 1,
      orderKey: r.kinesis.partitionKey,
      sourceArn: r.eventSourceARN,
      rawBody: text,
    };
  }),
  encode: (envelopes) => ({
    Records: envelopes.map((e, i) => {
      const sequenceNumber = (49590338271490256608559692538361571095921575989136588898n + BigInt(i)).toString();
      return {
        kinesis: {
          kinesisSchemaVersion: '1.0', partitionKey: typeof e.subject === 'string' ? e.subject : e.id, sequenceNumber,
          data: Buffer.from(JSON.stringify(e)).toString('base64'), approximateArrivalTimestamp: (Date.parse(e.time) || 0) / 1000,
        },
        eventSource: 'aws:kinesis', eventVersion: '1.0', eventID: `shardId-000000000000:${sequenceNumber}`,
        eventName: 'aws:kinesis:record', invokeIdentityArn: 'arn:aws:iam::000000000000:role/herald',
        awsRegion: 'us-east-1', eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/herald',
      };
    }),
  }),
  respond: (failures) => ({ batchItemFailures: failures.map((f) => ({ itemIdentifier: f.itemId })) }),
};
