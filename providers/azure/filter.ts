/**
 * The portable filter compiled to Azure's native forms: Event Grid advanced filters (bus subscriptions)
 * and a Service Bus SQL rule (topic subscriptions). Pure: the deploy side passes `native` straight into
 * the event subscription's `filter` or the rule's `sqlFilter`, and writes `residual` into the function's
 * config, where the pipeline evaluates it again before the handler.
 *
 * Wire format both sides rely on (providers/azure/runtime/wire.ts):
 * - Event Grid delivers the CloudEvent itself, so an advanced filter's key is the attribute's own name
 *   (`source`, `subject`, an extension's name) and `type` is `includedEventTypes`.
 * - Service Bus carries each filterable attribute as an application property named by
 *   `serviceBusPropertyName` (`cloudEvents_<name>`); an empty string is not promoted, so it reads as absent.
 *
 * A native filter may let through more than the reference (the function drops the rest), never less.
 * Where a native operator is not exact, the clause also stays in the residual:
 * - Event Grid compares every string case-insensitively (documented), so `in`, `prefix` and `notIn` are
 *   re-checked in the function. `StringNotIn` would *drop* `IMAGE/GIF` for `notIn: ['image/gif']`, which
 *   the reference delivers, so `notIn` compiles to `IsNotNull` plus `StringNotIn` over the values that
 *   have no upper/lower case form only (for those, ignoring case changes nothing). Whether
 *   `includedEventTypes` ignores case is not documented, so the pipeline re-checks the type exactly.
 * - Service Bus SQL compares with C# semantics (`=`, `IN`, `NOT IN` are ordinal, case-sensitive), but the
 *   docs say nothing of case in `LIKE`, so a `prefix` is re-checked in the function.
 * @see https://learn.microsoft.com/azure/event-grid/event-filtering
 * @see https://learn.microsoft.com/azure/service-bus-messaging/service-bus-messaging-sql-filter
 */
import {
  inFunctionFilter, normalizeFilter, shedDiagnostic, shedToBudget, type Clause, type CompiledFilter, type DeliveryTarget,
  type FilterCompiler, type FilterInput,
} from '../../contracts';
import { serviceBusPropertyName } from './runtime/wire';

export { serviceBusPropertyName };
export type { CompiledFilter, FilterInput };

/**
 * Event Grid advanced-filter limits per event subscription: 25 advanced filters and 25 filter values
 * across all of them, and 512 characters per string value.
 * @see https://learn.microsoft.com/azure/event-grid/event-filtering#limitations
 */
export const EVENT_GRID_MAX_ADVANCED_FILTERS = 25;
export const EVENT_GRID_MAX_FILTER_VALUES = 25;
export const EVENT_GRID_MAX_VALUE_CHARS = 512;

/**
 * Longest SQL filter condition a Service Bus rule accepts.
 * @see https://learn.microsoft.com/azure/service-bus-messaging/service-bus-quotas
 */
export const SERVICE_BUS_SQL_MAX_CHARS = 1024;

/**
 * Attempts of a direct (queue-less) Event Grid → function delivery. Event Grid allows up to 30, spread
 * over as long as 24 h on its fixed schedule; Herald keeps the bound every target gives a direct
 * subscription (the embedded runtime's and Lambda's 3), so a handler retries the same way everywhere.
 * A subscription that needs more reads through a queue.
 * @see https://learn.microsoft.com/azure/event-grid/delivery-and-retry
 */
export const EVENT_GRID_DIRECT_ATTEMPTS = 3;

/** One Event Grid advanced filter, shaped as `@pulumi/azure-native/eventgrid` `EventSubscription` takes it. */
export type AdvancedFilter =
  | { readonly operatorType: 'StringIn'; readonly key: string; readonly values: string[] }
  | { readonly operatorType: 'StringNotIn'; readonly key: string; readonly values: string[] }
  | { readonly operatorType: 'StringBeginsWith'; readonly key: string; readonly values: string[] }
  | { readonly operatorType: 'IsNotNull'; readonly key: string }
  | { readonly operatorType: 'IsNullOrUndefined'; readonly key: string };

/** The `filter` of an Event Grid event subscription (no `includedEventTypes`: every type). */
export interface EventGridFilter {
  readonly includedEventTypes?: string[];
  readonly advancedFilters: AdvancedFilter[];
}

/** The SQL filter of a Service Bus subscription rule. */
export interface ServiceBusRule {
  readonly sqlExpression: string;
}

