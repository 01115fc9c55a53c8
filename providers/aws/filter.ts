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
import {
  inFunctionFilter, normalizeFilter, shedDiagnostic, shedToBudget, type Clause, type CompiledFilter, type DeliveryTarget,
  type FilterCompiler, type FilterInput,
} from '../../contracts';
import { DIRECT_MAX_ATTEMPTS } from './limits';
import { snsAttributeName } from './runtime/wire';

export { snsAttributeName };
export type { CompiledFilter, FilterInput };

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
  const { types, clauses, residual, diagnostics } = normalizeFilter(input);
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
  // Keep the event types native (the pipeline rejects types a function does not read); shed the longest clause first.
  const { native, shed, over } = shedToBudget(clauses, (n) => ({ chars: JSON.stringify(build(n)).length }), { chars: EVENT_PATTERN_MAX_CHARS },
    (c) => JSON.stringify(matcher(c)).length);
  if (shed.length) diagnostics.push(shedDiagnostic('the event pattern', `${EVENT_PATTERN_MAX_CHARS} characters`, shed));
  const pattern = build(native);
  if (over.length) {
    diagnostics.push({
      code: 'TOO_LONG', severity: 'warning',
      message: `the event pattern is ${JSON.stringify(pattern).length} characters even without a filter (${input.types.length} event types); split the subscription or raise the rule's pattern quota to 4096`,
    });
  }
  return { native: pattern, residual: [...residual, ...shed], diagnostics };
}

/** Compiles a subscription's filter to an SNS filter policy over message attributes. */
export function compileSnsFilterPolicy(input: FilterInput): CompiledFilter<Record<string, unknown>> {
  const { types, clauses, residual, diagnostics } = normalizeFilter(input);
  const cost = (native: readonly Clause[]) => ({
    keys: native.length + (types && !native.some((c) => c.field === 'type') ? 1 : 0),
    combinations: native.reduce((n, c) => n * Math.max(1, c.values.length), Math.max(1, types?.length ?? 1)),
  });
  const budget = { keys: SNS_POLICY_MAX_KEYS, combinations: SNS_POLICY_MAX_COMBINATIONS };
  // Shed the clause with the most values first: it costs the most combinations.
  const { native, shed, over } = shedToBudget(clauses, cost, budget, (c) => c.values.length);
  if (shed.length) diagnostics.push(shedDiagnostic('the SNS filter policy', `${SNS_POLICY_MAX_KEYS} keys or ${SNS_POLICY_MAX_COMBINATIONS} combinations`, shed));
  const policy: Record<string, unknown> = {};
  if (types) policy.ce_type = [...types];
  for (const c of native) policy[snsAttributeName(c.field)] = matcher(c);
  if (over.includes('combinations')) {
    diagnostics.push({
      code: 'TOO_LONG', severity: 'warning',
      message: `${input.types.length} event types alone are over SNS's ${SNS_POLICY_MAX_COMBINATIONS} combinations; split the subscription`,
    });
  }
  return { native: policy, residual: [...residual, ...shed], diagnostics };
}

/** The compilers AWS puts between a publisher and a subscription, by hop. */
export const AWS_FILTER_COMPILERS: Readonly<Record<'bus' | 'topic' | 'stream', FilterCompiler>> = {
  bus: { compile: compileEventPattern },
  topic: { compile: compileSnsFilterPolicy },
  // Kinesis filters nothing for its consumers: the whole filter, types included, runs in the function.
  stream: inFunctionFilter,
};

/** AWS's part of the delivery plan: its compilers, and Lambda's asynchronous retry bound for direct deliveries. */
export const AWS_DELIVERY: DeliveryTarget = {
  name: 'aws',
  compiler: (from) => AWS_FILTER_COMPILERS[from],
  directAttempts: DIRECT_MAX_ATTEMPTS,
};

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
