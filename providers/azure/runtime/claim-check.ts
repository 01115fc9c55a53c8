/**
 * `ClaimCheckStore` on Blob Storage: oversize event data is stored as `claim-check/<event id>/<uuid>.json` (characters a
 * blob name would need escaped written as `_`)
 * in the configured container, and the event carries the blob's URL as its `dataref`. Only blobs of that
 * container are read back: a `dataref` naming anything else is refused, so an event cannot make a
 * function read some other blob with its identity.
 * @see https://learn.microsoft.com/rest/api/storageservices/put-blob
 */
import type { ContainerClient } from '@azure/storage-blob';
import { randomUUID } from 'node:crypto';
import type { ClaimCheckStore } from '../../../runtime/claim-check';

export class BlobClaimCheckStore implements ClaimCheckStore {
  constructor(private readonly container: ContainerClient) {}

  async put(eventId: string, json: string): Promise<string> {
    // The id only groups an event's blobs for a reader; the UUID makes the name unique.
    const blob = this.container.getBlockBlobClient(`claim-check/${eventId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200)}/${randomUUID()}.json`);
    await blob.upload(json, Buffer.byteLength(json), { blobHTTPHeaders: { blobContentType: 'application/json' } });
    return blob.url;
  }

  /** @throws Error when the reference is not a blob of this store's container, or is gone */
  async get(ref: string): Promise<string> {
    const base = `${this.container.url.replace(/\/+$/, '')}/`;
    if (!ref.startsWith(base)) throw new Error(`claim check reference ${ref} is not in ${base}`);
    const name = decodeURIComponent(ref.slice(base.length).split('?')[0]!);
    return (await this.container.getBlockBlobClient(name).downloadToBuffer()).toString('utf8');
  }
}
