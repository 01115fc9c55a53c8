/**
 * `Publisher` over the Azure SDKs, one per transport, each client made by the entry's factories (injected
 * in tests and `herald invoke`, else created on first use as the function's identity):
 * - Event Grid (a bus): CloudEvents 1.0 to the custom topic, in requests of at most 1 MB;
 * - Service Bus (a topic, or a queue): one message per event, the CloudEvent JSON as the body, its id as
 *   `messageId` (duplicate detection), its filterable attributes as `cloudEvents_*` application
 *   properties (wire.ts), the order key as `sessionId` on a session-enabled queue; batches under the
 *   Standard tier's 256 KB.
 * The SDKs retry transient failures themselves; what still fails rejects the whole publish, so the
 * handler's attempt fails and the event is retried (a partial publish is never reported as success).
 * @see https://learn.microsoft.com/azure/event-grid/post-to-custom-topic
 * @see https://learn.microsoft.com/azure/service-bus-messaging/service-bus-quotas
 */
import type { CloudEvent, EventGridPublisherClient } from '@azure/eventgrid';
import type { ServiceBusClient, ServiceBusMessage, ServiceBusSender } from '@azure/service-bus';
import { CLOUDEVENTS_JSON, CORE_ATTRIBUTES, type Envelope } from '../../../contracts';
import { orderKeyOf } from '../../../runtime/order-key';
import { noPublishTarget, type Publisher } from '../../../runtime/publisher';
import type { AzurePublishTarget } from './config';
import type { AzureClients } from './sdk';
import { promotedProperties } from './wire';

/** Event Grid: at most 1 MB per publish request. */
export const EVENT_GRID_MAX_REQUEST_BYTES = 1024 * 1024;
/** Service Bus Standard: 256 KB per message and per batch; room is left for the AMQP framing. */
export const SERVICE_BUS_MAX_BATCH_BYTES = 200 * 1024;
/** Service Bus: a message id is at most 128 characters. */
export const MAX_MESSAGE_ID_LENGTH = 128;

const bytes = (s: string) => Buffer.byteLength(s);

/** Splits items into chunks of at most `maxBytes` (an item over the limit goes alone). */
export function chunkBySize<T>(items: readonly T[], maxBytes: number, sizeOf: (item: T) => number, maxCount = Infinity): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const n = sizeOf(item);
    if (current.length && (size + n > maxBytes || current.length >= maxCount)) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += n;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/** The SDK's CloudEvent of an envelope: core attributes as they are, every other attribute an extension. */
export function toCloudEvent(e: Envelope): CloudEvent<unknown> {
  const extensionAttributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(e)) if (!CORE_ATTRIBUTES.has(name) && value !== undefined) extensionAttributes[name] = value;
  return {
    type: e.type, source: e.source, id: e.id, time: new Date(e.time),
    ...(e.subject !== undefined ? { subject: e.subject } : {}),
    ...(e.dataschema !== undefined ? { dataschema: e.dataschema } : {}),
    datacontenttype: e.datacontenttype,
    ...(e.data !== undefined ? { data: e.data } : {}),
    ...(Object.keys(extensionAttributes).length ? { extensionAttributes } : {}),
  };
}

/** Event Grid to one custom topic. */
export class EventGridPublisher implements Publisher {
  constructor(private readonly client: () => EventGridPublisherClient<'CloudEvent'>) {}

  async publish(events: readonly Envelope[]): Promise<void> {
    if (!events.length) return;
    const client = this.client();
    for (const part of chunkBySize(events, EVENT_GRID_MAX_REQUEST_BYTES, (e) => bytes(JSON.stringify(e)) + 1)) {
      await client.send(part.map(toCloudEvent));
    }
  }
}

/** The Service Bus message of an envelope. */
export function toServiceBusMessage(e: Envelope, orderBy?: string): ServiceBusMessage {
  return {
    body: Buffer.from(JSON.stringify(e)),
    contentType: CLOUDEVENTS_JSON,
    messageId: e.id.slice(0, MAX_MESSAGE_ID_LENGTH),
    applicationProperties: promotedProperties(e),
    ...(orderBy !== undefined ? { sessionId: orderKeyOf(e, orderBy).slice(0, MAX_MESSAGE_ID_LENGTH) } : {}),
  };
}

/** The size a message counts for in a batch: body and properties, plus framing. */
export function messageSize(m: ServiceBusMessage): number {
  const body = m.body instanceof Uint8Array ? m.body.byteLength : bytes(JSON.stringify(m.body));
  return body + Object.entries(m.applicationProperties ?? {}).reduce((n, [k, v]) => n + bytes(k) + bytes(String(v)) + 8, 0) + 512;
}

export interface ServiceBusPublisherOptions {
  /** A session-enabled queue: the ordering key (an attribute or `data.<path>`) giving each message's session. */
  readonly orderBy?: string;
}

/** Service Bus to one topic or queue. The sender (an AMQP link) is opened once and kept for the instance's life. */
export class ServiceBusPublisher implements Publisher {
  private sender: ServiceBusSender | undefined;

  constructor(private readonly client: () => ServiceBusClient, private readonly entity: string, private readonly options: ServiceBusPublisherOptions = {}) {}

  async publish(events: readonly Envelope[]): Promise<void> {
    if (!events.length) return;
    this.sender ??= this.client().createSender(this.entity);
    const messages = events.map((e) => toServiceBusMessage(e, this.options.orderBy));
    // One session per send: a batch's messages must share their session id.
    const groups = new Map<string, ServiceBusMessage[]>();
    for (const m of messages) groups.set(m.sessionId ?? '', [...(groups.get(m.sessionId ?? '') ?? []), m]);
    for (const group of groups.values()) {
      for (const part of chunkBySize(group, SERVICE_BUS_MAX_BATCH_BYTES, messageSize, 100)) await this.sender.sendMessages(part);
    }
  }
}

/** The publisher of a config's publish target; one that refuses when the function publishes nowhere. */
export function publisherFor(target: AzurePublishTarget | undefined, clients: Required<AzureClients>): Publisher {
  if (target?.kind === 'eventGrid') return new EventGridPublisher(() => clients.eventGrid(target.endpoint));
  if (target?.kind === 'serviceBusTopic') return new ServiceBusPublisher(() => clients.serviceBus(target.namespace), target.topic);
  return noPublishTarget;
}
