/**
 * A small evaluator of the Service Bus SQL filter subset Herald writes, for tests: it parses the
 * expression (and throws on anything outside the subset, so a malformed rule fails the test) and
 * evaluates it against a message's application properties with the documented semantics:
 * - `AND`, `OR`, `NOT` and parentheses, over three values (true, false, unknown); a rule selects a
 *   message only when its filter is true;
 * - a missing user property is unknown; `IS NULL` is true for a missing or null property;
 *   `EXISTS(p)` is true when the property is there;
 * - comparisons with unknown are unknown (`=`, `[NOT] IN`, `[NOT] LIKE`), `NOT unknown` is unknown;
 * - `=` and `IN` compare as C# does: strings ordinally, so case-sensitively;
 * - `LIKE` has the wildcards `%` and `_` and an optional one-character `ESCAPE`; the docs do not say
 *   whether it ignores case, so the model takes either answer (`likeIgnoresCase`) and the tests run both;
 * - string constants in single quotes, a quote doubled inside; property names are case-insensitive,
 *   regular identifiers or `[delimited]` (a `]` doubled inside).
 * @see https://learn.microsoft.com/azure/service-bus-messaging/service-bus-messaging-sql-filter
 */

export interface ServiceBusSqlOptions {
  /** Whether LIKE ignores case (undocumented). @default false */
  readonly likeIgnoresCase?: boolean;
}

type Truth = true | false | 'unknown';
type Value = string | number | boolean | null | undefined;
type Properties = Readonly<Record<string, Value>>;

type Expr =
  | { kind: 'const'; value: string | number | boolean | null }
  | { kind: 'prop'; name: string };

type Predicate =
  | { kind: 'and' | 'or'; left: Predicate; right: Predicate }
  | { kind: 'not'; operand: Predicate }
  | { kind: 'exists'; name: string }
  | { kind: 'isNull'; name: string; negated: boolean }
  | { kind: 'in'; expr: Expr; list: Expr[]; negated: boolean }
  | { kind: 'like'; expr: Expr; pattern: string; escape?: string; negated: boolean }
  | { kind: 'compare'; op: '=' | '<>' | '!='; left: Expr; right: Expr };

/** Whether a subscription rule with this SQL filter selects a message with these application properties. */
export function serviceBusSelects(sqlExpression: string, properties: Properties, options: ServiceBusSqlOptions = {}): boolean {
  return evaluate(parseSqlFilter(sqlExpression), properties, options) === true;
}

/** The three-valued result of a SQL filter (exported for tests of the model itself). */
export function evaluateSqlFilter(sqlExpression: string, properties: Properties, options: ServiceBusSqlOptions = {}): Truth {
  return evaluate(parseSqlFilter(sqlExpression), properties, options);
}

// ---- tokens ----

type Token =
  | { t: 'word'; v: string }
  | { t: 'ident'; v: string }
  | { t: 'string'; v: string }
  | { t: 'number'; v: number }
  | { t: 'punct'; v: string };

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'LIKE', 'ESCAPE', 'IS', 'NULL', 'EXISTS', 'TRUE', 'FALSE']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new SyntaxError('unterminated string constant');
        if (text[i] === "'") {
          if (text[i + 1] === "'") { v += "'"; i += 2; continue; }
          i++;
          break;
        }
        v += text[i++];
      }
      tokens.push({ t: 'string', v });
      continue;
    }
    if (c === '[') {
      let v = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new SyntaxError('unterminated delimited identifier');
        if (text[i] === ']') {
          if (text[i + 1] === ']') { v += ']'; i += 2; continue; }
          i++;
          break;
        }
        v += text[i++];
      }
      tokens.push({ t: 'ident', v });
      continue;
    }
    const number = /^\d+/.exec(text.slice(i));
    if (number) { tokens.push({ t: 'number', v: Number(number[0]) }); i += number[0].length; continue; }
    const word = /^\p{L}[_\p{L}\p{Nd}]*/u.exec(text.slice(i));
    if (word) {
      const upper = word[0].toUpperCase();
      tokens.push(KEYWORDS.has(upper) ? { t: 'word', v: upper } : { t: 'ident', v: word[0] });
      i += word[0].length;
      continue;
    }
    const punct = /^(<>|!=|[(),=])/.exec(text.slice(i));
    if (punct) { tokens.push({ t: 'punct', v: punct[0] }); i += punct[0].length; continue; }
    throw new SyntaxError(`unexpected character ${JSON.stringify(c)} at ${i}`);
  }
  return tokens;
}

// ---- parser (precedence: OR < AND < NOT) ----

