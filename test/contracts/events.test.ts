import { expect } from 'chai';
import { z } from 'zod';
import { defineEvent, isEvent } from '../../contracts';
import { OrderPlaced, OrderPlacedV1, ImageUploaded } from '../../app/events';

describe('defineEvent', () => {
  it('names the wire type Name.vN and lists what it can read, itself first', () => {
    expect(OrderPlaced.wireType).to.equal('OrderPlaced.v2');
    expect(OrderPlaced.readableTypes).to.deep.equal(['OrderPlaced.v2', 'OrderPlaced.v1']);
    expect(OrderPlacedV1.readableTypes).to.deep.equal(['OrderPlaced.v1']);
  });

  it('upcasts v1 data to v2 with the declared upcaster', () => {
    const v1 = { orderId: 'o1', amount: 5, currency: 'EUR', customerEmail: 'a@b.example', items: [{ sku: 's', quantity: 1, unitPrice: 5 }] };
    expect(OrderPlaced.upcastFrom!.upcast(v1)).to.deep.equal({ ...v1, channel: 'web' });
  });

  it('exports the JSON Schema of the data with the wire type as its id', () => {
    const schema = OrderPlaced.jsonSchema();
    expect(schema.$id).to.equal('OrderPlaced.v2');
    expect(schema.type).to.equal('object');
    expect(schema.required).to.include.members(['orderId', 'channel', 'items']);
    expect((schema.properties as Record<string, unknown>).channel).to.deep.include({ enum: ['web', 'mobile', 'store'] });
  });

  it('computes declared extension attributes from the data', () => {
    expect(ImageUploaded.extensions.contenttype!({ bucket: 'b', key: 'k', size: 1, contentType: 'Image/PNG' })).to.equal('image/png');
  });

  it('rejects a malformed type, version, extension name and a broken upcaster chain', () => {
    const schema = z.object({});
    expect(() => defineEvent({ type: 'order-placed', version: 1, source: 's', schema })).to.throw(TypeError, /PascalCase/);
    expect(() => defineEvent({ type: 'A', version: 0, source: 's', schema })).to.throw(TypeError, /positive integer/);
    expect(() => defineEvent({ type: 'A', version: 1, source: 's', schema, extensions: { 'Content-Type': () => 'x' } })).to.throw(TypeError, /Content-Type/);
    const a1 = defineEvent({ type: 'A', version: 1, source: 's', schema });
    expect(() => defineEvent({ type: 'A', version: 3, source: 's', schema, upcastFrom: { from: a1, upcast: (x) => x } })).to.throw(TypeError, /A\.v2/);
  });

  it('isEvent narrows by wire type', () => {
    expect(isEvent(OrderPlaced, { type: 'OrderPlaced.v2' })).to.equal(true);
    expect(isEvent(OrderPlaced, { type: 'OrderPlaced.v1' })).to.equal(false);
  });
});
