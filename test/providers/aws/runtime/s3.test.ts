import { expect } from 'chai';
import { s3 } from '../../../../providers/aws/runtime/s3';
import { envelope, eventBridgeOf, s3ObjectCreated } from '../../../fixtures/aws';

describe('providers/aws/runtime/s3', () => {
  it('detects S3 Object Created from EventBridge and reads bucket, key and size', () => {
    const event = s3ObjectCreated('media', 'uploads/cat.png', 1024);
    expect(s3.detect(event)).to.equal(true);
    expect(s3.decode(event)).to.deep.equal({ eventId: '17793124-05d4-b198-2fde-7ededc63b103', time: '2021-11-12T00:00:00Z', bucket: 'media', key: 'uploads/cat.png', size: 1024 });
  });

  it('ignores other EventBridge events and rejects a malformed detail', () => {
    expect(s3.detect(eventBridgeOf(envelope({ type: 'OrderPlaced.v2', data: {} })))).to.equal(false);
    const bad = { ...s3ObjectCreated('b', 'k'), detail: { bucket: {} } };
    expect(() => s3.decode(bad as never)).to.throw(TypeError, /detail.bucket.name/);
  });

  it('round-trips', () => {
    const o = { eventId: 'e', time: 't', bucket: 'b', key: 'k', size: 3 };
    expect(s3.decode(s3.encode(o))).to.deep.equal(o);
  });
});
