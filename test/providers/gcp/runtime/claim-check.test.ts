/**
 * The Cloud Storage claim check over a stand-in of the two `Storage` calls it makes (`file().save()` and
 * `file().download()`): no Cloud Storage emulator runs here, so this checks what the store asks of the
 * client and that what it stores is what it reads back.
 */
import { expect } from 'chai';
import { GcsClaimCheckStore } from '../../../../providers/gcp/runtime/claim-check';

function storage() {
  const objects = new Map<string, { contents: string; contentType?: string; resumable?: boolean }>();
  const client = {
    bucket: (bucket: string) => ({
      file: (name: string) => ({
        async save(contents: string, options: { contentType?: string; resumable?: boolean }) { objects.set(`${bucket}/${name}`, { contents, ...options }); },
        async download(): Promise<[Buffer]> {
          const o = objects.get(`${bucket}/${name}`);
          if (!o) throw Object.assign(new Error('No such object'), { code: 404 });
          return [Buffer.from(o.contents)];
        },
      }),
    }),
  };
  return { objects, client: client as never };
}

describe('providers/gcp/runtime/claim-check', () => {
  it('stores the data as JSON under claim-check/<event id>/ in one request and answers a gs:// reference that reads it back', async () => {
    const { objects, client } = storage();
    const store = new GcsClaimCheckStore('shop-claim-check', 'prj', client);
    const ref = await store.put('e/1', '{"big":true}');
    expect(ref).to.match(/^gs:\/\/shop-claim-check\/claim-check\/e%2F1\/[0-9a-f-]{36}\.json$/);
    const [[name, object]] = [...objects];
    expect(`gs://${name}`).to.equal(ref);
    expect(object).to.deep.equal({ contents: '{"big":true}', contentType: 'application/json', resumable: false });
    expect(await store.get(ref)).to.equal('{"big":true}');
  });

  it('refuses a reference that is not gs://, and passes on a missing object', async () => {
    const store = new GcsClaimCheckStore('b', 'prj', storage().client);
    let error: unknown;
    await store.get('s3://b/k').catch((e) => { error = e; });
    expect((error as Error).message).to.equal('claim check reference s3://b/k is not a gs:// URL');
    await store.get('gs://b/claim-check/none.json').catch((e) => { error = e; });
    expect((error as Error).message).to.equal('No such object');
  });
});
