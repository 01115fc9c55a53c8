/**
 * The settlement port (runtime/settlement.ts) on AWS:
 * - retry after the backoff: ChangeMessageVisibility on the record's SQS message (its token names the queue
 *   and the receipt handle), so SQS redelivers it after that delay rather than after the whole visibility
 *   timeout; a stream record cannot be delayed on its own (Lambda retries the shard in order);
 * - dead-letter now: SendMessage to the dead-letter queue of the record's channel (the config's
 *   `deadLetterQueues`), body unchanged, with the reason as message attributes.
 */
import type { Settlement } from '../../../runtime/settlement';
import type { AwsFunctionConfig } from './config';
import type { DeadLetterSender } from './dead-letter';
import { parseSqsToken } from './sqs';
import { MAX_VISIBILITY_SECONDS, queueUrlOf, type VisibilityChanger } from './visibility';

export interface AwsSettlementDeps {
  readonly visibility: VisibilityChanger;
  readonly deadLetter: DeadLetterSender;
}

/** The settlement of a function's records, as its config describes its sources. */
export function awsSettlement(config: Pick<AwsFunctionConfig, 'name' | 'sources' | 'deadLetterQueues'>, deps: AwsSettlementDeps): Settlement {
  // Source key → the ARN Lambda reports for it: a dead letter names where it came from.
  const arnOf = new Map(Object.entries(config.sources).map(([arn, key]) => [key, arn]));
  return {
    async retryAfter(record, delayMs) {
      const message = parseSqsToken(record.token);
      const queueUrl = message && queueUrlOf(message.queueArn);
      if (!message || !queueUrl) return undefined;
      // Visibility is whole seconds, at most 12 hours.
      const seconds = Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(delayMs / 1000)));
      await deps.visibility(queueUrl, message.receiptHandle, seconds);
      return seconds * 1000;
    },
    async deadLetter(record, reason) {
      const queueUrl = record.channel !== undefined ? config.deadLetterQueues[record.channel] : undefined;
      if (!queueUrl) return undefined;
      await deps.deadLetter(queueUrl, record, reason, config.name, record.channel !== undefined ? arnOf.get(record.channel) : undefined);
      return queueUrl;
    },
  };
}
