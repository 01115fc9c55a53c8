/**
 * SQS batches: bodies that are Herald envelopes, EventBridge events (a bus rule targeting the queue) or SNS
 * notifications (a topic subscription without raw delivery). Partial failures are answered with
 * `batchItemFailures` naming message ids (the event source mapping has `ReportBatchItemFailures`).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createHash } from 'node:crypto';
import type { Envelope } from '../../../contracts';
import { hasRecordsFrom, type RecordBinding } from './binding';
import { unwrapBody } from './wire';

export const sqs: RecordBinding<SQSEvent, SQSBatchResponse> = {
  name: 'sqs',
  detect: (event: unknown): event is SQSEvent => hasRecordsFrom(event, 'aws:sqs'),
  decode: (event) => event.Records.map((r) => ({
    itemId: r.messageId,
    payload: unwrapBody(r.body),
    attempt: Math.max(1, Number(r.attributes?.ApproximateReceiveCount) || 1),
    // FIFO queues: order per message group.
    ...(r.attributes?.MessageGroupId ? { orderKey: r.attributes.MessageGroupId } : {}),
    sourceArn: r.eventSourceARN,
    receiptHandle: r.receiptHandle,
    rawBody: r.body,
  })),
  encode: (envelopes) => ({
    Records: envelopes.map((e: Envelope) => {
      const body = JSON.stringify(e);
      return {
        messageId: e.id, receiptHandle: `herald-${e.id}`, body,
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.parse(e.time) || 0), SenderId: 'herald', ApproximateFirstReceiveTimestamp: String(Date.parse(e.time) || 0) },
        messageAttributes: {},
        md5OfBody: createHash('md5').update(body).digest('hex'),
        eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:herald', awsRegion: 'us-east-1',
      };
    }),
  }),
  respond: (failures) => ({ batchItemFailures: failures.map((f) => ({ itemIdentifier: f.itemId })) }),
};
