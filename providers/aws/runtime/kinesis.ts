/**
 * Kinesis batches: `data` is base64 of a Herald envelope, or of the EventBridge event when a bus rule
 * targets the stream. Order is kept per partition key; a failure is answered with its sequence number
 * (`batchItemFailures`), and Lambda resumes the shard from the lowest one reported. Each record's channel
 * is its stream (`eventSourceARN`, through the config's sources); a stream record has no token: it cannot
 * be delayed on its own.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { orderKeyOf } from '../../../runtime/order-key';
import { SAMPLE_ACCOUNT, SAMPLE_REGION, hasRecordsFrom, type RecordBinding } from './binding';
import { unwrapBody } from './wire';

export const kinesis: RecordBinding<KinesisStreamEvent, KinesisStreamBatchResponse> = {
  name: 'kinesis',
  detect: (event: unknown): event is KinesisStreamEvent => hasRecordsFrom(event, 'aws:kinesis'),
  decode: (event, sources = {}) => event.Records.map((r) => {
    const text = Buffer.from(r.kinesis.data, 'base64').toString('utf8');
    const channel = sources[r.eventSourceARN];
    return {
      itemId: r.kinesis.sequenceNumber,
      payload: unwrapBody(text),
      // Lambda does not count stream retries per record; the mapping's maximumRetryAttempts bounds them.
      attempt: 1,
      orderKey: r.kinesis.partitionKey,
      ...(channel !== undefined ? { channel } : {}),
      rawBody: text,
    };
  }),
  encode: (envelopes, options = {}) => {
    const streamArn = options.source ?? `arn:aws:kinesis:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:stream/herald`;
    const region = streamArn.split(':')[3] ?? SAMPLE_REGION;
    return {
      Records: envelopes.map((e, i) => {
        const sequenceNumber = (49590338271490256608559692538361571095921575989136588898n + BigInt(i)).toString();
        return {
          kinesis: {
            // What a publisher keyed by the stream's key would have used (runtime/order-key.ts).
            kinesisSchemaVersion: '1.0', partitionKey: orderKeyOf(e, options.orderKey ?? 'subject').slice(0, 256), sequenceNumber,
            data: Buffer.from(JSON.stringify(e)).toString('base64'), approximateArrivalTimestamp: (Date.parse(e.time) || 0) / 1000,
          },
          eventSource: 'aws:kinesis', eventVersion: '1.0', eventID: `shardId-000000000000:${sequenceNumber}`,
          eventName: 'aws:kinesis:record', invokeIdentityArn: `arn:aws:iam::${SAMPLE_ACCOUNT}:role/herald`,
          awsRegion: region, eventSourceARN: streamArn,
        };
      }),
    };
  },
  respond: (failures) => ({ batchItemFailures: failures.map((f) => ({ itemIdentifier: f.itemId })) }),
};
