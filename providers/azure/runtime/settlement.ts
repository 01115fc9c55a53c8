/**
 * How a Service Bus message that failed comes back, on Azure: complete-and-resend. The trigger binding
 * the extension bundle offers settles nothing itself (the SDK-type binding that would, with dead-letter
 * and deferral, is a preview package), and an abandoned message comes back at once, with no backoff. So:
 * - retry: the entry sends a copy of the message to its entity, scheduled for now + the pipeline's
 *   backoff (`scheduledEnqueueTimeUtc`), carrying the attempts spent so far (`herald_attempts`), and
 *   returns, so the host completes the original. A copy for a topic subscription is sent to the topic
 *   with `herald_subscription` naming the one subscription it is for (every subscription's rule routes
 *   on it: wire.ts `subscriptionRuleSql`). Its message id is the original's with the attempt appended:
 *   duplicate detection drops a second copy should the same delivery be resent twice.
 * - a session (an ordered queue) is never resent: a copy would go behind the later messages of its
 *   session. The entry fails the invocation instead, the host abandons the message, and the session
 *   redelivers it at once, in order (its `deliveryCount` counts the attempts); this is Service Bus's own
 *   retry, without backoff.
 * - dead-letter (bad input, NonRetryableError, attempts spent): the entry writes the message to the
 *   dead-letter container with the reason (dead-letter.ts) and returns; the host completes it. The
 *   entity's own `$DeadLetterQueue` then holds only what the platform gave up on (a host that kept
 *   failing until `maxDeliveryCount`, an expired message), with the broker's reason.
 * Whatever cannot be done (the resend or the blob refused) fails the invocation: the message is
 * abandoned and comes back at once, never lost.
 * @see https://learn.microsoft.com/azure/service-bus-messaging/message-sequencing#scheduled-messages
 * @see https://learn.microsoft.com/azure/azure-functions/functions-bindings-service-bus-trigger#peeklock-behavior
 */
import type { ServiceBusClient, ServiceBusMessage } from '@azure/service-bus';
import type { InboundRecord } from '../../../runtime/binding';
import type { AzureFunctionConfig } from './config';
import { parseServiceBusToken } from './servicebus';
import { RESEND_PROPERTIES } from './wire';

/**
 * Sends `record` back to its entity after `delayMs`, as the copy that follows `attemptsSpent` attempts.
 * @returns the delay set, in ms, or undefined when this record is not resent (not from Service Bus, a session)
 * @throws when Service Bus refuses the copy
 */
export type Resender = (record: InboundRecord, delayMs: number, attemptsSpent: number) => Promise<number | undefined>;

/** The id of the copy resent after `attemptsSpent` attempts: the first delivery's id, `~<attempt>` appended (≤ 128 characters). */
export function resendMessageId(messageId: string, attemptsSpent: number): string {
  const base = messageId.replace(/~\d+$/, '');
  const suffix = `~${attemptsSpent + 1}`;
  return `${base.slice(0, 128 - suffix.length)}${suffix}`;
}

/** A resender over the function's Service Bus entities (its config's `serviceBus`). */
export function serviceBusResender(
  config: Pick<AzureFunctionConfig, 'serviceBus'>,
  client: (namespace: string) => ServiceBusClient,
  now: () => number = Date.now,
): Resender {
  const senders = new Map<string, ReturnType<ServiceBusClient['createSender']>>();
  return async (record, delayMs, attemptsSpent) => {
    const token = parseServiceBusToken(record.token);
    const entity = record.channel !== undefined ? config.serviceBus?.entities[record.channel] : undefined;
    if (!token || !entity || token.sessionId !== undefined) return undefined;
    const name = 'queue' in entity ? entity.queue : entity.topic;
    let sender = senders.get(name);
    if (!sender) senders.set(name, (sender = client(config.serviceBus!.namespace).createSender(name)));
    const delay = Math.max(0, Math.ceil(delayMs));
    const copy: ServiceBusMessage = {
      body: Buffer.from(record.rawBody),
      messageId: resendMessageId(token.messageId, attemptsSpent),
      ...(token.contentType ? { contentType: token.contentType } : {}),
      applicationProperties: {
        ...(token.properties as ServiceBusMessage['applicationProperties']),
        [RESEND_PROPERTIES.attempts]: attemptsSpent,
        ...('subscription' in entity ? { [RESEND_PROPERTIES.subscription]: entity.subscription } : {}),
      },
    };
    await sender.scheduleMessages(copy, new Date(now() + delay));
    return delay;
  };
}
