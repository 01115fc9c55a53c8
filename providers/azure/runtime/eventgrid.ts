/**
 * Event Grid pushes to a function (`app.eventGrid`), in the CloudEvents 1.0 delivery schema:
 * - a bus's direct subscription: the input is the published CloudEvent itself, one per invocation;
 * - an upload trigger: `Microsoft.Storage.BlobCreated` from the storage account's system topic, its
 *   subject `/blobServices/default/containers/<container>/blobs/<name>` and its data carrying the blob's
 *   content type and length (so no call to the blob is needed).
 * Event Grid says nothing of a delivery's attempt: 1, and the idempotency store counts the attempts on an
 * event (runtime/pipeline.ts). An answer must come within 30 s (providers/azure/host.ts).
 * @see https://learn.microsoft.com/azure/event-grid/cloud-event-schema
 * @see https://learn.microsoft.com/azure/event-grid/event-schema-blob-storage
 */
import { payloadOf, SAMPLE_RESOURCE_GROUP, SAMPLE_SUBSCRIPTION, stringOf, textOf, type AzureBinding, type AzureDelivery } from './binding';

export const eventGrid: AzureBinding = {
  name: 'eventGrid',
  decode: ({ input }) => {
    const id = stringOf((input as { id?: unknown } | null)?.id) ?? 'unknown';
    return [{ itemId: id, payload: payloadOf(input), attempt: 1, rawBody: textOf(input) }];
  },
  /** The CloudEvent as Event Grid delivers it (what was published, as JSON). */
  encode: (envelopes) => ({ input: JSON.parse(JSON.stringify(envelopes[0])) as unknown, triggerMetadata: {} }),
};

/** The event type of a blob created in a storage account. */
export const BLOB_CREATED = 'Microsoft.Storage.BlobCreated';

/** What an upload trigger reads of a BlobCreated event. */
export interface BlobCreated {
  /** The event id Event Grid assigned: the same on every redelivery of it. */
  readonly eventId: string;
  readonly time?: string;
  readonly account: string;
  readonly container: string;
  /** The blob's name in its container. */
  readonly name: string;
  readonly size: number;
  readonly contentType: string;
}

const SUBJECT = /^\/?blobServices\/default\/containers\/([^/]+)\/blobs\/(.+)$/;

/** Whether an input is a BlobCreated CloudEvent. */
export function isBlobCreated(input: unknown): boolean {
  return (input as { type?: unknown } | null)?.type === BLOB_CREATED && typeof (input as { subject?: unknown }).subject === 'string';
}

/** The blob a BlobCreated CloudEvent names. @throws TypeError when it is not one */
export function blobCreatedOf(input: unknown): BlobCreated {
  if (!isBlobCreated(input)) throw new TypeError(`not a ${BLOB_CREATED} CloudEvent`);
  const e = input as { id?: unknown; time?: unknown; source?: unknown; subject: string; data?: Record<string, unknown> };
  const m = SUBJECT.exec(e.subject);
  if (!m) throw new TypeError(`${BLOB_CREATED} subject ${e.subject} names no blob`);
  const account = /\/storageAccounts\/([^/]+)$/i.exec(String(e.source ?? ''))?.[1] ?? '';
  const time = stringOf(e.time);
  return {
    eventId: stringOf(e.id) ?? `${e.subject}@${String(e.data?.eTag ?? '')}`,
    ...(time ? { time } : {}),
    account,
    container: m[1]!,
    // The subject carries the name as the service received it in the URL path.
    name: decodeURIComponent(m[2]!),
    size: Number(e.data?.contentLength ?? 0),
    contentType: stringOf(e.data?.contentType) ?? 'application/octet-stream',
  };
}

/** A BlobCreated CloudEvent, shaped as the Event Grid docs' CloudEvents sample (tests, `herald invoke` samples). */
export function blobCreatedEvent(blob: { account: string; container: string; name: string; size: number; contentType: string }): AzureDelivery {
  const path = blob.name.split('/').map(encodeURIComponent).join('/');
  return {
    input: {
      specversion: '1.0',
      type: BLOB_CREATED,
      source: `/subscriptions/${SAMPLE_SUBSCRIPTION}/resourceGroups/${SAMPLE_RESOURCE_GROUP}/providers/Microsoft.Storage/storageAccounts/${blob.account}`,
      id: '9aeb0fdf-c01e-0131-0922-9eb54906e209',
      time: '2026-01-01T00:00:00.0000000Z',
      subject: `/blobServices/default/containers/${blob.container}/blobs/${path}`,
      data: {
        api: 'PutBlockList',
        clientRequestId: '4c5dd7fb-2c48-4a27-bb30-5361b5de920a',
        requestId: '9aeb0fdf-c01e-0131-0922-9eb549000000',
        eTag: '0x8D76C39E4407333',
        contentType: blob.contentType,
        contentLength: blob.size,
        blobType: 'BlockBlob',
        url: `https://${blob.account}.blob.core.windows.net/${blob.container}/${path}`,
        sequencer: '000000000000000000000000000099240000000000c41c18',
        storageDiagnostics: { batchId: '681fe319-3006-00a8-0022-9e7cde000000' },
      },
    },
    triggerMetadata: {},
  };
}
