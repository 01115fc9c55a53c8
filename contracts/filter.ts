/**
 * The portable filter language and its reference evaluator. This file *defines* the semantics:
 * every cloud's compiled filter must match exactly the events `matches` accepts.
 *
 * A filter is an AND across fields, one condition per field, over envelope attributes only
 * (`type`, `source`, `subject` and declared extension attributes). Values are case-sensitive.
 *
 * ```ts
 * { subject: { prefix: 'eu/' }, contenttype: { in: ['image/png', 'image/jpeg'] } }
 * ```
 */

/** One condition on one attribute. */
export type Condition =
  /** Equals one of the values. An absent attribute does not match. */
  | { readonly in: readonly string[] }
  /** Present and equal to none of the values. An absent attribute does NOT match (as in EventBridge). */
  | { readonly notIn: readonly string[] }
  /** Starts with one of the prefixes. An absent attribute does not match. */
  | { readonly prefix: string | readonly string[] }
  | { readonly exists: true }
  | { readonly notExists: true };

/** Field name → condition; the fields are AND'ed. */
export type Filter = Readonly<Record<string, Condition>>;

export const FILTER_OPS = ['in', 'notIn', 'prefix', 'exists', 'notExists'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

/** A condition in normal form, as compilers consume it. `values` is empty for exists/notExists. */
export interface Clause {
  readonly field: string;
  readonly op: FilterOp;
  readonly values: readonly string[];
}

/** The attributes every event has, and so every filter may name. */
export const CORE_FILTER_FIELDS = ['type', 'source', 'subject'] as const;

/**
 * Normal form of a filter, in field order.
 * @throws TypeError when a condition has no operator, several operators, or non-string values.
 */
export function toClauses(filter: Filter): Clause[] {
  return Object.entries(filter).map(([field, condition]) => toClause(field, condition));
}

function toClause(field: string, condition: Condition): Clause {
  const ops = Object.keys(condition ?? {}) as FilterOp[];
  if (ops.length !== 1 || !FILTER_OPS.includes(ops[0]!)) {
    throw new TypeError(`filter on "${field}" must have exactly one of ${FILTER_OPS.join(', ')}; got {${ops.join(', ')}}`);
  }
  const op = ops[0]!;
  const raw = (condition as Record<string, unknown>)[op];
  if (op === 'exists' || op === 'notExists') {
    if (raw !== true) throw new TypeError(`filter on "${field}": ${op} takes true`);
    return { field, op, values: [] };
  }
  const values = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string')) {
    throw new TypeError(`filter on "${field}": ${op} takes a non-empty list of strings`);
  }
  return { field, op, values };
}

/** Reads one string attribute of an event; `undefined` when absent. */
export type AttributeReader = (field: string) => string | undefined;

/** Whether one clause accepts an attribute value. */
export function clauseMatches(clause: Clause, value: string | undefined): boolean {
  switch (clause.op) {
    case 'in':
      return value !== undefined && clause.values.includes(value);
    case 'notIn':
      return value !== undefined && !clause.values.includes(value);
    case 'prefix':
      return value !== undefined && clause.values.some((p) => value.startsWith(p));
    case 'exists':
      return value !== undefined;
    case 'notExists':
      return value === undefined;
  }
}

/** The reference evaluator: whether every clause accepts the event's attributes. */
export function matchesClauses(clauses: readonly Clause[], read: AttributeReader): boolean {
  for (const clause of clauses) if (!clauseMatches(clause, read(clause.field))) return false;
  return true;
}

/** The reference evaluator over a plain attribute map (an envelope works). */
export function matches(filter: Filter | readonly Clause[], attributes: Readonly<Record<string, unknown>>): boolean {
  const clauses = Array.isArray(filter) ? (filter as readonly Clause[]) : toClauses(filter as Filter);
  return matchesClauses(clauses, (field) => {
    const value = attributes[field];
    return typeof value === 'string' ? value : undefined;
  });
}