/** Compiles a bus subscription's filter to Event Grid `includedEventTypes` and advanced filters. */
export function compileAdvancedFilters(input: FilterInput): CompiledFilter<EventGridFilter> {
  const { types, clauses, residual, diagnostics } = normalizeFilter(input);
  // A value over Event Grid's length limit cannot be sent at all: its clause runs in the function.
  const tooLong = clauses.filter((c) => c.values.some((v) => v.length > EVENT_GRID_MAX_VALUE_CHARS));
  if (tooLong.length) diagnostics.push(shedDiagnostic('a filter value', `Event Grid's ${EVENT_GRID_MAX_VALUE_CHARS} characters`, tooLong));
  const fitting = clauses.filter((c) => !tooLong.includes(c));
  const cost = (native: readonly Clause[]) => {
    const filters = native.flatMap(advancedFilters);
    return { keys: filters.length, values: filters.reduce((n, f) => n + ('values' in f ? f.values.length : 0), 0) };
  };
  // Shed the clause that costs the most filters and values first.
  const { native, shed } = shedToBudget(fitting, cost, { keys: EVENT_GRID_MAX_ADVANCED_FILTERS, values: EVENT_GRID_MAX_FILTER_VALUES },
    (c) => { const own = cost([c]); return own.keys + own.values; });
  if (shed.length) {
    diagnostics.push(shedDiagnostic('the event subscription filter', `${EVENT_GRID_MAX_ADVANCED_FILTERS} advanced filters or ${EVENT_GRID_MAX_FILTER_VALUES} values`, shed));
  }
  const inexact = native.filter((c) => !exactOnEventGrid(c));
  if (inexact.length) {
    diagnostics.push({
      code: 'CASE_INSENSITIVE', severity: 'info',
      message: `Event Grid compares strings ignoring case; the filter on ${inexact.map((c) => c.field).join(', ')} is checked again, exactly, in the function`,
    });
  }
  // Whether includedEventTypes ignores case is not documented: the function checks the type exactly, so a
  // type in another case is filtered out rather than dead-lettered as a type the function cannot read.
  const typeCheck: Clause[] = types ? [{ field: 'type', op: 'in', values: [...types] }] : [];
  const filter: EventGridFilter = { ...(types ? { includedEventTypes: [...types] } : {}), advancedFilters: native.flatMap(advancedFilters) };
  return { native: filter, residual: [...residual, ...typeCheck, ...clauses.filter((c) => !native.includes(c) || inexact.includes(c))], diagnostics };
}

/** Compiles a topic subscription's filter to a Service Bus SQL rule over the promoted properties. */
export function compileServiceBusRule(input: FilterInput): CompiledFilter<ServiceBusRule> {
  const { types, clauses, residual, diagnostics } = normalizeFilter(input);
  // A type list too long for a rule on its own is left to the function: the rule then selects every type.
  const typesFit = !types || sqlCondition({ field: 'type', op: 'in', values: types }).length <= SERVICE_BUS_SQL_MAX_CHARS;
  const typeCondition = types && typesFit ? [sqlCondition({ field: 'type', op: 'in', values: types })] : [];
  const build = (native: readonly Clause[]): string => {
    const parts = [...typeCondition, ...native.map(sqlCondition)];
    return parts.length ? parts.join(' AND ') : '1=1';
  };
  // Shed the longest condition first: it buys the most characters.
  const { native, shed } = shedToBudget(clauses, (n) => ({ chars: build(n).length }), { chars: SERVICE_BUS_SQL_MAX_CHARS },
    (c) => sqlCondition(c).length);
  if (shed.length) diagnostics.push(shedDiagnostic('the Service Bus SQL filter', `${SERVICE_BUS_SQL_MAX_CHARS} characters`, shed));
  const typeCheck: Clause[] = [];
  if (types && !typesFit) {
    typeCheck.push({ field: 'type', op: 'in', values: [...types] });
    diagnostics.push({
      code: 'TOO_LONG', severity: 'warning',
      message: `${types.length} event types alone are over Service Bus's ${SERVICE_BUS_SQL_MAX_CHARS}-character SQL filter; the rule selects every type and the function drops the others (split the subscription to filter them at the broker)`,
    });
  }
  const inexact = native.filter((c) => c.op === 'prefix');
  if (inexact.length) {
    diagnostics.push({
      code: 'CASE_INSENSITIVE', severity: 'info',
      message: `Service Bus does not document whether SQL LIKE ignores case; the filter on ${inexact.map((c) => c.field).join(', ')} is checked again, exactly, in the function`,
    });
  }
  return { native: { sqlExpression: build(native) }, residual: [...residual, ...typeCheck, ...shed, ...inexact], diagnostics };
}

