import { expect } from 'chai';
import { z } from 'zod';
import { SchemaValidationError, UnknownEventTypeError, defineEvent } from '../../contracts';
import { EventRegistry, upcast } from '../../runtime';

const V1 = defineEvent({ type: 'Thing', version: 1, source: 's', schema: z.object({ a: z.string() }) });
const V2 = defineEvent({ type: 'Thing', version: 2, source: 's', schema: z.object({ a: z.string(), b: z.number() }), upcastFrom: { from: V1, upcast: (v) => ({ ...v, b: 1 }) } });
const V3 = defineEvent({ type: 'Thing', version: 3, source: 's', schema: z.object({ a: z.string(), b: z.number(), c: z.boolean() }), upcastFrom: { from: V2, upcast: (v) => ({ ...v, c: v.b > 0 }) } });

describe('EventRegistry and upcasting', () => {
  it('knows every version of the chain from the newest definition', () => {
    const r = new EventRegistry([V3]);
    expect(['Thing.v1', 'Thing.v2', 'Thing.v3'].map((t) => r.has(t))).to.deep.equal([true, true, true]);
    expect(() => r.get('Thing.v4')).to.throw(UnknownEventTypeError, /Thing.v4/);
  });

  it('upcasts along the whole chain, checking each step', () => {
    expect(upcast({ a: 'x' }, V1, V3)).to.deep.equal({ a: 'x', b: 1, c: true });
  });

  it('refuses to upcast down or across', () => {
    expect(() => upcast({ a: 'x', b: 1, c: true }, V3, V1)).to.throw(SchemaValidationError, /Thing.v1 cannot read Thing.v3/);
  });

  it('reports an upcaster that produces invalid data', () => {
    const Bad = defineEvent({ type: 'Thing', version: 2, source: 's', schema: V2.schema, upcastFrom: { from: V1, upcast: (v) => ({ ...v, b: 'no' as unknown as number }) } });
    expect(() => upcast({ a: 'x' }, V1, Bad)).to.throw(SchemaValidationError, /Thing.v2 data is invalid: b/);
  });
});
