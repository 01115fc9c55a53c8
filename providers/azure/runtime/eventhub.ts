/**
 * Event Hubs batches (`cardinality: 'many'`) as the Node.js library hands them to a handler: an array of
 * bodies (each the CloudEvent, parsed when it is JSON) and per-event arrays in the trigger metadata
 * (`partitionKeyArray`, `sequenceNumberArray`, `offsetArray`, `enqueuedTimeUtcArray`, `propertiesArray`),
 * with the batch's `partitionContext`. The partition key is the stream's key: records with one key are
 * handled in order (runtime/batch.ts). The trigger checkpoints whatever the function does, so the entry
 * retries a record in place and dead-letters it itself (runtime/entry.ts).
 * @see https://learn.microsoft.com/azure/azure-functions/functions-bindings-event-hubs-trigger#event-metadata
 */
import type { Envelope } from '../../../contracts';
import { orderKeyOf } from '../../../runtime/order-key';
import { payloadOf, stringOf, textOf, type AzureBinding } from './binding';

export interface EventHubEncodeOptions {
  /** The stream's key (an attribute or `data.<path>`), the partition key. @default none */
  readonly orderKey?: string;
  /** @default 'herald' */
  readonly hub?: string;
  /** @default '$Default' */
  readonly consumerGroup?: string;
}

const at = (metadata: Readonly<Record<string, unknown>> | undefined, name: string, i: number): unknown => {
  const list = metadata?.[name];
  return Array.isArray(list) ? list[i] : undefined;
};

export const eventHub: AzureBinding<unknown, EventHubEncodeOptions> = {
  name: 'eventHub',
  decode: ({ input, triggerMetadata }, sourceKey) => {
    const bodies = Array.isArray(input) ? input : [input];
    const partition = stringOf((triggerMetadata?.partitionContext as { partitionId?: unknown } | undefined)?.partitionId) ?? '0';
    return bodies.map((body, i) => {
      const sequence = at(triggerMetadata, 'sequenceNumberArray', i);
      const key = stringOf(at(triggerMetadata, 'partitionKeyArray', i));
      return {
        itemId: `${partition}:${sequence ?? i}`,
        payload: payloadOf(body),
        attempt: 1,
        ...(key ? { orderKey: key } : {}),
        ...(sourceKey !== undefined ? { channel: sourceKey } : {}),
        rawBody: textOf(body),
      };
    });
  },
  /** A batch from one partition, as the trigger's metadata shows it. */
  encode: (envelopes: readonly Envelope[], options = {}) => ({
    input: envelopes.map((e) => JSON.parse(JSON.stringify(e)) as unknown),
    triggerMetadata: {
      partitionContext: {
        eventHubName: options.hub ?? 'herald', consumerGroup: options.consumerGroup ?? '$Default',
        fullyQualifiedNamespace: 'herald.servicebus.windows.net', partitionId: '0',
      },
      partitionKeyArray: envelopes.map((e) => orderKeyOf(e, options.orderKey)),
      sequenceNumberArray: envelopes.map((_, i) => 100 + i),
      offsetArray: envelopes.map((_, i) => String(4096 * i)),
      enqueuedTimeUtcArray: envelopes.map((e) => new Date(Date.parse(e.time) || 0).toISOString()),
      propertiesArray: envelopes.map(() => ({})),
      systemPropertiesArray: envelopes.map((e, i) => ({ SequenceNumber: 100 + i, PartitionKey: orderKeyOf(e, options.orderKey) })),
    },
  }),
};
