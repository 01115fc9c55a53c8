/**
 * A small evaluator of Event Grid's documented filter semantics, for tests: which CloudEvents an event
 * subscription's `filter` delivers. It models what the docs state, not what Herald would like:
 * - `includedEventTypes`: the event's `type` is one of them (every type when absent). The docs do not
 *   say whether this ignores case, so the model takes either answer (`typesIgnoreCase`) and the tests
 *   run under both.
 * - advanced filters are AND'ed; the values of one filter are OR'ed;
 * - every string comparison ignores case;
 * - a missing key is "no match" for every operator but `NumberNotIn` and `StringNotIn`, which match;
 * - `IsNullOrUndefined` matches a missing or null key, `IsNotNull` any other value;
 * - a value whose data type is not the filter's is ignored (no match for a positive operator).
 * @see https://learn.microsoft.com/azure/event-grid/event-filtering
 */
import type { AdvancedFilter, EventGridFilter } from '../../../providers/azure/filter';

export interface EventGridModelOptions {
  /** Whether `includedEventTypes` ignores case (undocumented). @default false */
  readonly typesIgnoreCase?: boolean;
}

/** Whether an event subscription with this filter delivers the CloudEvent. */
export function eventGridDelivers(filter: EventGridFilter, event: Readonly<Record<string, unknown>>, options: EventGridModelOptions = {}): boolean {
  if (filter.includedEventTypes) {
    const type = event.type;
    if (typeof type !== 'string') return false;
    const same = options.typesIgnoreCase ? equalIgnoringCase : (a: string, b: string) => a === b;
    if (!filter.includedEventTypes.some((t) => same(t, type))) return false;
  }
  return filter.advancedFilters.every((f) => advancedFilterMatches(f, valueAt(event, f.key)));
}

/** One advanced filter against the value at its key (`undefined` when the key is missing). */
export function advancedFilterMatches(filter: AdvancedFilter, value: unknown): boolean {
  switch (filter.operatorType) {
    case 'IsNotNull':
      return value !== undefined && value !== null;
    case 'IsNullOrUndefined':
      return value === undefined || value === null;
    case 'StringNotIn':
      // Documented: a missing key matches; a value of another type is ignored, so nothing fails the match.
      if (typeof value !== 'string') return true;
      return !filter.values.some((v) => equalIgnoringCase(v, value));
    case 'StringIn':
      return typeof value === 'string' && filter.values.some((v) => equalIgnoringCase(v, value));
    case 'StringBeginsWith':
      return typeof value === 'string' && filter.values.some((v) => value.toLowerCase().startsWith(v.toLowerCase()));
  }
}

/** The value at a key: an attribute of the CloudEvent by name, `data.a.b` into its data. */
function valueAt(event: Readonly<Record<string, unknown>>, key: string): unknown {
  let value: unknown = event;
  for (const part of key.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function equalIgnoringCase(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
