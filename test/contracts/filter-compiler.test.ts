/** The pieces every target's filter compiler shares: the normal form, shedding to a budget, and the two brokerless compilers. */
import { expect } from 'chai';
import { inFunctionFilter, normalizeFilter, routerFilter, shedToBudget, toClauses, type Clause } from '../../contracts';

const clauses: Clause[] = toClauses({ subject: { prefix: ['eu/', 'us/'] }, source: { in: ['a', 'b', 'c'] }, region: { exists: true } });

describe('filter compilers: shared pieces', () => {
  it('folds a type clause into the subscribed types, and keeps the types when it excludes them all', () => {
    expect(normalizeFilter({ types: ['A.v1', 'B.v1'], where: { type: { in: ['B.v1'] }, subject: { exists: true } } })).to.deep.equal({
      types: ['B.v1'], clauses: [{ field: 'subject', op: 'exists', values: [] }], residual: [], diagnostics: [],
    });
    const none = normalizeFilter({ types: ['A.v1'], where: { type: { in: ['X.v1'] } } });
    expect(none.types).to.deep.equal(['A.v1']);
    expect(none.residual).to.deep.equal([{ field: 'type', op: 'in', values: ['X.v1'] }]);
    expect(none.diagnostics.map((d) => d.code)).to.deep.equal(['UNSUPPORTED_OP']);
  });

  it('sheds the heaviest clause first until every budget dimension fits', () => {
    const cost = (native: readonly Clause[]) => ({ keys: native.length, values: native.reduce((n, c) => n + c.values.length, 0) });
    const { native, shed, over } = shedToBudget(clauses, cost, { keys: 2, values: 2 }, (c) => c.values.length);
    expect(shed.map((c) => c.field)).to.deep.equal(['source']);
    expect(native.map((c) => c.field)).to.deep.equal(['subject', 'region']);
    expect(over).to.deep.equal([]);
  });

  it('keeps everything native when it fits, and says which dimension is over when nothing can fit', () => {
    expect(shedToBudget(clauses, () => ({ chars: 10 }), { chars: 100 }, () => 1)).to.deep.equal({ native: clauses, shed: [], over: [] });
    const hopeless = shedToBudget(clauses, () => ({ chars: 500, bytes: 10 }), { chars: 100, bytes: 100 }, () => 1);
    expect(hopeless.native).to.deep.equal([]);
    expect(hopeless.shed).to.have.length(3);
    expect(hopeless.over).to.deep.equal(['chars']);
  });

  it('evaluates everything in the function where the broker filters nothing, and nothing where a router does', () => {
    const input = { types: ['A.v1'], where: { subject: { prefix: 'eu/' } } };
    expect(inFunctionFilter.compile(input).residual).to.deep.equal([
      { field: 'type', op: 'in', values: ['A.v1'] }, { field: 'subject', op: 'prefix', values: ['eu/'] },
    ]);
    expect(inFunctionFilter.compile(input).diagnostics.map((d) => d.code)).to.deep.equal(['NO_BROKER_FILTER']);
    expect(routerFilter.compile(input)).to.deep.equal({ native: [{ field: 'subject', op: 'prefix', values: ['eu/'] }], residual: [], diagnostics: [] });
  });
});
