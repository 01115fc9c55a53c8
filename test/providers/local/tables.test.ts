import { expect } from 'chai';
import { expectReject } from '../../helpers/reject';
import type { Envelope, TableSpec } from '../../../contracts';
import { HttpError, LocalTables, parseRow } from '../../../providers/local';
import { RowChanged, refused } from './fixtures';

const customers: TableSpec = { kind: 'table', name: 'customers', partitionKey: 'customerId', onChange: { emits: 'RowChanged.v1', to: { kind: 'bus', name: 'b' } } };
const visits: TableSpec = { kind: 'table', name: 'visits', partitionKey: 'customerId', sortKey: 'at', onChange: { emits: 'RowChanged.v1', to: { kind: 'bus', name: 'b' } } };
const plain: TableSpec = { kind: 'table', name: 'plain', partitionKey: 'id' };

describe('local tables', () => {
  let emitted: Envelope[];
  let tables: LocalTables;
  beforeEach(() => {
    emitted = [];
    tables = new LocalTables([customers, visits, plain], { definition: () => RowChanged, emit: (_t, e) => void emitted.push(e) });
  });

  it('inserts, modifies and removes a row, each emitting the change with its old and new images', async () => {
    // act: not awaited one by one, so the writes also show they are applied in order
    const [inserted, modified, removed] = await Promise.all([
      tables.put('customers', ['c-1'], { email: 'ada@example.com' }),
      tables.put('customers', ['c-1'], { email: 'ada@example.org', name: 'Ada' }),
      tables.delete('customers', ['c-1']),
    ]);
    // assert
    expect(emitted.map((e) => e.data)).to.deep.equal([
      { table: 'customers', op: 'insert', keys: { customerId: 'c-1' }, newImage: { customerId: 'c-1', email: 'ada@example.com' } },
      { table: 'customers', op: 'modify', keys: { customerId: 'c-1' }, newImage: { customerId: 'c-1', email: 'ada@example.org', name: 'Ada' }, oldImage: { customerId: 'c-1', email: 'ada@example.com' } },
      { table: 'customers', op: 'remove', keys: { customerId: 'c-1' }, oldImage: { customerId: 'c-1', email: 'ada@example.org', name: 'Ada' } },
    ]);
    expect(emitted.map((e) => [e.type, e.subject])).to.deep.equal([['RowChanged.v1', 'c-1'], ['RowChanged.v1', 'c-1'], ['RowChanged.v1', 'c-1']]);
    expect([inserted, modified, removed].map((r) => [r.op, r.ids[0]])).to.deep.equal(emitted.map((e) => [(e.data as { op: string }).op, e.id]));
    expect(new Set(emitted.map((e) => e.id)).size).to.equal(3);
    expect(tables.get('customers', ['c-1'])).to.equal(undefined);
  });

  it('keys a table with a sort key by both values, partition key first in the subject', async () => {
    await tables.put('visits', ['c-1', '2026-05-01'], { page: '/cart' });
    expect(tables.get('visits', ['c-1', '2026-05-01'])).to.deep.equal({ page: '/cart', customerId: 'c-1', at: '2026-05-01' });
    expect(emitted[0]!.subject).to.equal('c-1/2026-05-01');
    expect(emitted[0]!.data).to.deep.include({ keys: { customerId: 'c-1', at: '2026-05-01' } });
  });

  it('emits nothing for a write that changes nothing, as a database change stream does', async () => {
    await tables.put('customers', ['c-1'], { email: 'ada@example.com' });
    const again = await tables.put('customers', ['c-1'], { customerId: 'c-1', email: 'ada@example.com' });
    expect(again).to.deep.equal({ table: 'customers', op: 'unchanged', keys: { customerId: 'c-1' }, ids: [] });
    expect(emitted).to.have.length(1);
  });

  it('stores rows of a table without a change trigger and emits nothing', async () => {
    expect(await tables.put('plain', ['p-1'], { x: 1 })).to.deep.equal({ table: 'plain', op: 'insert', keys: { id: 'p-1' }, ids: [] });
    expect(tables.get('plain', ['p-1'])).to.deep.equal({ x: 1, id: 'p-1' });
    expect(emitted).to.deep.equal([]);
  });

  const refusals: Array<[string, () => unknown, number, RegExp]> = [
    ['an unknown table', () => tables.put('nope', ['a'], {}), 404, /^no table "nope"; tables: customers, visits, plain$/],
    ['a row that is not an object', () => tables.put('customers', ['c-1'], [1, 2]), 400, /^a row is a JSON object$/],
    ['a key attribute that differs from the path', () => tables.put('customers', ['c-1'], { customerId: 'c-2' }), 400, /^the row's customerId "c-2" does not match the key in the path "c-1"$/],
    ['too few key values', () => tables.put('visits', ['c-1'], {}), 400, /^table "visits" is keyed by customerId and at: give <customerId>\/<at> after \/rows\/$/],
    ['an empty key value', () => tables.put('customers', [''], {}), 400, /keyed by customerId/],
    ['a change event that does not fit its schema', () => tables.put('customers', ['c-1'], { email: 'not an address' }), 400, /^the row's change event does not fit its schema: RowChanged\.v1 data is invalid: newImage\.email/],
    ['removing a row that is not there', () => tables.delete('customers', ['c-9']), 404, /^no row c-9 in table "customers"$/],
  ];
  for (const [what, run, status, message] of refusals) {
    it(`refuses ${what} (${status}), leaving the table as it was and emitting nothing`, async () => {
      await tables.put('customers', ['c-0'], { email: 'zoe@example.com' });
      emitted.length = 0;
      const error = await expectReject(Promise.resolve().then(run), HttpError);
      expect(error.status).to.equal(status);
      expect(error.message).to.match(message);
      expect(emitted).to.deep.equal([]);
      expect(tables.get('customers', ['c-0'])).to.deep.equal({ email: 'zoe@example.com', customerId: 'c-0' });
      expect(tables.get('customers', ['c-1'])).to.equal(undefined);
    });
  }

  it('leaves the row as it was when the event cannot be sent on', async () => {
    const failing = new LocalTables([customers], { definition: () => RowChanged, emit: () => Promise.reject(new Error('stopping')) });
    await expectReject(failing.put('customers', ['c-1'], { email: 'ada@example.com' }), Error, /stopping/);
    expect(failing.get('customers', ['c-1'])).to.equal(undefined);
  });

  it('reads a JSON body as a row, and answers 400 for one that is not JSON', () => {
    expect(parseRow(Buffer.from('{"a":1}'))).to.deep.equal({ a: 1 });
    const error = refused(() => parseRow(Buffer.from('{"a":')));
    expect(error.status).to.equal(400);
    expect(error.message).to.match(/^malformed JSON: the body is not JSON/);
    const utf8 = refused(() => parseRow(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])));
    expect([utf8.status, utf8.message]).to.deep.equal([400, 'malformed JSON: the body is not valid UTF-8']);
  });
});
