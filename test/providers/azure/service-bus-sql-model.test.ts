/** The Service Bus SQL model against the grammar and semantics the SQL filter docs state. */
import { expect } from 'chai';
import { evaluateSqlFilter, likeRegExp, parseSqlFilter, serviceBusSelects } from './service-bus-sql-model';

describe('test/providers/azure/service-bus-sql-model', () => {
  it('evaluates the documented IN and NOT IN examples', () => {
    expect(serviceBusSelects("StoreId IN('Store1', 'Store2', 'Store3')", { StoreId: 'Store2' })).to.equal(true);
    expect(serviceBusSelects("StoreId IN('Store1', 'Store2', 'Store3')", { StoreId: 'Store4' })).to.equal(false);
    expect(serviceBusSelects("StoreId NOT IN ('Store1','Store2') OR StoreId = 'Store8'", { StoreId: 'Store8' })).to.equal(true);
  });

  it('compares strings case-sensitively and property names case-insensitively', () => {
    expect(serviceBusSelects("color = 'red'", { Color: 'red' })).to.equal(true);
    expect(serviceBusSelects("color = 'red'", { color: 'Red' })).to.equal(false);
    expect(serviceBusSelects("color IN ('red')", { color: 'RED' })).to.equal(false);
  });

  it('makes a missing property unknown, and unknown selects nothing, negated or not', () => {
    expect(evaluateSqlFilter("x = 'a'", {})).to.equal('unknown');
    expect(evaluateSqlFilter("NOT (x = 'a')", {})).to.equal('unknown');
    expect(evaluateSqlFilter("x NOT IN ('a')", {})).to.equal('unknown');
    expect(evaluateSqlFilter("x NOT LIKE 'a%'", {})).to.equal('unknown');
    expect(serviceBusSelects("x NOT IN ('a')", {})).to.equal(false);
  });

  it('follows the AND and OR tables over unknown', () => {
    expect(evaluateSqlFilter("x = 'a' AND 1=1", {})).to.equal('unknown');
    expect(evaluateSqlFilter("x = 'a' AND 1=2", {})).to.equal(false);
    expect(evaluateSqlFilter("x = 'a' OR 1=1", {})).to.equal(true);
    expect(evaluateSqlFilter("x = 'a' OR 1=2", {})).to.equal('unknown');
  });

  it('is true for IS NULL on a missing or null property, and EXISTS only on a present one', () => {
    expect(evaluateSqlFilter('x IS NULL', {})).to.equal(true);
    expect(evaluateSqlFilter('x IS NULL', { x: null })).to.equal(true);
    expect(evaluateSqlFilter('x IS NOT NULL', { x: '' })).to.equal(true);
    expect(evaluateSqlFilter('EXISTS(x)', { x: null })).to.equal(true);
    expect(evaluateSqlFilter('NOT EXISTS(x)', {})).to.equal(true);
  });

  it('reads % and _ as wildcards and the escape character as the docs show', () => {
    expect(serviceBusSelects("p LIKE 'ABC\\%' ESCAPE '\\'", { p: 'ABC%' })).to.equal(true);
    expect(serviceBusSelects("p LIKE 'ABC\\%' ESCAPE '\\'", { p: 'ABCD' })).to.equal(false);
    expect(serviceBusSelects("p LIKE 'a_c%'", { p: 'abcdef' })).to.equal(true);
    expect(serviceBusSelects("p LIKE 'a_c%'", { p: 'ac' })).to.equal(false);
    expect(serviceBusSelects("p LIKE 'a[b]%'", { p: 'a[b]x' })).to.equal(true);
    expect(() => likeRegExp('a!b', '!', false)).to.throw(SyntaxError, /invalid escape/);
  });

  it('ignores case in LIKE only when told to (the docs do not say)', () => {
    expect(serviceBusSelects("p LIKE 'eu/%'", { p: 'EU/1' })).to.equal(false);
    expect(serviceBusSelects("p LIKE 'eu/%'", { p: 'EU/1' }, { likeIgnoresCase: true })).to.equal(true);
  });

  it("reads doubled quotes in constants and ']]' in delimited names", () => {
    expect(serviceBusSelects("name = 'O''Brien'", { name: "O'Brien" })).to.equal(true);
    expect(serviceBusSelects("[HR-Employee]]ID] = 'a'", { 'HR-Employee]ID': 'a' })).to.equal(true);
  });

  it('refuses what is outside the subset', () => {
    for (const bad of ["x = 'a", "x LIKE 'a' ESCAPE '!!'", 'x IN ()', "x = 'a' AND", 'x IS NOT', "x NOT = 'a'", "x = 'a')"]) {
      expect(() => parseSqlFilter(bad), bad).to.throw(SyntaxError);
    }
  });
});
