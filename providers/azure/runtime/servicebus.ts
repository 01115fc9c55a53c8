/**
 * Service Bus messages (queue or topic subscription, `cardinality: 'one'`) as the Node.js library hands
 * them to a handler: the body (parsed when it is JSON) and the message's trigger metadata (`messageId`,
 * `deliveryCount`, `sessionId`, `applicationProperties`, …). The body is the CloudEvent, whether Event Grid
 * forwarded it into a queue or a Herald publisher sent it to a topic (providers/azure/runtime/wire.ts).
 *
 * Attempts are counted by one rule: the attempts spent before this copy (`herald_attempts`, written when
 * the entry resends a failed event, see runtime/settlement.ts) plus this copy's own `deliveryCount` (the
 * broker's count of its deliveries, which a resend restarts at 1).
 * @see https://learn.microsoft.com/azure/azure-functions/functions-bindings-service-bus-trigger#message-metadata
 */
import type { Envelope } from '../../../contracts';
import { CLOUDEVENTS_JSON } from '../../../contracts/envelope';
import { orderKeyOf } from '../../../runtime/order-key';
import { payloadOf, stringOf, textOf, type AzureBinding, type AzureDelivery } from './binding';
import { promotedProperties, RESEND_PROPERTIES } from './wire';

/** What the settlement needs of a message to resend it: carried as the record's token (JSON). */
export interface ServiceBusToken {
  readonly messageId: string;
  readonly sessionId?: string;
  readonly contentType?: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** The token of a Service Bus record; undefined for any other token. */
export function parseServiceBusToken(token: string | undefined): ServiceBusToken | undefined {
  if (!token?.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(token) as Partial<ServiceBusToken>;
    return typeof value.messageId === 'string' && typeof value.properties === 'object' ? (value as ServiceBusToken) : undefined;
  } catch {
    return undefined;
  }
}

/** A message's application properties (`userProperties` is the older extension's name for them). */
export function applicationPropertiesOf(metadata: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  const value = metadata?.applicationProperties ?? metadata?.userProperties;
  return typeof value === 'object' && value !== null ? { ...(value as Record<string, unknown>) } : {};
}

/** The attempt a delivery of a message is, by the one rule above. */
export function serviceBusAttempt(metadata: Readonly<Record<string, unknown>> | undefined): number {
  const before = Number(applicationPropertiesOf(metadata)[RESEND_PROPERTIES.attempts]);
  const count = Number(metadata?.deliveryCount);
  return (Number.isInteger(before) && before > 0 ? before : 0) + (Number.isInteger(count) && count > 0 ? count : 1);
}

export interface ServiceBusEncodeOptions {
  /** The ordering key (an attribute or `data.<path>`): the session id of a session-enabled entity. @default none */
  readonly orderKey?: string;
  /** Attempts spent before this copy (a resent copy). @default none */
  readonly attemptsBefore?: number;
  /** @default 1 */
  readonly deliveryCount?: number;
  /** Application properties: the promoted attributes of a topic message. @default none (what Event Grid forwards) */
  readonly promote?: boolean;
}

export const serviceBus: AzureBinding<unknown, ServiceBusEncodeOptions> = {
  name: 'serviceBus',
  decode: ({ input, triggerMetadata }, sourceKey) => {
    const messageId = stringOf(triggerMetadata?.messageId) ?? 'unknown';
    const sessionId = stringOf(triggerMetadata?.sessionId);
    const contentType = stringOf(triggerMetadata?.contentType);
    const token: ServiceBusToken = {
      messageId, properties: applicationPropertiesOf(triggerMetadata),
      ...(sessionId ? { sessionId } : {}), ...(contentType ? { contentType } : {}),
    };
    return [{
      itemId: messageId,
      payload: payloadOf(input),
      attempt: serviceBusAttempt(triggerMetadata),
      // A session is the order key: its messages come one at a time, in order.
      ...(sessionId ? { orderKey: sessionId } : {}),
      ...(sourceKey !== undefined ? { channel: sourceKey } : {}),
      token: JSON.stringify(token),
      rawBody: textOf(input),
    }];
  },
  /** One message, as the trigger's metadata shows it (the shape of the Functions Node.js library's own tests). */
  encode: (envelopes, options = {}) => {
    const e = envelopes[0] as Envelope;
    const enqueued = Date.parse(e.time) || 0;
    const properties = {
      ...(options.promote ? promotedProperties(e) : {}),
      ...(options.attemptsBefore ? { [RESEND_PROPERTIES.attempts]: options.attemptsBefore } : {}),
    };
    const delivery: AzureDelivery = {
      input: JSON.parse(JSON.stringify(e)) as unknown,
      triggerMetadata: {
        messageId: e.id,
        deliveryCount: options.deliveryCount ?? 1,
        ...(options.orderKey !== undefined ? { sessionId: orderKeyOf(e, options.orderKey) } : {}),
        contentType: CLOUDEVENTS_JSON,
        lockToken: '00000000-0000-0000-0000-000000000000',
        enqueuedTimeUtc: new Date(enqueued).toISOString(),
        expiresAtUtc: new Date(enqueued + 14 * 86_400_000).toISOString(),
        sequenceNumber: 17,
        applicationProperties: properties,
        userProperties: properties,
      },
    };
    return delivery;
  },
};