/** The compilers Azure puts between a publisher and a subscription, by hop. */
export const AZURE_FILTER_COMPILERS: Readonly<Record<'bus' | 'topic' | 'stream', FilterCompiler>> = {
  bus: { compile: compileAdvancedFilters },
  topic: { compile: compileServiceBusRule },
  // Event Hubs filters nothing for its consumers: the whole filter, types included, runs in the function.
  stream: inFunctionFilter,
};

/** Azure's part of the delivery plan: its compilers, and the attempts of a direct Event Grid delivery. */
export const AZURE_DELIVERY: DeliveryTarget = {
  name: 'azure',
  compiler: (from) => AZURE_FILTER_COMPILERS[from],
  directAttempts: EVENT_GRID_DIRECT_ATTEMPTS,
};

/** Whether a string has no upper or lower case form: comparing it while ignoring case is comparing it exactly. */
export function isCaseless(value: string): boolean {
  return value.toLowerCase() === value && value.toUpperCase() === value;
}

/**
 * The advanced filters of one clause. Every one accepts at least what the reference accepts: values
 * Event Grid may refuse or compare loosely are left to the function (an empty string is not sent: the
 * docs do not say a filter takes one).
 */
function advancedFilters(clause: Clause): AdvancedFilter[] {
  const key = clause.field;
  switch (clause.op) {
    case 'exists':
      return [{ operatorType: 'IsNotNull', key }];
    case 'notExists':
      return [{ operatorType: 'IsNullOrUndefined', key }];
    case 'in':
      return clause.values.includes('') ? [{ operatorType: 'IsNotNull', key }] : [{ operatorType: 'StringIn', key, values: [...clause.values] }];
    case 'prefix':
      // Every present value starts with "".
      return clause.values.includes('') ? [{ operatorType: 'IsNotNull', key }] : [{ operatorType: 'StringBeginsWith', key, values: [...clause.values] }];
    case 'notIn': {
      // StringNotIn alone matches a missing key; the reference needs a present value.
      const exact = clause.values.filter((v) => v !== '' && isCaseless(v));
      return [{ operatorType: 'IsNotNull', key }, ...(exact.length ? [{ operatorType: 'StringNotIn' as const, key, values: exact }] : [])];
    }
  }
}

/** Whether a clause's advanced filters accept exactly what the reference accepts. */
function exactOnEventGrid(clause: Clause): boolean {
  return clause.op === 'exists' || clause.op === 'notExists' || (clause.op === 'prefix' && clause.values.includes(''));
}

/** The escape character of every LIKE pattern Herald writes. */
export const LIKE_ESCAPE = '!';

/** A SQL string constant: single quotes, a quote inside doubled. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A property reference: the name as is when it is a regular identifier, else a delimited `[name]`. */
export function sqlProperty(field: string): string {
  const name = serviceBusPropertyName(field);
  return /^\p{L}[_\p{L}\p{Nd}]*$/u.test(name) ? name : `[${name.replaceAll(']', ']]')}]`;
}

/**
 * The LIKE pattern of a prefix: its `%`, `_` and escape characters escaped, then `%`. The docs name `%`
 * and `_` as the only wildcards; the pattern stops before a `[` all the same, in case the engine reads
 * T-SQL's `[…]` classes (a shorter prefix matches more, and the function checks the whole one).
 */
export function likePrefixPattern(prefix: string): string {
  const cut = prefix.includes('[') ? prefix.slice(0, prefix.indexOf('[')) : prefix;
  return `${cut.replace(/[%_!]/g, (c) => LIKE_ESCAPE + c)}%`;
}

/** The SQL condition of one clause. */
function sqlCondition(clause: Clause): string {
  const p = sqlProperty(clause.field);
  const list = () => clause.values.map(sqlString).join(',');
  switch (clause.op) {
    case 'in':
      return `${p} IN (${list()})`;
    case 'notIn':
      // A missing property makes NOT IN unknown, which already selects nothing; IS NOT NULL says so outright.
      return `${p} IS NOT NULL AND ${p} NOT IN (${list()})`;
    // IS [NOT] NULL rather than EXISTS: IS NULL is true for a missing *or null* property, and the reference
    // reads anything but a string as absent (EXISTS would count a null property as present).
    case 'exists':
      return `${p} IS NOT NULL`;
    case 'notExists':
      return `${p} IS NULL`;
    case 'prefix': {
      const likes = clause.values.map((v) => `${p} LIKE ${sqlString(likePrefixPattern(v))} ESCAPE ${sqlString(LIKE_ESCAPE)}`);
      return likes.length === 1 ? likes[0]! : `(${likes.join(' OR ')})`;
    }
  }
}
