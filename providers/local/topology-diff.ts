/**
 * What changed between two versions of an app's topology, as `herald dev`'s hot reload reports it and
 * decides by it: nothing declared changed (only code did: swap the handlers in place), or the topology
 * changed (re-plan and restart the runtime on the same stores). Subscriptions are compared by their
 * channel in the delivery plan, so a change that reaches a subscription from elsewhere (a queue's
 * attempts, a function's timeout, an event's older version) shows on it too.
 *
 * Code is not declaration: handler bodies, upcasters and extension functions are left out of the
 * comparison (a reload swaps them); an event's schema is compared as its JSON Schema.
 */
import { deliveryPlan, type Channel, type DeliveryTarget, type Topology } from '../../contracts';

export interface TopologyChange {
  /** `subscription`, `event`, `bus`, `queue`, `topic`, `stream`, `function`, `schedule`, `webhook`, `bucket`, `table`, `alarm`, `topology` */
  readonly kind: string;
  readonly name: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** For `changed`: the fields that differ, sorted. */
  readonly fields?: readonly string[];
}

/** The declared kinds other than subscriptions, with the name each is known by. */
const KINDS = [
  ['event', 'events'], ['bus', 'buses'], ['queue', 'queues'], ['topic', 'topics'], ['stream', 'streams'], ['function', 'functions'],
  ['schedule', 'schedules'], ['webhook', 'webhooks'], ['bucket', 'buckets'], ['table', 'tables'], ['alarm', 'alarms'],
] as const;

/**
 * Every declared difference from `before` to `after`, subscriptions first (in `after`'s plan order, then
 * the removed ones), then the other kinds in declaration order. Empty when only code changed.
 */
export function topologyDiff(before: Topology, after: Topology, delivery: DeliveryTarget): TopologyChange[] {
  const changes: TopologyChange[] = [];
  if (before.name !== after.name) changes.push({ kind: 'topology', name: after.name, change: 'changed', fields: ['name'] });
  const channels = (t: Topology) => new Map(deliveryPlan(t, delivery).channels.map((c) => [c.subscription, declared(c)]));
  changes.push(...compare('subscription', channels(before), channels(after)));
  for (const [kind, list] of KINDS) {
    const byName = (t: Topology) => new Map<string, unknown>((t[list] as readonly { name?: string; wireType?: string }[])
      .map((item) => [item.wireType ?? item.name!, kind === 'event' ? eventShape(item as Topology['events'][number]) : declared(item)]));
    changes.push(...compare(kind, byName(before), byName(after)));
  }
  return changes;
}

function compare(kind: string, before: ReadonlyMap<string, unknown>, after: ReadonlyMap<string, unknown>): TopologyChange[] {
  const changes: TopologyChange[] = [];
  for (const [name, value] of after) {
    const was = before.get(name);
    if (was === undefined) changes.push({ kind, name, change: 'added' });
    else {
      const fields = differingFields(was as Record<string, unknown>, value as Record<string, unknown>);
      if (fields.length) changes.push({ kind, name, change: 'changed', fields });
    }
  }
  for (const name of before.keys()) if (!after.has(name)) changes.push({ kind, name, change: 'removed' });
  return changes;
}

function differingFields(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}

/** An event as declared: its schema as JSON Schema, its extension names and what it upcasts from (not the functions). */
function eventShape(e: Topology['events'][number]): Record<string, unknown> {
  return {
    source: e.source, description: e.description, schema: e.jsonSchema(), extensions: Object.keys(e.extensions).sort(),
    upcastFrom: e.upcastFrom?.from.wireType,
  };
}

/** A spec or channel as plain data: functions (code) dropped, keys in a stable order for comparison. */
function declared(value: object | Channel): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'function' ? undefined : v))) as Record<string, unknown>;
}

/** One line per change, for the dev log: `+ subscription audit-orders`, `~ queue payments: maxAttempts`. */
export function describeChanges(changes: readonly TopologyChange[]): string[] {
  const sign = { added: '+', removed: '-', changed: '~' } as const;
  return changes.map((c) => `${sign[c.change]} ${c.kind} ${c.name}${c.fields?.length ? `: ${c.fields.join(', ')}` : ''}`);
}
