/**
 * The portable filter compiled to AWS's native forms: an EventBridge event pattern (bus rules) and an SNS
 * filter policy (topic subscriptions, `MessageAttributes` scope). Pure: the deploy side serialises `native`
 * into the rule or subscription, and writes `residual` into the function's config, where the pipeline
 * evaluates it again before the handler.
 *
 * Wire format both sides rely on:
 * - EventBridge: `DetailType` = the wire type, `Source` = the envelope's source, `Detail` = the whole
 *   CloudEvent. So `type` → `detail-type`, `source` → `source`, anything else → `detail.<name>`.
 * - SNS: message attributes `ce_type`, `ce_source`, `ce_subject`, and each declared extension under its
 *   own name (String); raw message delivery.
 *
 * Both engines give an absent attribute "no match" for every operator but `exists: false`, which is the
 * reference semantics (`notIn` needs a present value), so every portable clause compiles natively; clauses
 * move to the residual only to stay within a size limit.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html
 */
import { clauseMatches, toClauses, type Clause, type Filter } from '../../contracts';
import { snsAttributeName } from './runtime/wire';

export { snsAttributeName };

/** A compiled filter: what the broker evaluates, what the function must evaluate again, and why. */
export interface CompiledFilter<N> {
  readonly native: N;
  /** Clauses the broker does not evaluate; the function evaluates them (AND) before the handler. */
  readonly residual: Clause[];
  readonly diagnostics: FilterDiagnostic[];
}

/** A deploy-time note about a compiled filter; the deploy side logs warnings with the resource. */
export interface FilterDiagnostic {
  readonly code: 'CASE_INSENSITIVE' | 'TOO_LONG' | 'UNSUPPORTED_OP' | 'NO_BROKER_FILTER';
  readonly severity: 'warning' | 'info';
  readonly message: string;
}

/** What a subscription filters on: the wire types it receives and its optional filter. */
export interface FilterInput {
  readonly types: readonly string[];
  readonly where?: Filter;
}

/**
 * Longest event pattern a rule accepts by default (raisable to 4096 by a quota request).
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
 */
export const EVENT_PATTERN_MAX_CHARS = 2048;

/**
 * SNS filter policy limits: 5 attribute keys and 150 value combinations (the product of the value counts).
 * @see https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html
 */
export const SNS_POLICY_MAX_KEYS = 5;
export const SNS_POLICY_MAX_COMBINATIONS = 150;

/** Compiles a subscription's filter to an EventBridge event pattern. */
export function compileEventPattern(input: FilterInput): CompiledFilter<Record<string, unknown>> {
  const { types, clauses, residual, diagnostics } = prepare(input);
  const build = (native: readonly Clause[]): Record<string, unknown> => {
    const pattern: Record<string, unknown> = {};
    if (types) pattern['detail-type'] = [...types];
    const detail: Record<string, unknown> = {};
    for (const c of native) {
      if (c.field === 'type') pattern['detail-type'] = matcher(c);
      else if (c.field === 'source') pattern.source = matcher(c);
      else detail[c.field] = matcher(c);
    }
    if (Object.keys(detail).length) pattern.detail = detail;
    return pattern;
  };
  const native = [...clauses];
  let pattern = build(native);
  const moved: string[] = [];
  // Keep the event types native (the pipeline rejects types a function does not read); shed the longest clause first.
  while (JSON.stringify(pattern).length > EVENT_PATTERN_MAX_CHARS && native.length) {
    const longest = native.reduce((a, b) => (JSON.stringify(matcher(b)).length > JSON.stringify(matcher(a)).length ? b : a));
    native.splice(native.indexOf(longest), 1);
    residual.push(longest);
    moved.push(longest.field);
    pattern = build(native);
  }
  if (moved.length) {
    diagnostics.push({
      code: 'TOO_LONG', severity: 'warning',
      message: `the event pattern is over ${EVENT_PATTERN_MAX_CHARS} characters; the filter on ${moved.join(', ')} is evaluated in the function instead`,
    });
  }
  const length = JSON.stringify(pattern).length;
  if (length > EVENT_PATTERN_MAX_CHARS) {
    diagnostics.push({
      code: 'TOO_LONG', severity: 'warning',
      message: `the event pattern is ${length} characters even without a filter (${input.types.length} event types); split the subscription or raise the rule's pattern quota to 4096`,
    });
  }
  return { native: pattern, residual, diagnostics };
}

