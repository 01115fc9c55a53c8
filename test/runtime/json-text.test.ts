import { expect } from 'chai';
import { JsonTextError, parseJsonBytes } from '../../runtime';

const fails = (bytes: Uint8Array) => {
  try {
    parseJsonBytes(bytes);
  } catch (error) {
    expect(error).to.be.instanceOf(JsonTextError);
    return (error as Error).message;
  }
  throw new Error('expected a JsonTextError');
};

describe('parseJsonBytes', () => {
  it('parses UTF-8 JSON, multi-byte characters and paired surrogate escapes included', () => {
    expect(parseJsonBytes(Buffer.from('{"a":"é 😀 \\ud83d\\ude00","b":[1,{"c":null}]}'))).to.deep.equal({ a: 'é 😀 😀', b: [1, { c: null }] });
  });

  it('refuses invalid UTF-8 instead of replacing it with U+FFFD', () => {
    for (const bytes of [[0xc3, 0x28], [0xff], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]) {
      expect(fails(Buffer.concat([Buffer.from('{"a":"'), Buffer.from(bytes), Buffer.from('"}')])), bytes.join(' ')).to.equal('the body is not valid UTF-8');
    }
  });

  it('refuses an unpaired surrogate escape in a value or a key, however deep', () => {
    const deep = `${'['.repeat(100_000)}"\\udc00"${']'.repeat(100_000)}`;
    for (const text of ['"\\ud800"', '{"a":["x","\\uDBFF"]}', '{"\\udfff":1}', '"\\ude00\\ud83d"', deep]) {
      expect(fails(Buffer.from(text)), text.slice(0, 20)).to.equal('a string holds an unpaired UTF-16 surrogate escape, which has no UTF-8 form');
    }
  });

  it('says what is wrong with malformed JSON', () => {
    expect(fails(Buffer.from('{"a":'))).to.match(/^the body is not JSON \(/);
  });
});
