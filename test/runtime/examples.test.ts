import { expect } from 'chai';
import { z } from 'zod';
import { SchemaValidationError, defineEvent, toClauses, type EventDefinition } from '../../contracts';
import { allEvents } from '../../app/events';
import { EXAMPLE_ID, exampleData, exampleEvent } from '../../runtime/examples';

const event = (schema: z.ZodType<any>, extensions: EventDefinition<any>['extensions'] = {}) =>
  defineEvent({ type: 'Thing', version: 1, source: 'tests', schema, extensions });

describe('runtime/examples', () => {
  describe('exampleData', () => {
    for (const definition of allEvents) {
      it(`makes data ${definition.wireType}'s own schema accepts`, () => {
        const data = exampleData(definition);
        expect(definition.schema.safeParse(data).success, JSON.stringify(data)).to.equal(true);
      });
    }

    const shapes: Array<[string, z.ZodType<any>, unknown]> = [
      ['a declared example first', z.object({ code: z.string().meta({ examples: ['EUR'] }) }), { code: 'EUR' }],
      ['a literal, a default and the first enum value', z.object({ l: z.literal('k'), d: z.string().default('dd'), e: z.enum(['b', 'a']) }), { l: 'k', d: 'dd', e: 'b' }],
      ['formats', z.object({ at: z.iso.datetime(), id: z.uuid(), to: z.url(), mail: z.email() }), { at: '2026-01-01T00:00:00Z', id: '00000000-0000-4000-8000-000000000000', to: 'https://example.com/', mail: 'ada@example.com' }],
      ['a string named after its field, within its length', z.object({ sku: z.string().min(1), code: z.string().min(8).max(8) }), { sku: 'sku-1', code: 'code-1xx' }],
      ['a string matching its pattern', z.object({ ref: z.string().regex(/^[A-Z]{2}-\d{4}(?:-[a-z]+)?$/), day: z.string().regex(/^\d{4}-\d{2}-\d{2}/) }), { ref: 'AA-1111', day: '2026-01-01' }],
      ['numbers within bounds', z.object({ n: z.number().min(5), i: z.number().int().positive(), m: z.number().max(0), s: z.number().multipleOf(0.5).min(1.2) }), { n: 5, i: 1, m: 0, s: 1.5 }],
      ['arrays of at least one (or their minimum), tuples and records', z.object({ a: z.array(z.boolean()), b: z.array(z.number()).min(2), t: z.tuple([z.string(), z.number()]), r: z.record(z.string(), z.number()) }), { a: [true], b: [1, 1], t: ['t-0-1', 1], r: {} }],
      ['optional fields too, and a nullable one as its value', z.object({ o: z.string().optional(), n: z.string().nullable() }), { o: 'o-1', n: 'n-1' }],
      ['nested objects', z.object({ keys: z.object({ id: z.string() }) }), { keys: { id: 'id-1' } }],
    ];
    for (const [what, schema, expected] of shapes) {
      it(`makes ${what}`, () => {
        expect(exampleData(event(schema))).to.deep.equal(expected);
      });
    }

    it('refuses, naming the field and the fix, when no example it makes is valid', () => {
      const picky = event(z.object({ word: z.string().refine((s) => s === 'magic', 'must be magic') }));
      expect(() => exampleData(picky)).to.throw(SchemaValidationError, /word: must be magic; give these fields an example with \.meta/);
    });
  });

  describe('exampleEvent', () => {
    it('is an envelope of the example data, the same every time, with computed extensions', () => {
      const definition = event(z.object({ kind: z.string().meta({ examples: ['Image/PNG'] }) }), { kind: (d) => d.kind.toLowerCase() });
      const e = exampleEvent(definition);
      expect(e).to.deep.include({ specversion: '1.0', id: EXAMPLE_ID, type: 'Thing.v1', source: 'tests', data: { kind: 'Image/PNG' }, kind: 'image/png' });
      expect(exampleEvent(definition)).to.deep.equal(e);
    });

    it('gives the attributes values the subscription\'s filter accepts (never the type)', () => {
      const definition = event(z.object({ kind: z.string() }), { kind: (d) => d.kind });
      const clauses = toClauses({
        subject: { prefix: 'eu/' }, kind: { in: ['image/png'] }, region: { exists: true }, source: { notIn: ['tests'] }, type: { in: ['Other.v1'] },
      });
      expect(exampleEvent(definition, clauses)).to.deep.include({ subject: 'eu/example', kind: 'image/png', region: 'example', source: 'example', type: 'Thing.v1' });
      expect(exampleEvent(definition, toClauses({ kind: { notExists: true } }))).to.not.have.property('kind');
    });
  });
});