/** Parses a SQL filter of the subset. @throws SyntaxError outside it */
export function parseSqlFilter(text: string): Predicate {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (v: string) => peek()?.t === 'word' && peek()!.v === v;
  const isPunct = (v: string) => peek()?.t === 'punct' && peek()!.v === v;
  const expectWord = (v: string) => { if (!isWord(v)) throw new SyntaxError(`expected ${v} at token ${pos}`); pos++; };
  const expectPunct = (v: string) => { if (!isPunct(v)) throw new SyntaxError(`expected "${v}" at token ${pos}`); pos++; };

  const or = (): Predicate => {
    let left = and();
    while (isWord('OR')) { pos++; left = { kind: 'or', left, right: and() }; }
    return left;
  };
  const and = (): Predicate => {
    let left = not();
    while (isWord('AND')) { pos++; left = { kind: 'and', left, right: not() }; }
    return left;
  };
  const not = (): Predicate => {
    if (isWord('NOT')) { pos++; return { kind: 'not', operand: not() }; }
    return primary();
  };
  const propertyName = (): string => {
    const tok = peek();
    if (tok?.t !== 'ident') throw new SyntaxError(`expected a property at token ${pos}`);
    pos++;
    return tok.v;
  };
  const expression = (): Expr => {
    const tok = peek();
    if (!tok) throw new SyntaxError('unexpected end');
    if (tok.t === 'string' || tok.t === 'number') { pos++; return { kind: 'const', value: tok.v }; }
    if (tok.t === 'word' && (tok.v === 'TRUE' || tok.v === 'FALSE')) { pos++; return { kind: 'const', value: tok.v === 'TRUE' }; }
    if (tok.t === 'word' && tok.v === 'NULL') { pos++; return { kind: 'const', value: null }; }
    return { kind: 'prop', name: propertyName() };
  };
  const stringConstant = (): string => {
    const tok = peek();
    if (tok?.t !== 'string') throw new SyntaxError(`expected a string constant at token ${pos}`);
    pos++;
    return tok.v;
  };
  const primary = (): Predicate => {
    if (isPunct('(')) {
      pos++;
      const inner = or();
      expectPunct(')');
      return inner;
    }
    if (isWord('EXISTS')) {
      pos++;
      expectPunct('(');
      const name = propertyName();
      expectPunct(')');
      return { kind: 'exists', name };
    }
    const left = expression();
    if (isWord('IS')) {
      if (left.kind !== 'prop') throw new SyntaxError('IS [NOT] NULL takes a property');
      pos++;
      const negated = isWord('NOT');
      if (negated) pos++;
      expectWord('NULL');
      return { kind: 'isNull', name: left.name, negated };
    }
    const negated = isWord('NOT');
    if (negated) pos++;
    if (isWord('IN')) {
      pos++;
      expectPunct('(');
      const list = [expression()];
      while (isPunct(',')) { pos++; list.push(expression()); }
      expectPunct(')');
      return { kind: 'in', expr: left, list, negated };
    }
    if (isWord('LIKE')) {
      pos++;
      const pattern = stringConstant();
      let escape: string | undefined;
      if (isWord('ESCAPE')) {
        pos++;
        escape = stringConstant();
        if (escape.length !== 1) throw new SyntaxError('ESCAPE takes a string of length 1');
      }
      return { kind: 'like', expr: left, pattern, ...(escape !== undefined ? { escape } : {}), negated };
    }
    if (negated) throw new SyntaxError(`expected IN or LIKE after NOT at token ${pos}`);
    const op = peek();
    if (op?.t === 'punct' && (op.v === '=' || op.v === '<>' || op.v === '!=')) {
      pos++;
      return { kind: 'compare', op: op.v, left, right: expression() };
    }
    throw new SyntaxError(`expected a predicate at token ${pos}`);
  };

  const result = or();
  if (pos !== tokens.length) throw new SyntaxError(`unexpected token ${pos}: ${JSON.stringify(tokens[pos])}`);
  return result;
}

// ---- evaluation ----

function lookup(properties: Properties, name: string): Value {
  // Property names are case-insensitive.
  const key = Object.keys(properties).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : properties[key];
}

function valueOf(expr: Expr, properties: Properties): Value {
  return expr.kind === 'const' ? expr.value : lookup(properties, expr.name);
}

const unknown = (v: Value) => v === undefined || v === null;
const negate = (t: Truth): Truth => (t === 'unknown' ? t : !t);

function evaluate(p: Predicate, properties: Properties, options: ServiceBusSqlOptions): Truth {
  switch (p.kind) {
    case 'and': {
      const l = evaluate(p.left, properties, options);
      const r = evaluate(p.right, properties, options);
      if (l === false || r === false) return false;
      return l === true && r === true ? true : 'unknown';
    }
    case 'or': {
      const l = evaluate(p.left, properties, options);
      const r = evaluate(p.right, properties, options);
      if (l === true || r === true) return true;
      return l === false && r === false ? false : 'unknown';
    }
    case 'not':
      return negate(evaluate(p.operand, properties, options));
    case 'exists':
      return lookup(properties, p.name) !== undefined;
    case 'isNull': {
      const isNull = unknown(lookup(properties, p.name));
      return p.negated ? !isNull : isNull;
    }
    case 'compare': {
      const l = valueOf(p.left, properties);
      const r = valueOf(p.right, properties);
      if (unknown(l) || unknown(r)) return 'unknown';
      return p.op === '=' ? l === r : l !== r;
    }
    case 'in': {
      const v = valueOf(p.expr, properties);
      if (unknown(v)) return 'unknown';
      const found = p.list.some((e) => valueOf(e, properties) === v);
      return p.negated ? !found : found;
    }
    case 'like': {
      const v = valueOf(p.expr, properties);
      if (unknown(v)) return 'unknown';
      if (typeof v !== 'string') return false;
      const found = likeRegExp(p.pattern, p.escape, options.likeIgnoresCase ?? false).test(v);
      return p.negated ? !found : found;
    }
  }
}

/**
 * A LIKE pattern as a regular expression over the whole value. The escape character may only precede a
 * wildcard or itself (SQL-92 makes anything else an error), so a compiler that escapes too much fails here.
 */
export function likeRegExp(pattern: string, escape: string | undefined, ignoreCase: boolean): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (escape !== undefined && c === escape) {
      const next = pattern[i + 1];
      if (next === undefined || !['%', '_', escape].includes(next)) throw new SyntaxError(`invalid escape sequence in LIKE pattern ${JSON.stringify(pattern)}`);
      source += escapeRegExp(next);
      i++;
    } else if (c === '%') source += '[\\s\\S]*';
    else if (c === '_') source += '[\\s\\S]';
    else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, ignoreCase ? 'iu' : 'u');
}

function escapeRegExp(c: string): string {
  // Only syntax characters: a `u` regular expression refuses any other escape.
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
