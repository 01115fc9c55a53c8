/**
 * Sends a record straight to a dead-letter queue, body unchanged, with why: bad input and
 * NonRetryableError go there at once instead of being redelivered until `maxReceiveCount`.
 * The reason travels as message attributes, which `herald dlq` and the SQS console show.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { InboundRecord } from './binding';
import { memo, type Lazy } from '../../../runtime/lazy';
import { sdk } from './sdk';

/**
 * Sends one record to a dead-letter queue; `source` (the ARN it came from) is attached when known.
 * @throws when SQS refuses it.
 */
export type DeadLetterSender = (queueUrl: string, record: InboundRecord, reason: string, functionName: string, source?: string) => Promise<void>;

/** Message attribute names on a dead letter. */
export const DEAD_LETTER_ATTRIBUTES = { reason: 'herald_reason', function: 'herald_function', source: 'herald_source' } as const;

/** A sender over SQS SendMessage; the client is created on first use. */
export function deadLetterSender(client?: Lazy<SQSClient>): DeadLetterSender {
  const sqs = memo(client ?? (() => new (sdk.sqs().SQSClient)({})));
  return async (queueUrl, record, reason, functionName, source) => {
    const { SendMessageCommand } = sdk.sqs();
    const attribute = (value: string) => ({ DataType: 'String', StringValue: value.slice(0, 4096) || '-' });
    await (await sqs()).send(new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: record.rawBody,
      MessageAttributes: {
        [DEAD_LETTER_ATTRIBUTES.reason]: attribute(reason),
        [DEAD_LETTER_ATTRIBUTES.function]: attribute(functionName),
        ...(source ? { [DEAD_LETTER_ATTRIBUTES.source]: attribute(source) } : {}),
      },
      // A FIFO dead-letter queue needs a group: keep the record's, so its order survives.
      ...(queueUrl.endsWith('.fifo') ? { MessageGroupId: record.orderKey ?? 'dead-letters', MessageDeduplicationId: record.itemId.slice(0, 128) } : {}),
    }));
  };
}
