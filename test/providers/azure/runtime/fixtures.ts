/**
 * Invocations shaped as the Functions host hands them to a v4 Node.js handler, with the bodies Herald puts
 * in them. Each factory cites where its shape comes from.
 */
import type { Envelope } from '../../../../contracts';
import type { AzureDelivery } from '../../../../providers/azure/runtime/binding';

/** A Herald envelope with sensible defaults. */
export function envelope(overrides: Partial<Envelope> & { type: string; data: unknown }): Envelope {
  return {
    specversion: '1.0', id: 'e0d0c0b0-a090-4080-8070-605040302010', source: 'shop.orders',
    time: '2026-03-01T10:00:00.000Z', datacontenttype: 'application/json', ...overrides,
  } as Envelope;
}

/**
 * A Service Bus message: `triggerMetadata` as the Functions Node.js library's own test of
 * `fromRpcTriggerMetadata` ('serviceBusTrigger') has it, camel-cased by the library, with the v5
 * extension's `applicationProperties` beside the older `userProperties`.
 * @see https://github.com/Azure/azure-functions-nodejs-library/blob/v4.x/test/converters/fromRpcTriggerMetadata.test.ts
 */
export function serviceBusMessage(body: unknown, options: { messageId?: string; deliveryCount?: number; sessionId?: string; properties?: Record<string, unknown> } = {}): AzureDelivery {
  const properties = { $AzureWebJobsParentId: '4cad516d-0081-4fa8-8ddb-2f898c664d2b', ...options.properties };
  return {
    input: body,
    triggerMetadata: {
      messageReceiver: {
        registeredPlugins: [], receiveMode: 0, prefetchCount: 0, lastPeekedSequenceNumber: 0,
        path: 'helloWorldTopic/Subscriptions/helloWorldSub', operationTimeout: '00:01:00',
        isClosedOrClosing: false, ownsConnection: true, clientId: 'MessageReceiver2helloWorldTopic/Subscriptions/helloWorldSub',
      },
      deliveryCount: options.deliveryCount ?? 1,
      lockToken: '00000000-0000-0000-0000-000000000000',
      expiresAtUtc: '2022-09-08T05:06:39.775Z',
      enqueuedTimeUtc: '2022-08-25T05:06:39.775Z',
      messageId: options.messageId ?? 'a11f788b439b4c5daa6a9f173bf78d68',
      contentType: 'application/cloudevents+json',
      sequenceNumber: 17,
      ...(options.sessionId !== undefined ? { sessionId: options.sessionId } : {}),
      userProperties: properties,
      applicationProperties: properties,
    },
  };
}

/**
 * `Microsoft.Storage.BlobCreated` in the CloudEvents 1.0 schema, as the Event Grid docs' sample for Blob
 * Storage events has it (subject and source as Event Grid writes them for a system topic).
 * @see https://learn.microsoft.com/azure/event-grid/event-schema-blob-storage
 */
export function blobCreated(container: string, name: string, options: { contentType?: string; contentLength?: number; account?: string } = {}): AzureDelivery {
  const account = options.account ?? 'my-storage-account';
  return {
    input: {
      source: `/subscriptions/{subscription-id}/resourceGroups/{resource-group}/providers/Microsoft.Storage/storageAccounts/${account}`,
      subject: `/blobServices/default/containers/${container}/blobs/${name}`,
      type: 'Microsoft.Storage.BlobCreated',
      time: '2019-11-18T15:13:39.4589254Z',
      id: '9aeb0fdf-c01e-0131-0922-9eb54906e209',
      data: {
        api: 'PutBlockList',
        clientRequestId: '4c5dd7fb-2c48-4a27-bb30-5361b5de920a',
        requestId: '9aeb0fdf-c01e-0131-0922-9eb549000000',
        eTag: '0x8D76C39E4407333',
        contentType: options.contentType ?? 'image/png',
        contentLength: options.contentLength ?? 30699,
        blobType: 'BlockBlob',
        url: `https://${account}.blob.core.windows.net/${container}/${name}`,
        sequencer: '000000000000000000000000000099240000000000c41c18',
        storageDiagnostics: { batchId: '681fe319-3006-00a8-0022-9e7cde000000' },
      },
      specversion: '1.0',
    },
    triggerMetadata: {},
  };
}

/**
 * An Event Hubs batch (`cardinality: 'many'`): bodies, and the per-event metadata arrays the trigger adds.
 * @see https://learn.microsoft.com/azure/azure-functions/functions-bindings-event-hubs-trigger#event-metadata
 */
export function eventHubBatch(bodies: unknown[], partitionKeys: string[], partitionId = '3'): AzureDelivery {
  return {
    input: bodies,
    triggerMetadata: {
      partitionContext: { fullyQualifiedNamespace: 'shop.servicebus.windows.net', eventHubName: 'order-audit', consumerGroup: 'audit-orders', partitionId },
      partitionKeyArray: partitionKeys,
      sequenceNumberArray: bodies.map((_, i) => 4711 + i),
      offsetArray: bodies.map((_, i) => String(1024 * i)),
      enqueuedTimeUtcArray: bodies.map(() => '2026-03-01T10:00:01.000Z'),
      propertiesArray: bodies.map(() => ({})),
      systemPropertiesArray: bodies.map((_, i) => ({ SequenceNumber: 4711 + i })),
    },
  };
}
