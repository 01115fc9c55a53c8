/**
 * Pub/Sub push deliveries (a wrapped push subscription, as Herald deploys them): one message per HTTP
 * request, the body `{message: {data (base64), attributes, messageId, publishTime, orderingKey},
 * subscription, deliveryAttempt}`. The service also writes `message_id` and `publish_time`, and leaves out
 * `data` when a message has none and `attributes` when it has none; both spellings are read. A 2xx answer
 * acknowledges the message; anything else (or no answer within the ack deadline) makes the subscription
 * redeliver it after its retry policy's backoff.
 * `deliveryAttempt` is set only on a subscription with a dead-letter policy (every subscription Herald
 * deploys has one); without it the count is unknown here, so every delivery reads as attempt 1: the
 * function's idempotency store then counts attempts itself, and without one the message is retried until
 * the subscription's retention drops it.
 * @see https://cloud.google.com/pubsub/docs/push#receive_push
 * @see https://cloud.google.com/pubsub/docs/handling-failures#track-delivery-attempts
 */
import { randomUUID } from 'node:crypto';
import type { Envelope } from '../../../contracts';
import type { InboundRecord } from '../../../runtime/binding';
import { orderKeyOf } from '../../../runtime/order-key';
import { envelopeOfMessage, messageOf } from './wire';

/** A Pub/Sub message in a push body (`google.pubsub.v1.PubsubMessage` in its JSON form). */
export interface PushMessage {
  /** Base64. */
  readonly data?: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly messageId?: string;
  readonly message_id?: string;
  /** RFC 3339. */
  readonly publishTime?: string;
  readonly publish_time?: string;
  readonly orderingKey?: string;
}

/** The body of a push request. */
export interface PushBody {
  readonly message: PushMessage;
  /** `projects/<p>/subscriptions/<s>`. */
  readonly subscription: string;
  /** 1 on the first delivery; present only with a dead-letter policy. */
  readonly deliveryAttempt?: number;
}

/** A push delivery read: the record the pipeline runs, or why its message cannot be read. */
export interface PushDelivery {
  readonly subscription: string;
  readonly messageId: string;
  /** Epoch ms the message was published, when the body says. */
  readonly publishedAt?: number;
  readonly message: PushMessage;
  readonly record: InboundRecord;
  /** Set when the message is not a CloudEvent this binding can read: it goes to the dead-letter topic. */
  readonly unreadable?: string;
}

/** Whether `body` is a push body (a message with an id, and the subscription it came through). */
export function isPushBody(body: unknown): body is PushBody {
  const b = body as Partial<PushBody> | null;
  return typeof b === 'object' && b !== null && typeof b.subscription === 'string'
    && typeof b.message === 'object' && b.message !== null
    && (typeof b.message.messageId === 'string' || typeof b.message.message_id === 'string');
}

/**
 * The push body of a request: the body itself, or the data of a `google.cloud.pubsub.topic.v1.messagePublished`
 * CloudEvent in structured mode (`MessagePublishedData`, the same shape: Eventarc's form of a push; in
 * binary mode the body already is that data). Undefined for anything else.
 * @see https://github.com/googleapis/google-cloudevents/blob/main/proto/google/events/cloud/pubsub/v1/data.proto
 */
export function pushBodyOf(body: unknown): PushBody | undefined {
  if (isPushBody(body)) return body;
  const event = body as { specversion?: unknown; data?: unknown } | null;
  if (typeof event === 'object' && event !== null && typeof event.specversion === 'string' && isPushBody(event.data)) return event.data;
  return undefined;
}

/**
 * The delivery of a push body.
 * @param channels push subscription full name → the plan's subscription (the record's channel); a
 *   subscription not listed leaves the channel undefined (the pipeline then picks by type and residual)
 */
export function decodePush(body: PushBody, channels: Readonly<Record<string, string>> = {}): PushDelivery {
  const { message } = body;
  const messageId = message.messageId ?? message.message_id!;
  const published = Date.parse(message.publishTime ?? message.publish_time ?? '');
  const data = Buffer.from(message.data ?? '', 'base64');
  const channel = channels[body.subscription];
  const common = {
    itemId: messageId,
    attempt: Math.max(1, Math.floor(Number(body.deliveryAttempt)) || 1),
    ...(message.orderingKey ? { orderKey: message.orderingKey } : {}),
    ...(channel !== undefined ? { channel } : {}),
    rawBody: JSON.stringify(message),
  };
  const delivery = {
    subscription: body.subscription, messageId, message, ...(Number.isFinite(published) ? { publishedAt: published } : {}),
  };
  try {
    const read = envelopeOfMessage(data, message.attributes ?? {});
    return { ...delivery, record: { ...common, payload: read.mode === 'binary' ? read.envelope : read.text } };
  } catch (error) {
    return { ...delivery, record: { ...common, payload: data.toString('utf8') }, unreadable: `EnvelopeDecodeError: the message data is not JSON: ${(error as Error).message}` };
  }
}

export interface PushEncodeOptions {
  /** @default `projects/herald-offline/subscriptions/herald` */
  readonly subscription?: string;
  /** The ordering key path (runtime/order-key.ts) the message's `orderingKey` is read from. @default none */
  readonly orderKey?: string;
  /** @default 1 */
  readonly deliveryAttempt?: number;
  /** @default a random id */
  readonly messageId?: string;
}

/** The push body Pub/Sub sends for a message Herald published (binary mode), for tests and `herald invoke` samples. */
export function encodePush(envelope: Envelope, options: PushEncodeOptions = {}): PushBody {
  const { data, attributes } = messageOf(envelope);
  const messageId = options.messageId ?? String(BigInt(`0x${randomUUID().replace(/-/g, '').slice(0, 13)}`));
  const publishTime = new Date().toISOString();
  return {
    message: {
      ...(data.length ? { data: data.toString('base64') } : {}),
      attributes, messageId, message_id: messageId, publishTime, publish_time: publishTime,
      ...(options.orderKey ? { orderingKey: orderKeyOf(envelope, options.orderKey) } : {}),
    },
    subscription: options.subscription ?? 'projects/herald-offline/subscriptions/herald',
    deliveryAttempt: options.deliveryAttempt ?? 1,
  };
}
