/**
 * The interface every target's filter compiler implements, and the pieces they share. A compiler turns
 * a subscription's portable filter (plus the wire types it receives) into what its broker evaluates
 * (`native`: an event pattern, a filter policy, a filter expression, advanced filters, a SQL rule), what
 * the function must evaluate again (`residual`) and why (`diagnostics`, logged at deploy time). The
 * delivery plan (`delivery.ts`) calls the target's compiler once per channel; nothing else compiles.
 */
import { clauseMatches, toClauses, type Clause, type Filter } from './filter';

/** What a subscription filters on: the wire types it receives and its optional filter. */
export interface FilterInput {
  readonly types: readonly string[];
  readonly where?: Filter;
}

/** A deploy-time note about a compiled filter; the deploy side logs warnings with the resource. */
export interface FilterDiagnostic {
  readonly code: 'CASE_INSENSITIVE' | 'TOO_LONG' | 'UNSUPPORTED_OP' | 'NO_BROKER_FILTER';
  readonly severity: 'warning' | 'info';
  readonly message: string;
}

/** A compiled filter: what the broker evaluates, what the function must evaluate again, and why. */
export interface CompiledFilter<N = unknown> {
  readonly native: N;
  /** Clauses the broker does not evaluate; the function evaluates them (AND) before the handler. */
  readonly residual: Clause[];
  readonly diagnostics: FilterDiagnostic[];
}

/** One target's compiler for one kind of hop (a bus rule, a topic subscription, a stream consumer). */
export interface FilterCompiler<N = unknown> {
  compile(input: FilterInput): CompiledFilter<N>;
}

/** The filter in the normal form compilers start from. */
export interface NormalFilter {
  /** The event types to match exactly, with any filter on `type` folded in; undefined when unconstrained. */
  readonly types?: string[];
  /** Clauses on every other field. */
  readonly clauses: Clause[];
  /** Clauses already known to need the function (a `type` filter that excludes every subscribed type). */
  readonly residual: Clause[];
  readonly diagnostics: FilterDiagnostic[];
}

/**
 * Normal form shared by every broker: a clause on `type` is folded into the list of subscribed types
 * (both are known at deploy time), because a broker's key holds one list of alternatives, not an AND.
 */
export function normalizeFilter(input: FilterInput): NormalFilter {
  const all = input.where ? toClauses(input.where) : [];
  const diagnostics: FilterDiagnostic[] = [];
  const residual: Clause[] = [];
  if (!input.types.length) return { clauses: all, residual, diagnostics };
  const typeClause = all.find((c) => c.field === 'type');
  const clauses = all.filter((c) => c !== typeClause);
  if (!typeClause) return { types: [...input.types], clauses, residual, diagnostics };
  const types = input.types.filter((t) => clauseMatches(typeClause, t));
  if (types.length) return { types, clauses, residual, diagnostics };
  // An empty list of alternatives is not a valid native filter anywhere: keep the types and let the function drop everything.
  diagnostics.push({
    code: 'UNSUPPORTED_OP', severity: 'warning',
    message: `the filter on type excludes every subscribed type (${input.types.join(', ')}); no event will reach the handler`,
  });
  residual.push(typeClause);
  return { types: [...input.types], clauses, residual, diagnostics };
}

/** The sizes a native filter may not exceed; each target names the ones its broker has. */
export interface FilterBudget {
  readonly chars?: number;
  readonly bytes?: number;
  readonly keys?: number;
  readonly values?: number;
  readonly combinations?: number;
}
export type FilterCost = { readonly [K in keyof FilterBudget]?: number };

/** What `shedToBudget` kept native and moved to the function. */
export interface Shed {
  readonly native: Clause[];
  readonly shed: Clause[];
  /** Budget dimensions still exceeded with every clause shed (the types alone are too many). */
  readonly over: (keyof FilterBudget)[];
}

/**
 * Moves clauses from the native filter to the residual until the native filter fits the budget, the
 * heaviest clause first (the one whose removal buys the most, by the target's measure). Shedding a
 * clause never changes which events reach the handler: the function evaluates it instead.
 */
export function shedToBudget(clauses: readonly Clause[], cost: (native: readonly Clause[]) => FilterCost, budget: FilterBudget, weight: (clause: Clause) => number): Shed {
  const native = [...clauses];
  const shed: Clause[] = [];
  const over = () => (Object.keys(budget) as (keyof FilterBudget)[]).filter((k) => (cost(native)[k] ?? 0) > budget[k]!);
  while (over().length && native.length) {
    const heaviest = native.reduce((a, b) => (weight(b) > weight(a) ? b : a));
    native.splice(native.indexOf(heaviest), 1);
    shed.push(heaviest);
  }
  return { native, shed, over: over() };
}

/** The warning for clauses moved to the function to fit a budget. */
export function shedDiagnostic(what: string, limits: string, shed: readonly Clause[]): FilterDiagnostic {
  return {
    code: 'TOO_LONG', severity: 'warning',
    message: `${what} is over ${limits}; the filter on ${shed.map((c) => c.field).join(', ')} is evaluated in the function instead`,
  };
}

/**
 * For hops whose broker filters nothing for its consumers (a stream, a Kafka topic): the whole filter,
 * types included, runs in the function.
 */
export const inFunctionFilter: FilterCompiler<Record<string, never>> = {
  compile: (input) => ({
    native: {},
    residual: [{ field: 'type', op: 'in', values: [...input.types] }, ...(input.where ? toClauses(input.where) : [])],
    diagnostics: input.where ? [{ code: 'NO_BROKER_FILTER', severity: 'info', message: 'this source filters nothing for its consumers; the filter is evaluated in the function' }] : [],
  }),
};

/**
 * For an in-process router that evaluates every clause with the reference evaluator before delivery
 * (the embedded runtime): the native form is the normal form itself, and nothing is left to the function.
 */
export const routerFilter: FilterCompiler<Clause[]> = {
  compile: (input) => ({ native: input.where ? toClauses(input.where) : [], residual: [], diagnostics: [] }),
};
