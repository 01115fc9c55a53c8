import { expect } from 'chai';
import { patternExample } from '../../runtime/pattern-example';

describe('runtime/pattern-example', () => {
  const matching: Array<[string, string]> = [
    ['^[A-Z]{3}$', 'AAA'],
    ['^\\d{4}-\\d{2}-\\d{2}', '1111-11-11'],
    ['^ord_[a-z0-9]+$', 'ord_a'],
    ['^(?:eu|us)/\\w*\\.json$', 'eu/a.json'],
    ['^v\\d+(\\.\\d+)?$', 'v1'],
    ['^[\\d]{2,5}x?$', '11'],
    ['^abc$|^xyz$', 'abc'],
  ];
  for (const [pattern, example] of matching) {
    it(`makes ${example} for ${pattern}`, () => {
      expect(patternExample(pattern)).to.equal(example);
      expect(new RegExp(pattern, 'u').test(example)).to.equal(true);
    });
  }

  for (const pattern of ['^[^a-z]+$', '^(?=a)a$', '^\\p{L}+$', '^a{2']) {
    it(`has no example for ${pattern}`, () => {
      expect(patternExample(pattern)).to.equal(undefined);
    });
  }
});
