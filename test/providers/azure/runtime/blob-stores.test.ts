/**
 * The blob claim check and the dead-letter writer against a real Blob service (Azurite).
 */
import { expect } from 'chai';
import { BlobClaimCheckStore } from '../../../../providers/azure/runtime/claim-check';
import { blobDeadLetterWriter, type DeadLetterDocument } from '../../../../providers/azure/runtime/dead-letter';
import { startAzurite, type Azurite } from '../../../helpers/azurite';

describe('providers/azure/runtime claim check and dead letters (Blob Storage, on Azurite)', function () {
  this.timeout(60_000);
  let azurite: Azurite;

  before(async () => {
    azurite = await startAzurite();
    await azurite.container('claim-check').createIfNotExists();
    await azurite.container('dead-letters').createIfNotExists();
  });
  after(async () => {
    await azurite?.stop();
  });

  it('stores oversize data under claim-check/<event id>/ and reads it back by the reference the event carries', async () => {
    const store = new BlobClaimCheckStore(azurite.container('claim-check'));
    const json = JSON.stringify({ big: 'x'.repeat(300_000) });
    const ref = await store.put('evt/1', json);
    expect(ref).to.match(new RegExp(`^${azurite.blobEndpoint}/claim-check/claim-check/evt_1/[0-9a-f-]{36}\\.json$`));
    expect(await store.get(ref)).to.equal(json);
    const props = await azurite.container('claim-check').getBlockBlobClient(decodeURIComponent(ref.slice(`${azurite.blobEndpoint}/claim-check/`.length))).getProperties();
    expect(props.contentType).to.equal('application/json');
  });

  it('refuses a reference outside its container, and one that is gone', async () => {
    const store = new BlobClaimCheckStore(azurite.container('claim-check'));
    try {
      await store.get(`${azurite.blobEndpoint}/dead-letters/claim-check/x.json`);
      expect.fail('read a blob of another container');
    } catch (error) {
      expect((error as Error).message).to.match(/is not in .*\/claim-check\//);
    }
    try {
      await store.get(`${azurite.blobEndpoint}/claim-check/claim-check/gone.json`);
      expect.fail('read a blob that does not exist');
    } catch (error) {
      expect((error as { statusCode?: number }).statusCode).to.equal(404);
    }
  });

  it('writes a dead letter as one JSON blob under herald/<function>/<date>/, with the body unchanged and the reason', async () => {
    const container = azurite.container('dead-letters');
    const write = blobDeadLetterWriter(() => container, 'charge-payment', () => new Date('2026-03-01T10:20:30Z'));
    const url = await write(
      { itemId: 'm-1', payload: 'not json', attempt: 1, rawBody: 'not json', channel: 'queue:payments' },
      'EnvelopeDecodeError: not JSON — ünïcode kept', { attempt: 1 },
    );
    const name = decodeURIComponent(url.slice(`${azurite.blobEndpoint}/dead-letters/`.length));
    expect(name).to.match(/^herald\/charge-payment\/2026\/03\/01\/10\/m-1-[0-9a-f-]{36}\.json$/);
    const blob = container.getBlockBlobClient(name);
    const document = JSON.parse((await blob.downloadToBuffer()).toString('utf8')) as DeadLetterDocument;
    expect(document).to.deep.equal({
      reason: 'EnvelopeDecodeError: not JSON — ünïcode kept', function: 'charge-payment', source: 'queue:payments', itemId: 'm-1',
      attempt: 1, deadLetteredAt: '2026-03-01T10:20:30.000Z', body: 'not json',
    });
    expect((await blob.getProperties()).metadata).to.deep.equal({ herald_function: 'charge-payment', herald_source: 'queue:payments' });
    const listed = [];
    for await (const b of container.listBlobsFlat({ prefix: 'herald/charge-payment/' })) listed.push(b.name);
    expect(listed).to.include(name);
  });
});
