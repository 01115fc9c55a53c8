/**
 * `ClaimCheckStore` on S3: oversize event data is stored as `claim-check/<event id>/<uuid>.json` and the
 * event carries `s3://<bucket>/<key>` as its `dataref`.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import type { ClaimCheckStore } from '../../../runtime/claim-check';
import { memo, type Lazy } from '../../../runtime/lazy';
import { sdk } from './sdk';

export class S3ClaimCheckStore implements ClaimCheckStore {
  private readonly client: () => Promise<S3Client>;

  constructor(private readonly bucket: string, client?: Lazy<S3Client>) {
    this.client = memo(client ?? (() => new (sdk.s3().S3Client)({})));
  }

  async put(eventId: string, json: string): Promise<string> {
    const { PutObjectCommand } = sdk.s3();
    const key = `claim-check/${encodeURIComponent(eventId)}/${randomUUID()}.json`;
    await (await this.client()).send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: json, ContentType: 'application/json' }));
    return `s3://${this.bucket}/${key}`;
  }

  /** @throws Error when the reference is not an `s3://` URL. */
  async get(ref: string): Promise<string> {
    const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(ref);
    if (!m) throw new Error(`claim check reference ${ref} is not an s3:// URL`);
    const { GetObjectCommand } = sdk.s3();
    const out = await (await this.client()).send(new GetObjectCommand({ Bucket: m[1], Key: m[2] }));
    if (!out.Body) throw new Error(`claim check ${ref} has no body`);
    return out.Body.transformToString('utf8');
  }
}
