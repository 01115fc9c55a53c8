/**
 * The service's rules that pstest does not enforce (real-components.md §5), checked on a filter's text, so
 * the tests against pstest cannot pass a filter the service would refuse:
 * AND and OR never side by side at one parenthesis depth, string literals closed and holding no escape but
 * \" and \\, and attribute keys unquoted. Returns what is wrong, or [] when nothing is.
 */
export function serviceRuleViolations(filter: string): string[] {
  const problems: string[] = [];
  const operators: Array<Set<string>> = [new Set()];
  let i = 0;
  while (i < filter.length) {
    const ch = filter[i]!;
    if (ch === '"') {
      let j = i + 1;
      for (; j < filter.length && filter[j] !== '"'; j++) {
        if (filter[j] === '\\') {
          if (!['"', '\\'].includes(filter[j + 1] ?? '')) problems.push(`escape \\${filter[j + 1] ?? ''} at ${j}`);
          j++;
        }
      }
      if (j >= filter.length) problems.push(`unterminated string at ${i}`);
      i = j + 1;
    } else if (ch === '(') {
      operators.push(new Set());
      i++;
    } else if (ch === ')') {
      if (operators.length === 1) problems.push(`unbalanced ) at ${i}`);
      else operators.pop();
      i++;
    } else {
      const word = /^(AND|OR)\b/.exec(filter.slice(i));
      if (word && (i === 0 || /[\s)]/.test(filter[i - 1]!))) {
        operators.at(-1)!.add(word[1]!);
        if (operators.at(-1)!.size > 1) problems.push(`AND and OR side by side at ${i}`);
        i += word[1]!.length;
      } else {
        if (filter.startsWith('attributes', i) && !/^attributes[.:][A-Za-z0-9_-]+/.test(filter.slice(i))) problems.push(`a quoted or odd key at ${i}`);
        i++;
      }
    }
  }
  if (operators.length !== 1) problems.push('unbalanced (');
  return problems;
}
