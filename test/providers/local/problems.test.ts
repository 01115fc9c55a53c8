import { expect } from 'chai';
import { SchemaValidationError } from '../../../contracts';
import { ProblemList, Refusal } from '../../../providers/local';

describe('local problem list (capped error bodies)', () => {
  it('answers with the first problem\'s status, lists 20 problems and counts the rest', () => {
    const problems = new ProblemList('event');
    expect(problems.empty).to.equal(true);
    problems.add(new Refusal(413, 'too big'), 0);
    for (let i = 1; i < 1000; i++) problems.add(new Refusal(400, 'bad'), i);
    const error = problems.error();
    expect(error.status).to.equal(413);
    expect(error.message).to.equal(`event[0]: too big; ${Array.from({ length: 19 }, (_, i) => `event[${i + 1}]: bad`).join('; ')}; and 980 more (1000 problems in all)`);
  });

  it('counts every issue of a schema refusal, listing only those that fit', () => {
    const problems = new ProblemList();
    const issues = Array.from({ length: 20 }, (_, i) => `items.${i}: wrong`);
    problems.add(new Refusal(400, 'ignored', new SchemaValidationError('Cart.v1', issues, { total: 5000 })));
    expect(problems.error().message).to.equal(`Cart.v1 data is invalid: ${issues.join('; ')}; and 4980 more (5000 problems in all)`);
  });

  it('says how many events were not checked against their schema once the list was full', () => {
    const problems = new ProblemList('event');
    for (let i = 0; i < 20; i++) problems.add(new Refusal(400, 'bad'), i);
    expect(problems.full).to.equal(true);
    problems.unchecked();
    expect(problems.error().message).to.match(/event\[19\]: bad; the data of 1 more event was not checked$/);
    problems.unchecked();
    expect(problems.error().message).to.match(/; the data of 2 more events were not checked$/);
  });

  it('lists a lone problem as it is', () => {
    const problems = new ProblemList();
    problems.add(new Refusal(400, 'attribute "type" is required'));
    expect(problems.error().message).to.equal('attribute "type" is required');
  });
});
