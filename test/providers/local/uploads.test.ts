import { expect } from 'chai';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { defineEvent, type BucketSpec, type Envelope } from '../../../contracts';
import { HttpError, LocalBuckets } from '../../../providers/local';
import { Uploaded } from './fixtures';
const media: BucketSpec = { kind: 'bucket', name: 'media', onUpload: { prefix: 'uploads/', emits: 'Uploaded.v1', to: { kind: 'bus', name: 'b' } } };
const plain: BucketSpec = { kind: 'bucket', name: 'plain' };

describe('local uploads', () => {
  let dir: string;
  let emitted: Envelope[];
  let buckets: LocalBuckets;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'herald-uploads-'));
    emitted = [];
    buckets = new LocalBuckets([media, plain], { dir, definition: () => Uploaded, emit: (_b, e) => void emitted.push(e), maxBytes: 1024 });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores the object and emits the configured event with {bucket, key, size, contentType}', async () => {
    const result = await buckets.put('media', 'uploads/cat.png', Readable.from([Buffer.from('fake'), Buffer.from(' png')]), 'Image/PNG');
    expect(readFileSync(path.join(dir, 'media', 'uploads', 'cat.png'), 'utf8')).to.equal('fake png');
    expect(emitted).to.have.length(1);
    expect(emitted[0]!.data).to.deep.equal({ bucket: 'media', key: 'uploads/cat.png', size: 8, contentType: 'Image/PNG' });
    expect(emitted[0]!.contenttype).to.equal('image/png');
    expect(emitted[0]!.type).to.equal('Uploaded.v1');
    expect(emitted[0]!.subject).to.equal('uploads/cat.png');
    expect(result).to.deep.equal({ bucket: 'media', key: 'uploads/cat.png', size: 8, contentType: 'Image/PNG', ids: [emitted[0]!.id] });
  });

  it('gives each write its own event id, even for the same object and content', async () => {
    await buckets.put('media', 'uploads/a.png', Buffer.from('x'));
    await buckets.put('media', 'uploads/a.png', Buffer.from('x'));
    expect(emitted).to.have.length(2);
    expect(emitted[0]!.id).to.not.equal(emitted[1]!.id);
  });

  it('refuses (400) an upload whose event does not fit the schema: nothing stored, nothing emitted', async () => {
    const Strict = defineEvent({ type: 'Uploaded', version: 1, source: 'test.media', schema: z.object({ key: z.string().endsWith('.jpg') }) });
    const strict = new LocalBuckets([media], { dir, definition: () => Strict, emit: (_b, e) => void emitted.push(e) });
    const error = await strict.put('media', 'uploads/cat.png', Buffer.from('x')).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(HttpError).with.property('status', 400);
    expect((error as Error).message).to.match(/^the upload's event does not fit its schema: Uploaded\.v1 data is invalid: key: /);
    expect(readdirSync(path.join(dir, 'media', 'uploads'))).to.deep.equal([]);
    expect(emitted).to.have.length(0);
  });

  it('emits nothing for a key outside the prefix or a bucket without a trigger', async () => {
    await buckets.put('media', 'other/cat.png', Buffer.from('x'));
    const r = await buckets.put('plain', 'uploads/cat.png', Buffer.from('x'));
    expect(emitted).to.have.length(0);
    expect(r.ids).to.deep.equal([]);
    expect(r.contentType).to.equal('application/octet-stream');
  });

  it('refuses unknown buckets (404), keys that would leave the bucket (400) and objects over the limit (413), leaving no file', async () => {
    const reject = async (p: Promise<unknown>) => p.then(() => { throw new Error('resolved'); }, (e: unknown) => e);
    const unknown = await reject(buckets.put('nope', 'a', Buffer.from('x')));
    expect(unknown).to.be.instanceOf(HttpError).with.property('status', 404);
    for (const key of ['../escape', 'uploads/../../x', 'a//b', '', 'a/./b']) {
      const e = await reject(buckets.put('media', key, Buffer.from('x')));
      expect(e, key).to.be.instanceOf(HttpError).with.property('status', 400);
    }
    const big = await reject(buckets.put('media', 'uploads/big.bin', Buffer.alloc(2048)));
    expect(big).to.be.instanceOf(HttpError).with.property('status', 413);
    expect(readdirSync(path.join(dir, 'media', 'uploads'))).to.deep.equal([]);
    expect(emitted).to.have.length(0);
  });

  it('answers only once the upload event is accepted, and fails when it is refused', async () => {
    let accept!: () => void;
    const accepting = new LocalBuckets([media], { dir, definition: () => Uploaded, emit: () => new Promise<void>((resolve) => { accept = resolve; }) });
    let answered = false;
    const put = accepting.put('media', 'uploads/a.txt', Buffer.from('x')).then(() => { answered = true; });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).to.equal(false);
    accept();
    await put;
    expect(answered).to.equal(true);
    const refusing = new LocalBuckets([media], { dir, definition: () => Uploaded, emit: () => Promise.reject(new Error('stopping')) });
    const failed = await refusing.put('media', 'uploads/b.txt', Buffer.from('x')).then(() => undefined, (e: unknown) => e);
    expect(failed).to.be.instanceOf(Error).with.property('message', 'stopping');
  });

  it('refuses (400) keys the filesystem cannot hold, naming the key, never the folder, and leaves no file', async () => {
    const reject = async (p: Promise<unknown>) => p.then(() => { throw new Error('resolved'); }, (e: unknown) => e);
    await buckets.put('media', 'uploads/a/b.png', Buffer.from('x'));
    const cases: Array<[string, RegExp]> = [
      [`uploads/${'n'.repeat(300)}`, /is over 255 bytes, more than a file name can hold$/],
      [`uploads/${'é'.repeat(128)}`, /is over 255 bytes/],
      [`uploads/${'k/'.repeat(520)}x`, /over the 1024-byte limit$/],
      ['uploads/a', /other objects are stored under "uploads\/a\/"/],
      ['uploads/a/b.png/c.png', /a prefix of it is an object/],
      ['uploads/a/b.png/c/d.png', /a prefix of it is an object/],
      ['uploads/x\u0000y', /without \\ or NUL$/],
    ];
    for (const [key, message] of cases) {
      const e = await reject(buckets.put('media', key, Buffer.from('x')));
      expect(e, key).to.be.instanceOf(HttpError).with.property('status', 400);
      expect((e as Error).message, key).to.match(/^invalid object key/).and.match(message).and.not.contain(dir);
    }
    expect(readdirSync(path.join(dir, 'media', 'uploads'))).to.deep.equal(['a']);
    expect(readdirSync(path.join(dir, 'media', 'uploads', 'a'))).to.deep.equal(['b.png']);
    expect(emitted).to.have.length(1);
  });

  it('stores a key whose last segment is as long as a file name can be', async () => {
    const key = `uploads/${'n'.repeat(255)}`;
    await buckets.put('media', key, Buffer.from('x'));
    expect(readFileSync(path.join(dir, 'media', key), 'utf8')).to.equal('x');
  });
});
