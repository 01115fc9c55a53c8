/**
 * `ClaimCheckStore` on Cloud Storage: oversize event data is stored as `claim-check/<event id>/<uuid>.json`
 * in the claim-check bucket and the event carries `gs://<bucket>/<object>` as its `dataref`. Objects are
 * written in one request (not resumable: they are small, at most what a handler publishes).
 * @see https://cloud.google.com/storage/docs/uploading-objects
 */
import type { Storage } from '@google-cloud/storage';
import { randomUUID } from 'node:crypto';
import type { ClaimCheckStore } from '../../../runtime/claim-check';
import { memo, type Lazy } from '../../../runtime/lazy';
import { sdk } from './sdk';

export class GcsClaimCheckStore implements ClaimCheckStore {
  private readonly client: () => Promise<Storage>;

  constructor(private readonly bucket: string, project: string, client?: Lazy<Storage>) {
    this.client = memo(client ?? (() => new (sdk.storage().Storage)({ projectId: project })));
  }

  async put(eventId: string, json: string): Promise<string> {
    const name = `claim-check/${encodeURIComponent(eventId)}/${randomUUID()}.json`;
    await (await this.client()).bucket(this.bucket).file(name).save(json, { contentType: 'application/json', resumable: false });
    return `gs://${this.bucket}/${name}`;
  }

  /** @throws Error when the reference is not a `gs://` URL, or the object cannot be read. */
  async get(ref: string): Promise<string> {
    const m = /^gs:\/\/([^/]+)\/(.+)$/.exec(ref);
    if (!m) throw new Error(`claim check reference ${ref} is not a gs:// URL`);
    const [contents] = await (await this.client()).bucket(m[1]!).file(m[2]!).download();
    return contents.toString('utf8');
  }
}
