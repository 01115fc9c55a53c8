import { expect } from 'chai';
import type { Envelope } from '../../contracts';
import { orderKeyOf, orderKeyReader } from '../../runtime/order-key';

const e = {
  specversion: '1.0', id: 'evt-1', source: 'shop.orders', type: 'OrderPlaced.v2', time: '2026-01-01T00:00:00Z', subject: 'orders/7',
  datacontenttype: 'application/json', region: '', data: { orderId: 'o-7', n: 3, ok: false, none: null, empty: '', nan: Number.NaN, order: { id: 'x' }, list: ['a'] },
} as Envelope;

describe('runtime/order-key', () => {
  const cases: Array<[string | undefined, string, string]> = [
    ['subject', 'orders/7', 'an attribute'],
    ['data.orderId', 'o-7', 'a data path'],
    ['data.order.id', 'x', 'a nested data path'],
    ['data.n', '3', 'a number, as text'],
    ['data.ok', 'false', 'a boolean, as text'],
    ['data.missing.deeper', 'evt-1', 'nothing at the path: the event id'],
    ['data.none', 'evt-1', 'null: the event id'],
    ['data.empty', 'evt-1', 'an empty string: the event id'],
    ['region', 'evt-1', 'an empty attribute: the event id'],
    ['data.nan', 'evt-1', 'a number that is not finite: the event id'],
    ['data.order', 'evt-1', 'an object: the event id'],
    ['data.list', 'evt-1', 'an array: the event id'],
    ['dataref', 'evt-1', 'an absent attribute: the event id'],
    [undefined, 'evt-1', 'no path: the event id'],
  ];
  for (const [path, key, what] of cases) {
    it(`reads ${what} (${path ?? 'no path'} → ${key})`, () => {
      expect(orderKeyReader(path)(e)).to.equal(key);
      expect(orderKeyOf(e, path)).to.equal(key);
    });
  }
});
