/**
 * Backoff for SQS redeliveries. A record reported failed becomes visible again only when the queue's
 * visibility timeout (≥ 6× the function timeout) runs out, whatever the attempt: a fixed, long delay.
 * Setting the message's visibility to the pipeline's backoff (exponential, full jitter) before reporting
 * it failed makes SQS redeliver it after that delay instead.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { MAX_VISIBILITY_TIMEOUT_SECONDS as MAX_VISIBILITY_SECONDS } from '../limits';
import { memo, type Lazy } from '../../../runtime/lazy';
import { sdk } from './sdk';

export { MAX_VISIBILITY_SECONDS };

/** Makes one received message visible again after `delaySeconds`. @throws when SQS refuses it. */
export type VisibilityChanger = (queueUrl: string, receiptHandle: string, delaySeconds: number) => Promise<void>;

/** A changer over SQS ChangeMessageVisibility; the client is created on first use. */
export function visibilityChanger(client?: Lazy<SQSClient>): VisibilityChanger {
  const sqs = memo(client ?? (() => new (sdk.sqs().SQSClient)({})));
  return async (queueUrl, receiptHandle, delaySeconds) => {
    const { ChangeMessageVisibilityCommand } = sdk.sqs();
    await (await sqs()).send(new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, delaySeconds)),
    }));
  };
}

/**
 * The URL of a queue from its ARN (`arn:aws:sqs:<region>:<account>:<name>`), the form event source
 * mappings report; undefined for anything else.
 */
export function queueUrlOf(arn: string): string | undefined {
  const m = /^arn:(aws[a-z-]*):sqs:([a-z0-9-]+):(\d{12}):(.+)$/.exec(arn);
  if (!m) return undefined;
  const domain = m[1] === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${m[2]}.${domain}/${m[3]}/${m[4]}`;
}
