import { expect } from 'chai';
import { remembered } from '../../runtime';

describe('remembered', () => {
  it('works a name out once, undefined answers included, and answers the same after', () => {
    const asked: string[] = [];
    const prefixed = remembered((name: string) => { asked.push(name); return name.startsWith('ce_') ? name.slice(3) : undefined; });
    expect([prefixed('ce_id'), prefixed('content-type'), prefixed('ce_id'), prefixed('content-type')]).to.deep.equal(['id', undefined, 'id', undefined]);
    expect(asked).to.deep.equal(['ce_id', 'content-type']);
  });

  it('remembers at most `max` names and works the others out each time', () => {
    const asked: string[] = [];
    const length = remembered((name: string) => { asked.push(name); return name.length; }, 2);
    for (const name of ['a', 'bb', 'ccc', 'a', 'bb', 'ccc']) length(name);
    expect(asked).to.deep.equal(['a', 'bb', 'ccc', 'ccc']);
  });
});
