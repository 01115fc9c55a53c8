/**
 * SQS batches: bodies that are Herald envelopes, EventBridge events (a bus rule targeting the queue) or SNS
 * notifications (a topic subscription without raw delivery). Partial failures are answered with
 * `batchItemFailures` naming message ids (the event source mapping has `ReportBatchItemFailures`). Each
 * record's channel is its queue (`eventSourceARN`, through the config's sources); its token names the
 * queue and the receipt handle, all the settlement needs to delay its redelivery.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createHash } from 'node:crypto';
import type { Envelope } from '../../../contracts';
import { orderKeyOf } from '../../../runtime/order-key';
import { SAMPLE_ACCOUNT, SAMPLE_REGION, hasRecordsFrom, type RecordBinding } from './binding';
import { unwrapBody } from './wire';

/** The delivery token of an SQS record: its queue's ARN and its receipt handle (neither contains a space). */
export function sqsToken(queueArn: string, receiptHandle: string): string {
  return `${queueArn} ${receiptHandle}`;
}

/** The queue ARN and receipt handle of an SQS record's token; undefined for any other token. */
export function parseSqsToken(token: string | undefined): { queueArn: string; receiptHandle: string } | undefined {
  const space = token?.indexOf(' ') ?? -1;
  if (space < 0 || !token!.startsWith('arn:')) return undefined;
  return { queueArn: token!.slice(0, space), receiptHandle: token!.slice(space + 1) };
}

export const sqs: RecordBinding<SQSEvent, SQSBatchResponse> = {
  name: 'sqs',
  detect: (event: unknown): event is SQSEvent => hasRecordsFrom(event, 'aws:sqs'),
  decode: (event, sources = {}) => event.Records.map((r) => {
    const channel = sources[r.eventSourceARN];
    return {
      itemId: r.messageId,
      payload: unwrapBody(r.body),
      attempt: Math.max(1, Number(r.attributes?.ApproximateReceiveCount) || 1),
      // FIFO queues: order per message group.
      ...(r.attributes?.MessageGroupId ? { orderKey: r.attributes.MessageGroupId } : {}),
      ...(channel !== undefined ? { channel } : {}),
      ...(r.eventSourceARN && r.receiptHandle ? { token: sqsToken(r.eventSourceARN, r.receiptHandle) } : {}),
      rawBody: r.body,
    };
  }),
  encode: (envelopes, options = {}) => {
    const queueArn = options.source ?? `arn:aws:sqs:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:herald`;
    const fifo = queueArn.endsWith('.fifo');
    return {
      Records: envelopes.map((e: Envelope, i) => {
        const body = JSON.stringify(e);
        const sent = String(Date.parse(e.time) || 0);
        return {
          messageId: e.id, receiptHandle: `herald-${e.id}`, body,
          attributes: {
            ApproximateReceiveCount: '1', SentTimestamp: sent, SenderId: 'herald', ApproximateFirstReceiveTimestamp: sent,
            ...(fifo ? { SequenceNumber: String(18849496460467696128n + BigInt(i)), MessageGroupId: orderKeyOf(e, options.orderKey), MessageDeduplicationId: e.id } : {}),
          },
          messageAttributes: {},
          md5OfBody: createHash('md5').update(body).digest('hex'),
          eventSource: 'aws:sqs', eventSourceARN: queueArn, awsRegion: queueArn.split(':')[3] ?? SAMPLE_REGION,
        };
      }),
    };
  },
  respond: (failures) => ({ batchItemFailures: failures.map((f) => ({ itemIdentifier: f.itemId })) }),
};