/** Compiles a subscription's filter to an SNS filter policy over message attributes. */
export function compileSnsFilterPolicy(input: FilterInput): CompiledFilter<Record<string, unknown>> {
  const { types, clauses, residual, diagnostics } = prepare(input);
  const native = [...clauses];
  const keys = () => native.length + (types && !native.some((c) => c.field === 'type') ? 1 : 0);
  const combinations = () => native.reduce((n, c) => n * Math.max(1, c.values.length), Math.max(1, types?.length ?? 1));
  const moved: string[] = [];
  // Shed the clause with the most values first: it costs the most combinations.
  while ((keys() > SNS_POLICY_MAX_KEYS || combinations() > SNS_POLICY_MAX_COMBINATIONS) && native.length) {
    const widest = native.reduce((a, b) => (b.values.length > a.values.length ? b : a));
    native.splice(native.indexOf(widest), 1);
    residual.push(widest);
    moved.push(widest.field);
  }
  if (moved.length) {
    diagnostics.push({
      code: 'TOO_LONG', severity: 'warning',
      message: `the SNS filter policy is over ${SNS_POLICY_MAX_KEYS} keys or ${SNS_POLICY_MAX_COMBINATIONS} combinations; the filter on ${moved.join(', ')} is evaluated in the function instead`,
    });
  }
  const policy: Record<string, unknown> = {};
  if (types) policy.ce_type = [...types];
  for (const c of native) policy[snsAttributeName(c.field)] = matcher(c);
  if (combinations() > SNS_POLICY_MAX_COMBINATIONS) {
    diagnostics.push({
      code: 'TOO_LONG', severity: 'warning',
      message: `${input.types.length} event types alone are over SNS's ${SNS_POLICY_MAX_COMBINATIONS} combinations; split the subscription`,
    });
  }
  return { native: policy, residual, diagnostics };
}

/** The native matcher of one clause; the same syntax in EventBridge patterns and SNS policies. */
function matcher(clause: Clause): unknown[] {
  switch (clause.op) {
    case 'in':
      return [...clause.values];
    case 'prefix':
      return clause.values.map((prefix) => ({ prefix }));
    case 'exists':
      return [{ exists: true }];
    case 'notExists':
      return [{ exists: false }];
    case 'notIn':
      return [{ 'anything-but': [...clause.values] }];
  }
}

interface Prepared {
  /** The event types to match exactly, with any filter on `type` folded in; undefined when unconstrained. */
  types?: string[];
  clauses: Clause[];
  residual: Clause[];
  diagnostics: FilterDiagnostic[];
}

/**
 * Normal form shared by both targets. A clause on `type` is folded into the list of subscribed types
 * (both are known at deploy time), because a pattern key holds one list of alternatives, not an AND.
 */
function prepare(input: FilterInput): Prepared {
  const all = input.where ? toClauses(input.where) : [];
  const diagnostics: FilterDiagnostic[] = [];
  const residual: Clause[] = [];
  if (!input.types.length) return { clauses: all, residual, diagnostics };
  const typeClause = all.find((c) => c.field === 'type');
  const clauses = all.filter((c) => c !== typeClause);
  if (!typeClause) return { types: [...input.types], clauses, residual, diagnostics };
  const types = input.types.filter((t) => clauseMatches(typeClause, t));
  if (types.length) return { types, clauses, residual, diagnostics };
  // An empty list of alternatives is not a valid pattern: keep the types and let the function drop everything.
  diagnostics.push({
    code: 'UNSUPPORTED_OP', severity: 'warning',
    message: `the filter on type excludes every subscribed type (${input.types.join(', ')}); no event will reach the handler`,
  });
  residual.push(typeClause);
  return { types: [...input.types], clauses, residual, diagnostics };
}
