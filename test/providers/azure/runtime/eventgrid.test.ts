import { expect } from 'chai';
import { BLOB_CREATED, blobCreatedEvent, blobCreatedOf, eventGrid, isBlobCreated } from '../../../../providers/azure/runtime/eventgrid';
import { blobCreated, envelope } from './fixtures';

describe('providers/azure/runtime/eventgrid', () => {
  const placed = envelope({ type: 'OrderPlaced.v1', data: { orderId: 'o-1' } });

  it('decodes a pushed CloudEvent as one record of attempt 1, naming no source', () => {
    const [record, ...rest] = eventGrid.decode(eventGrid.encode([placed]));
    expect(rest).to.deep.equal([]);
    expect(record).to.include({ itemId: placed.id, attempt: 1 });
    expect(record!.channel).to.equal(undefined);
    expect(record!.payload).to.deep.equal(placed);
  });

  it('reads the blob of the docs\' BlobCreated CloudEvent: container, name, size, content type, event id and time', () => {
    const event = blobCreated('media', 'uploads/cat.png', { contentType: 'image/png', contentLength: 30699, account: 'shopmedia' }).input;
    expect(isBlobCreated(event)).to.equal(true);
    expect(blobCreatedOf(event)).to.deep.equal({
      eventId: '9aeb0fdf-c01e-0131-0922-9eb54906e209', time: '2019-11-18T15:13:39.4589254Z', account: 'shopmedia',
      container: 'media', name: 'uploads/cat.png', size: 30699, contentType: 'image/png',
    });
  });

  it('decodes a blob name the subject carries URL-encoded', () => {
    expect(blobCreatedOf(blobCreated('media', 'uploads/a%20cat.png').input).name).to.equal('uploads/a cat.png');
  });

  it('refuses what is not a BlobCreated event naming a blob', () => {
    expect(isBlobCreated(placed)).to.equal(false);
    expect(() => blobCreatedOf(placed)).to.throw(TypeError, BLOB_CREATED);
    const odd = { ...(blobCreated('media', 'x').input as object), subject: '/blobServices/default/containers/media' };
    expect(() => blobCreatedOf(odd)).to.throw(TypeError, /names no blob/);
  });

  it('encodes a BlobCreated event that reads back as the same blob', () => {
    const blob = { account: 'shopherald', container: 'media', name: 'uploads/a b.png', size: 10, contentType: 'image/png' };
    expect(blobCreatedOf(blobCreatedEvent(blob).input)).to.include({ container: 'media', name: 'uploads/a b.png', size: 10, contentType: 'image/png', account: 'shopherald' });
  });
});
