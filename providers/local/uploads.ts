/**
 * Buckets and their upload triggers: `PUT /buckets/<bucket>/<key>` stores the body under a local folder
 * (`.herald/buckets/<bucket>/<key>` by default) and, when the key is under the trigger's prefix, emits the
 * configured event with `{ bucket, key, size, contentType }` as its data, as S3, Blob Storage and Cloud
 * Storage notifications do. The event is built by runtime/ingress-events.ts, as on every target; each write
 * has its own id (as each cloud notification does), which the event id derives from. An upload whose
 * event would not fit the schema is refused (400) and nothing is stored or emitted.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SchemaValidationError, type BucketSpec, type Envelope, type EventDefinition } from '../../contracts';
import { uploadEvent } from '../../runtime';
import { HttpError } from './http';

/** What `put` stored and emitted. */
export interface UploadResult {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly contentType: string;
  /** Ids of the events emitted (none when the key is outside the trigger's prefix). */
  readonly ids: readonly string[];
}

export interface BucketsOptions {
  /** The folder holding one sub-folder per bucket. */
  readonly dir: string;
  readonly definition: (wireType: string) => EventDefinition<any>;
  /** Sends an upload event to the trigger's target; `put` answers once it is accepted. */
  readonly emit: (bucket: BucketSpec, envelope: Envelope) => void | Promise<void>;
  /** Largest object accepted. @default 100 MiB */
  readonly maxBytes?: number;
}

export class LocalBuckets {
  private readonly byName: Map<string, BucketSpec>;

  constructor(buckets: readonly BucketSpec[], private readonly options: BucketsOptions) {
    this.byName = new Map(buckets.map((b) => [b.name, b]));
  }

  has(bucket: string): boolean {
    return this.byName.has(bucket);
  }

  /**
   * Where an object is stored.
   * @throws HttpError 400 for a key that would leave the bucket's folder or that no file name can hold
   */
  pathOf(bucket: string, key: string): string {
    const segments = key.split('/');
    if (!key || segments.some((s) => s === '' || s === '.' || s === '..' || /[\\\u0000]/.test(s))) {
      throw new HttpError(400, `invalid object key ${quote(key)}: use non-empty /-separated segments other than . and .., without \\ or NUL`);
    }
    if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new HttpError(400, `invalid object key: it is ${Buffer.byteLength(key)} bytes, over the ${MAX_KEY_BYTES}-byte limit`);
    const long = segments.find((s) => Buffer.byteLength(s) > MAX_SEGMENT_BYTES);
    if (long !== undefined) {
      throw new HttpError(400, `invalid object key ${quote(key)}: the segment ${quote(long)} is over ${MAX_SEGMENT_BYTES} bytes, more than a file name can hold`);
    }
    return path.join(this.options.dir, bucket, ...segments);
  }

  /**
   * Stores an object and fires the bucket's upload trigger.
   * @throws HttpError 404 unknown bucket, 400 bad key or an event that does not fit its schema, 413 too large
   */
  async put(bucket: string, key: string, body: NodeJS.ReadableStream | Buffer, contentType = 'application/octet-stream'): Promise<UploadResult> {
    const spec = this.byName.get(bucket);
    if (!spec) throw new HttpError(404, `no bucket "${bucket}"; buckets: ${[...this.byName.keys()].join(', ') || 'none'}`);
    const file = this.pathOf(bucket, key);
    // Refused before the body is read: a key that is already a folder, the prefix of other objects.
    if ((await stat(file).catch(() => undefined))?.isDirectory()) throw new HttpError(400, prefixOfOthers(key));
    const { tmp, size } = await this.stage(file, body).catch((error: unknown) => { throw keyConflict(error, key); });
    const trigger = spec.onUpload && key.startsWith(spec.onUpload.prefix) ? spec.onUpload : undefined;
    let envelope: Envelope | undefined;
    try {
      if (trigger) envelope = uploadEvent(this.options.definition(trigger.emits), { bucket, key, size, contentType }, { id: randomUUID() });
      await rename(tmp, file);
    } catch (error) {
      await rm(tmp, { force: true });
      if (error instanceof SchemaValidationError) throw new HttpError(400, `the upload's event does not fit its schema: ${error.message}`);
      throw keyConflict(error, key);
    }
    if (envelope) await this.options.emit(spec, envelope);
    return { bucket, key, size, contentType, ids: envelope ? [envelope.id] : [] };
  }

  // Written to a temporary name first, so a failed, oversize or refused upload never leaves half an object.
  private async stage(file: string, body: NodeJS.ReadableStream | Buffer): Promise<{ tmp: string; size: number }> {
    const max = this.options.maxBytes ?? 100 * 1024 * 1024;
    await mkdir(path.dirname(file), { recursive: true });
    // Named apart from the object, so a key segment of the longest allowed length still leaves room.
    const tmp = path.join(path.dirname(file), `.${randomBytes(6).toString('hex')}.part`);
    let size = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > max) done(new HttpError(413, `the object is over the ${max}-byte limit`));
        else done(null, chunk);
      },
    });
    try {
      if (Buffer.isBuffer(body)) {
        count.end(body);
        await pipeline(count, createWriteStream(tmp));
      } else {
        await pipeline(body, count, createWriteStream(tmp));
      }
      return { tmp, size };
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }
}

/** S3's key limit, UTF-8 bytes. @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html */
const MAX_KEY_BYTES = 1024;
/** The longest file name most filesystems hold (NAME_MAX): each key segment is one. */
const MAX_SEGMENT_BYTES = 255;

/**
 * A filesystem refusal of a key, as the client's mistake (400) that names the key, never the server's
 * path; any other error as it was.
 */
function keyConflict(error: unknown, key: string): unknown {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EISDIR':
    case 'ENOTEMPTY':
      return new HttpError(400, prefixOfOthers(key));
    case 'ENOTDIR':
    case 'EEXIST':
      return new HttpError(400, `invalid object key ${quote(key)}: a prefix of it is an object, and no object can be stored under another`);
    case 'ENAMETOOLONG':
      return new HttpError(400, `invalid object key ${quote(key)}: too long for this machine's filesystem`);
    default:
      return error;
  }
}

const prefixOfOthers = (key: string) => `invalid object key ${quote(key)}: other objects are stored under ${quote(`${key}/`)}, so no object can have that name`;

// A key quoted for a message, cut short: the client already has it whole.
const quote = (key: string) => JSON.stringify(key.length > 80 ? `${key.slice(0, 77)}...` : key);
