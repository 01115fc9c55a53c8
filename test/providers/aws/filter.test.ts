import { expect } from 'chai';
import { matchesClauses } from '../../../contracts';
import {
  EVENT_PATTERN_MAX_CHARS, SNS_POLICY_MAX_COMBINATIONS, SNS_POLICY_MAX_KEYS, compileEventPattern, compileSnsFilterPolicy,
} from '../../../providers/aws/filter';
import { promotedAttributes } from '../../../providers/aws/runtime/wire';
import { snsPolicyMatches } from '../../helpers/sns-policy';
import { EVENTS, FILTERS, SUBSCRIBED, expected } from './filter-cases';

describe('providers/aws/filter', () => {
  describe('compileEventPattern', () => {
    it('maps type to detail-type, source to source and other attributes into detail', () => {
      const { native, residual, diagnostics } = compileEventPattern({
        types: ['ImageUploaded.v1'],
        where: { source: { in: ['shop.media'] }, subject: { prefix: 'eu/' }, contenttype: { notIn: ['image/gif'] }, region: { notExists: true } },
      });
      expect(native).to.deep.equal({
        'detail-type': ['ImageUploaded.v1'],
        source: ['shop.media'],
        detail: { subject: [{ prefix: 'eu/' }], contenttype: [{ 'anything-but': ['image/gif'] }], region: [{ exists: false }] },
      });
      expect(residual).to.deep.equal([]);
      expect(diagnostics).to.deep.equal([]);
    });

    it('folds a filter on type into the subscribed types', () => {
      const { native } = compileEventPattern({ types: [...SUBSCRIBED], where: { type: { prefix: 'OrderPlaced.' } } });
      expect(native).to.deep.equal({ 'detail-type': ['OrderPlaced.v2', 'OrderPlaced.v1'] });
    });

    it('keeps the types and moves a type filter that excludes them all to the residual, with a warning', () => {
      const { native, residual, diagnostics } = compileEventPattern({ types: ['OrderPlaced.v2'], where: { type: { in: ['X.v1'] } } });
      expect(native).to.deep.equal({ 'detail-type': ['OrderPlaced.v2'] });
      expect(residual).to.deep.equal([{ field: 'type', op: 'in', values: ['X.v1'] }]);
      expect(diagnostics.map((d) => d.code)).to.deep.equal(['UNSUPPORTED_OP']);
    });

    it(`moves clauses to the residual to stay within ${EVENT_PATTERN_MAX_CHARS} characters, and says so`, () => {
      const big = FILTERS.find((f) => f.name === 'over the size limits')!;
      const { native, residual, diagnostics } = compileEventPattern({ types: [...SUBSCRIBED], where: big.where });
      expect(JSON.stringify(native).length).to.be.at.most(EVENT_PATTERN_MAX_CHARS);
      expect(residual.map((c) => c.field)).to.deep.equal(['subject']);
      expect(native).to.have.property('source');
      expect(diagnostics).to.have.length(1);
      expect(diagnostics[0]).to.include({ code: 'TOO_LONG', severity: 'warning' });
      expect(diagnostics[0]!.message).to.match(/subject/);
    });

    it('warns when the event types alone are too long', () => {
      const types = Array.from({ length: 120 }, (_, i) => `SomeRatherLongEventTypeName${i}.v1`);
      const { diagnostics } = compileEventPattern({ types });
      expect(diagnostics.map((d) => d.code)).to.deep.equal(['TOO_LONG']);
      expect(diagnostics[0]!.message).to.match(/split the subscription/);
    });
  });

  describe('compileSnsFilterPolicy', () => {
    it('uses the ce_ attributes and extension names', () => {
      const { native } = compileSnsFilterPolicy({
        types: ['ImageUploaded.v1'], where: { subject: { prefix: 'eu/' }, source: { in: ['shop.media'] }, contenttype: { exists: true } },
      });
      expect(native).to.deep.equal({
        ce_type: ['ImageUploaded.v1'], ce_subject: [{ prefix: 'eu/' }], ce_source: ['shop.media'], contenttype: [{ exists: true }],
      });
    });

    it(`keeps at most ${SNS_POLICY_MAX_KEYS} keys and ${SNS_POLICY_MAX_COMBINATIONS} combinations`, () => {
      for (const name of ['five fields besides type', 'over the size limits']) {
        const f = FILTERS.find((x) => x.name === name)!;
        const { native, residual, diagnostics } = compileSnsFilterPolicy({ types: [...SUBSCRIBED], where: f.where });
        const lists = Object.values(native) as unknown[][];
        expect(lists.length, name).to.be.at.most(SNS_POLICY_MAX_KEYS);
        expect(lists.reduce((n, l) => n * l.length, 1), name).to.be.at.most(SNS_POLICY_MAX_COMBINATIONS);
        expect(residual, name).to.have.length(1);
        expect(diagnostics.map((d) => d.code), name).to.deep.equal(['TOO_LONG']);
      }
    });
  });

  describe('the SNS policy plus its residual accepts exactly what matches() accepts', () => {
    for (const f of FILTERS) {
      it(f.name, () => {
        const types = f.types ?? SUBSCRIBED;
        const { native, residual } = compileSnsFilterPolicy({ types, where: f.where });
        for (const e of EVENTS) {
          const attributes = promotedAttributes(e);
          const got = snsPolicyMatches(native, attributes) && matchesClauses(residual, (k) => (typeof e[k] === 'string' ? (e[k] as string) : undefined));
          // SNS cannot carry an empty attribute value, so "" reads as absent there (documented in wire.ts).
          const reference = expected(types, f.where, e.subject === '' ? { ...e, subject: undefined } : e);
          expect(got, `${f.name} × ${JSON.stringify(attributes)}`).to.equal(reference);
        }
      });
    }
  });
});
