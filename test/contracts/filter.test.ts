import { expect } from 'chai';
import { clauseMatches, matches, toClauses, type Filter } from '../../contracts';

const event = (attrs: Record<string, string>) => ({ specversion: '1.0', id: '1', type: 'OrderPlaced.v1', source: 'shop.orders', ...attrs });

describe('filter', () => {
  describe('toClauses', () => {
    it('normalizes every operator, a single prefix string included', () => {
      expect(toClauses({ type: { in: ['a'] }, subject: { prefix: 'eu/' }, x: { exists: true }, y: { notExists: true }, z: { notIn: ['v'] } }))
        .to.deep.equal([
          { field: 'type', op: 'in', values: ['a'] },
          { field: 'subject', op: 'prefix', values: ['eu/'] },
          { field: 'x', op: 'exists', values: [] },
          { field: 'y', op: 'notExists', values: [] },
          { field: 'z', op: 'notIn', values: ['v'] },
        ]);
    });

    const malformed: [string, unknown][] = [
      ['no operator', {}],
      ['two operators', { in: ['a'], prefix: ['b'] }],
      ['an unknown operator', { suffix: ['x'] }],
      ['an empty list', { in: [] }],
      ['a non-string value', { in: [1] }],
      ['exists with false', { exists: false }],
    ];
    for (const [what, condition] of malformed) {
      it(`rejects ${what}`, () => {
        expect(() => toClauses({ subject: condition } as unknown as Filter)).to.throw(TypeError, /subject/);
      });
    }
  });

  describe('matches (the reference semantics)', () => {
    // [filter, attributes of the event, expected]
    const table: [string, Filter, Record<string, string>, boolean][] = [
      ['in: equal', { source: { in: ['shop.orders', 'shop.x'] } }, {}, true],
      ['in: not equal', { source: { in: ['shop.payments'] } }, {}, false],
      ['in: case-sensitive', { source: { in: ['SHOP.ORDERS'] } }, {}, false],
      ['in: absent attribute', { subject: { in: ['a'] } }, {}, false],
      ['notIn: other value', { subject: { notIn: ['a'] } }, { subject: 'b' }, true],
      ['notIn: listed value', { subject: { notIn: ['a', 'b'] } }, { subject: 'b' }, false],
      ['notIn: absent attribute does not match', { subject: { notIn: ['a'] } }, {}, false],
      ['prefix: starts with', { subject: { prefix: 'eu/' } }, { subject: 'eu/fr' }, true],
      ['prefix: one of several', { subject: { prefix: ['us/', 'eu/'] } }, { subject: 'eu/fr' }, true],
      ['prefix: does not start with', { subject: { prefix: 'eu/' } }, { subject: 'us/eu/' }, false],
      ['prefix: absent attribute', { subject: { prefix: 'eu/' } }, {}, false],
      ['prefix: empty prefix matches any present value', { subject: { prefix: '' } }, { subject: 'x' }, true],
      ['exists: present', { contenttype: { exists: true } }, { contenttype: 'image/png' }, true],
      ['exists: absent', { contenttype: { exists: true } }, {}, false],
      ['notExists: absent', { contenttype: { notExists: true } }, {}, true],
      ['notExists: present', { contenttype: { notExists: true } }, { contenttype: '' }, false],
      ['AND: all hold', { type: { in: ['OrderPlaced.v1'] }, subject: { prefix: 'eu/' } }, { subject: 'eu/1' }, true],
      ['AND: one fails', { type: { in: ['OrderPlaced.v1'] }, subject: { prefix: 'us/' } }, { subject: 'eu/1' }, false],
      ['empty filter matches everything', {}, {}, true],
    ];
    for (const [name, filter, attrs, expected] of table) {
      it(`${name} → ${expected}`, () => {
        expect(matches(filter, event(attrs))).to.equal(expected);
      });
    }

    it('ignores attributes that are not strings', () => {
      expect(matches({ size: { exists: true } }, { size: 3 })).to.equal(false);
    });

    it('evaluates normalized clauses the same as the filter', () => {
      const filter: Filter = { subject: { prefix: 'eu/' } };
      expect(matches(toClauses(filter), event({ subject: 'eu/x' }))).to.equal(true);
      expect(clauseMatches(toClauses(filter)[0]!, undefined)).to.equal(false);
    });
  });
});
