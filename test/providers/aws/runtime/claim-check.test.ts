import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { S3ClaimCheckStore } from '../../../../providers/aws/runtime/claim-check';

describe('providers/aws/runtime/claim-check', () => {
  const s3 = mockClient(S3Client);
  beforeEach(() => s3.reset());

  it('stores data under the event id and reads it back from the s3:// reference', async () => {
    s3.on(PutObjectCommand).resolves({});
    // The SDK's stream body, reduced to the one method the store calls.
    s3.on(GetObjectCommand).resolves({ Body: { transformToString: async () => '{"big":true}' } as never });
    const store = new S3ClaimCheckStore('claims', new S3Client({}));
    const ref = await store.put('e-1', '{"big":true}');
    expect(ref).to.match(/^s3:\/\/claims\/claim-check\/e-1\/[0-9a-f-]{36}\.json$/);
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).to.deep.include({ Bucket: 'claims', Body: '{"big":true}', ContentType: 'application/json' });
    expect(await store.get(ref)).to.equal('{"big":true}');
    expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input).to.deep.equal({ Bucket: 'claims', Key: ref.slice('s3://claims/'.length) });
  });

  it('rejects a reference that is not s3://', async () => {
    let error: unknown;
    await new S3ClaimCheckStore('claims', new S3Client({})).get('memory://x').catch((e) => { error = e; });
    expect((error as Error).message).to.match(/not an s3:\/\/ URL/);
  });
});
