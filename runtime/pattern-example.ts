/**
 * Example strings for JSON Schema patterns (runtime/examples.ts), for the simple patterns schemas carry:
 * anchors, literals, escapes, character classes, groups with alternatives and quantifiers. Anything else
 * (lookarounds, negated classes, back references) has no example here; the caller then tries other values.
 */

/**
 * A string matching a simple pattern: literals, escapes (\d \w \s and escaped characters), character
 * classes (the first character or range start), groups (the first alternative) and quantifiers (their
 * least count, at least once for `*` so the shape shows). Undefined for anything it does not read.
 */
export function patternExample(source: string): string | undefined {
  let i = 0;
  const sequence = (): string | undefined => {
    let out = '';
    while (i < source.length && source[i] !== ')' && source[i] !== '|') {
      const atom = atomAt();
      if (atom === undefined) return undefined;
      out += atom.repeat(repeatCount());
    }
    return out;
  };
  const atomAt = (): string | undefined => {
    const c = source[i++]!;
    if (c === '^' || c === '$') return '';
    if (c === '\\') return escaped(source[i++]);
    if (c === '.') return 'a';
    if (c === '[') {
      const end = source.indexOf(']', i + 1);
      if (end < 0) return undefined;
      const body = source.slice(i, end);
      i = end + 1;
      if (body.startsWith('^')) return undefined;
      return body.startsWith('\\') ? escaped(body[1]) : body[0];
    }
    if (c === '(') {
      if (source.startsWith('?:', i)) i += 2;
      else if (source[i] === '?') return undefined;
      const first = sequence();
      // Skip the other alternatives up to this group's closing parenthesis.
      for (let depth = 0; i < source.length; i++) {
        if (source[i] === '\\') i++;
        else if (source[i] === '(') depth++;
        else if (source[i] === ')' && depth-- === 0) break;
      }
      i++;
      return first;
    }
    if ('*+?{}|)'.includes(c)) return undefined;
    return c;
  };
  const repeatCount = (): number => {
    const q = source[i];
    if (q === '*' || q === '+') return i++, 1;
    if (q === '?') return i++, 0;
    if (q === '{') {
      const m = /^\{(\d+)(?:,\d*)?\}/.exec(source.slice(i));
      if (!m) return 1;
      i += m[0].length;
      return Number(m[1]);
    }
    return 1;
  };
  const result = sequence();
  // A top-level alternation: the first alternative is an example of the whole.
  return i >= source.length || source[i] === '|' ? result : undefined;
}

function escaped(c: string | undefined): string | undefined {
  if (c === undefined) return undefined;
  if (c === 'd') return '1';
  if (c === 'w') return 'a';
  if (c === 's') return ' ';
  if (/[A-Za-z]/.test(c)) return undefined;
  return c;
}
