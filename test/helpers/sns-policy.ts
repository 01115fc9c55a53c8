/**
 * An evaluator of SNS filter policies over message attributes, limited to the operators Herald emits,
 * written from SNS's documented semantics: every policy key must name a present attribute (except
 * `exists: false`), and one of the key's alternatives must accept its value.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/string-value-matching.html
 */
export function snsPolicyMatches(policy: Record<string, unknown>, attributes: Record<string, string>): boolean {
  return Object.entries(policy).every(([key, alternatives]) => {
    if (!Array.isArray(alternatives)) throw new TypeError(`policy key ${key} is not a list`);
    const value = attributes[key];
    return alternatives.some((m) => accepts(m, value));
  });
}

function accepts(m: unknown, value: string | undefined): boolean {
  if (typeof m === 'string') return value === m;
  if (typeof m !== 'object' || m === null) throw new TypeError(`unsupported matcher ${JSON.stringify(m)}`);
  const [op, arg] = Object.entries(m)[0]!;
  switch (op) {
    case 'prefix': return value !== undefined && value.startsWith(arg as string);
    case 'exists': return arg === (value !== undefined);
    case 'anything-but': return value !== undefined && !(arg as string[]).includes(value);
    default: throw new TypeError(`unsupported operator ${op}`);
  }
}
