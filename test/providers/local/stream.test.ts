import { expect } from 'chai';
import { DEFAULTS, type StreamSpec } from '../../../contracts';
import { LocalStream, keyReader } from '../../../providers/local';
import { tick } from './fixtures';

describe('local stream', () => {
  it('reads keys from attributes and data paths; an event without one is keyed by its id', () => {
    const e = { ...tick(1, { key: 'order-7' }), subject: 'orders/7' };
    expect(keyReader('subject')(e)).to.equal('orders/7');
    expect(keyReader('data.key')(e)).to.equal('order-7');
    expect(keyReader('data.n')(e)).to.equal('1');
    expect(keyReader('data.missing.deeper')(e)).to.equal(e.id);
    expect(keyReader('dataref')(e)).to.equal(e.id);
    const nested = { ...e, data: { order: { id: 'x' } } };
    expect(keyReader('data.order.id')(nested)).to.equal('x');
    expect(keyReader('data.order')(nested)).to.equal(e.id);
  });

  it('appends to each reader by type', () => {
    const spec: StreamSpec = { kind: 'stream', name: 's', key: 'data.key', ...DEFAULTS.stream };
    const stream = new LocalStream(spec);
    const got: string[] = [];
    stream.add({ subscription: 'a', function: 'a', types: ['Tick.v1'], clauses: [], inlet: { send: (e) => void got.push(`a:${e.id}`) } });
    stream.add({ subscription: 'b', function: 'b', types: ['Tock.v1'], clauses: [], inlet: { send: (e) => void got.push(`b:${e.id}`) } });
    const e = tick(1);
    stream.send(e);
    expect(got).to.deep.equal([`a:${e.id}`]);
    expect(stream.key(e)).to.equal('k');
  });
});
