/**
 * Dead letters the entry writes itself, to the blob container Event Grid dead-letters into as well (one
 * place for an operator to look): bad input and NonRetryableError at once, an event whose attempts are
 * spent, and a stream record (Event Hubs has no dead-letter queue). Each is one JSON blob,
 * `herald/<function>/<yyyy>/<mm>/<dd>/<hh>/<event or item id>-<uuid>.json`, holding the native body
 * unchanged and why it was given up; its metadata names the function and source, so
 * `az storage blob list --container-name <container> --prefix herald/<function>/` finds them. (Event
 * Grid's own dead letters sit beside them under `<TOPIC>/<SUBSCRIPTION>/`.)
 * @see https://learn.microsoft.com/azure/event-grid/manage-event-delivery#set-dead-letter-location
 */
import type { ContainerClient } from '@azure/storage-blob';
import { randomUUID } from 'node:crypto';
import type { InboundRecord } from '../../../runtime/binding';

/** The JSON document of one dead letter. */
export interface DeadLetterDocument {
  readonly reason: string;
  readonly function: string;
  /** The delivery plan's source key it came from (`queue:payments`), or `direct` for a push. */
  readonly source: string;
  readonly itemId: string;
  readonly eventId?: string;
  readonly type?: string;
  readonly attempt: number;
  readonly deadLetteredAt: string;
  /** The native body as received. */
  readonly body: string;
}

/** Writes one record's dead letter. @returns the blob's URL @throws when Blob Storage refuses it */
export type DeadLetterWriter = (record: InboundRecord, reason: string, about: { eventId?: string; type?: string; attempt: number }) => Promise<string>;

/** A writer into `container` for the function `functionName`. */
export function blobDeadLetterWriter(container: () => ContainerClient, functionName: string, now: () => Date = () => new Date()): DeadLetterWriter {
  return async (record, reason, about) => {
    const at = now();
    const pad = (n: number) => String(n).padStart(2, '0');
    const id = (about.eventId ?? record.itemId).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200);
    const name = `herald/${functionName}/${at.getUTCFullYear()}/${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCDate())}/${pad(at.getUTCHours())}/${id}-${randomUUID()}.json`;
    const document: DeadLetterDocument = {
      reason, function: functionName, source: record.channel ?? 'direct', itemId: record.itemId,
      ...(about.eventId ? { eventId: about.eventId } : {}), ...(about.type ? { type: about.type } : {}),
      attempt: about.attempt, deadLetteredAt: at.toISOString(), body: record.rawBody,
    };
    const json = JSON.stringify(document);
    const blob = container().getBlockBlobClient(name);
    await blob.upload(json, Buffer.byteLength(json), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
      // Metadata are HTTP headers: ASCII only, so only names go there (the reason is in the document).
      metadata: { herald_function: functionName, herald_source: (record.channel ?? 'direct').replace(/[^\x20-\x7e]/g, '_') },
    });
    return blob.url;
  };
}
