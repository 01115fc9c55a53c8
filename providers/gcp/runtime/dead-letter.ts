/**
 * Publishes a message straight to its subscription's dead-letter topic, data and attributes unchanged,
 * with why: bad input and NonRetryableError go there at once (and the push is then acknowledged) instead
 * of being redelivered until the subscription's `maxDeliveryAttempts`. The reason travels as attributes,
 * beside the ones Pub/Sub itself adds to what it dead-letters (`CloudPubSubDeadLetterSource*`). The
 * ordering key is not kept: a dead-letter topic is read by a plain pull subscription.
 * @see https://cloud.google.com/pubsub/docs/handling-failures
 */
import type { PubSub } from '@google-cloud/pubsub';
import type { Logger } from '../../../contracts';
import { memo, type Lazy } from '../../../runtime/lazy';
import type { PushMessage } from './push';

/** Attribute names on a dead letter Herald publishes. */
export const DEAD_LETTER_ATTRIBUTES = { reason: 'herald_reason', function: 'herald_function', source: 'herald_source' } as const;

/** Pub/Sub attribute values are at most 1024 bytes. @see https://cloud.google.com/pubsub/quotas#resource_limits */
export const MAX_ATTRIBUTE_VALUE_BYTES = 1024;

/** Publishes one message to a dead-letter topic. @throws when Pub/Sub refuses it */
export type DeadLetterSender = (topic: string, message: PushMessage, why: { readonly reason: string; readonly functionName: string; readonly source?: string }) => Promise<void>;

/** `value` cut to at most `max` UTF-8 bytes, never inside a character. */
export function truncateBytes(value: string, max = MAX_ATTRIBUTE_VALUE_BYTES): string {
  if (Buffer.byteLength(value) <= max) return value;
  let cut = Buffer.from(value).subarray(0, max).toString('utf8');
  // A character cut in two decodes as U+FFFD (3 bytes): drop it, and anything still over.
  while (Buffer.byteLength(cut) > max || cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return cut;
}

/** A sender over the Pub/Sub client (created on first use). */
export function deadLetterSender(client: Lazy<PubSub>): DeadLetterSender {
  const pubsub = memo(client);
  return async (topic, message, why) => {
    const attribute = (value: string) => truncateBytes(value) || '-';
    await (await pubsub()).topic(topic).publishMessage({
      data: Buffer.from(message.data ?? '', 'base64'),
      attributes: {
        ...message.attributes,
        [DEAD_LETTER_ATTRIBUTES.reason]: attribute(why.reason),
        [DEAD_LETTER_ATTRIBUTES.function]: attribute(why.functionName),
        ...(why.source ? { [DEAD_LETTER_ATTRIBUTES.source]: attribute(why.source) } : {}),
      },
    });
  };
}

/** How a push is answered once its message was, or could not be, dead-lettered. */
export interface DeadLetterAnswer {
  readonly status: 204 | 500;
  readonly outcome: 'dead-letter' | 'retry';
  readonly reason: string;
}

/**
 * Dead-letters a pushed message (`what`: a delivery, or an ingress's input) and answers Pub/Sub: 204 (the
 * push acknowledged) once the dead letter is published; 500 (pushed again) when no dead-letter topic is
 * configured here, which leaves it to the subscription's own dead-letter policy, or when publishing it
 * failed. Either way nothing is lost. The one rule for the function entry and the ingresses.
 */
export async function deadLetterOrRedeliver(
  send: DeadLetterSender, logger: Logger, topic: string | undefined, message: PushMessage,
  why: Parameters<DeadLetterSender>[2], what: 'delivery' | 'input', fields: Record<string, unknown>,
): Promise<DeadLetterAnswer> {
  const { reason } = why;
  if (!topic) {
    logger.error(`${what} failed for good, and there is no dead-letter topic here; left to Pub/Sub`, fields);
    return { status: 500, outcome: 'retry', reason };
  }
  try {
    await send(topic, message, why);
  } catch (error) {
    logger.error(`could not dead-letter the ${what}; Pub/Sub delivers it again`, { ...fields, error: (error as Error).message });
    return { status: 500, outcome: 'retry', reason };
  }
  logger.warn(`${what} dead-lettered`, { ...fields, deadLetter: topic });
  return { status: 204, outcome: 'dead-letter', reason };
}
