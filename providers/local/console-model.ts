/**
 * What the dev console draws, as JSON (`GET /console/api/topology`): the topology as a graph (sources →
 * buses and topics → queues and streams → functions, a filter on each subscription's edge), each
 * subscription's hop and upcasts (the trace view reads them), every declared event with a valid example
 * for the publish form, the schedules and the webhooks. Channels come from the delivery plan, the one
 * place they are derived; nothing here re-derives one.
 */
import { deliveryPlan, type Channel, type Clause, type DeliveryTarget, type Ref, type Topology } from '../../contracts';
import { describe, type EventRegistry } from '../../runtime';
import { exampleData } from '../../runtime/examples';

/** Columns, left to right: where events come from, where they are published, the hop a function reads, the functions. */
export type NodeKind = 'source' | 'bus' | 'topic' | 'queue' | 'stream' | 'function';

export interface GraphNode {
  /** `<kind>:<name>`, unique. */
  readonly id: string;
  readonly kind: NodeKind;
  readonly label: string;
  /** A second line: what the node is (`webhook POST /webhooks/payments`, `maxAttempts 5`, `timeout 10s`). */
  readonly detail: string;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** `emits`: a source publishes; `routes`: a subscription's events enter its hop or function; `delivers`: a hop feeds its function; `publishes`: a function publishes. */
  readonly kind: 'emits' | 'routes' | 'delivers' | 'publishes';
  /** The event types on the edge. */
  readonly label: string;
  /** The subscription's filter, one clause a line (routes edges only). */
  readonly filter: readonly string[];
  readonly subscription?: string;
}

/** A subscription as the trace view needs it: the hop its events go through and the upcasts it applies. */
export interface ConsoleSubscription {
  readonly name: string;
  readonly function: string;
  readonly from: string;
  readonly hop: { readonly kind: 'direct' | 'queue' | 'stream'; readonly name: string; readonly own: boolean };
  /** The wire types it subscribes to. */
  readonly events: readonly string[];
  /** Each older wire type it reads, with the subscribed type it is upcast to. */
  readonly upcasts: Readonly<Record<string, string>>;
  readonly filter: readonly string[];
  readonly maxAttempts: number;
}

export interface ConsoleEvent {
  readonly type: string;
  readonly source: string;
  readonly description?: string;
  /** A valid CloudEvent to publish (type, source, data), absent when no example could be made (`exampleError` says why). */
  readonly example?: { readonly type: string; readonly source: string; readonly data: unknown };
  readonly exampleError?: string;
}

export interface ConsoleModel {
  readonly name: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly subscriptions: readonly ConsoleSubscription[];
  /** Functions with the event types each may publish (the trace view hangs caused events under them). */
  readonly functions: ReadonlyArray<{ readonly name: string; readonly publishes: readonly string[] }>;
  readonly events: readonly ConsoleEvent[];
  readonly schedules: ReadonlyArray<{ readonly name: string; readonly cron: string; readonly emits: string; readonly next?: string }>;
  /** `secretSet`: whether herald dev's environment holds the secret (a test webhook cannot be signed without it). */
  readonly webhooks: ReadonlyArray<{ readonly name: string; readonly path: string; readonly method: string; readonly emits: string; readonly secretEnv: string; readonly secretSet: boolean }>;
}

export interface ConsoleModelInput {
  readonly topology: Topology;
  readonly registry: EventRegistry;
  /** The target whose delivery plan the runtime consumes. */
  readonly delivery: DeliveryTarget;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** When a schedule fires next. */
  readonly nextFire: (schedule: string) => Date | undefined;
}

/** `contenttype prefix "image/"`: one clause, as the graph labels it. */
function clauseText(c: Clause): string {
  return c.values.length ? `${c.field} ${c.op} ${c.values.map((v) => JSON.stringify(v)).join(' | ')}` : `${c.field} ${c.op}`;
}

const nodeId = (r: Ref) => `${r.kind === 'fn' ? 'function' : r.kind}:${r.name}`;

/** The console's view of a topology. */
export function consoleModel(input: ConsoleModelInput): ConsoleModel {
  const { topology: t, env } = input;
  const channels = deliveryPlan(t, input.delivery).channels;
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const edge = (e: Omit<GraphEdge, 'filter'> & { filter?: readonly string[] }) => void edges.push({ filter: [], ...e });

  const defaultTarget = t.buses[0] ?? t.topics[0];
  if (defaultTarget) {
    nodes.push({ id: 'source:events', kind: 'source', label: 'POST /events', detail: 'any declared event' });
    edge({ from: 'source:events', to: nodeId(defaultTarget), kind: 'emits', label: 'any event' });
  }
  for (const w of t.webhooks) {
    nodes.push({ id: `source:webhook:${w.name}`, kind: 'source', label: `webhook ${w.name}`, detail: `${w.method} ${w.path}` });
    edge({ from: `source:webhook:${w.name}`, to: nodeId(w.to), kind: 'emits', label: w.emits });
  }
  for (const s of t.schedules) {
    nodes.push({ id: `source:schedule:${s.name}`, kind: 'source', label: `schedule ${s.name}`, detail: s.cron });
    edge({ from: `source:schedule:${s.name}`, to: nodeId(s.to), kind: 'emits', label: s.emits });
  }
  for (const b of t.buckets) {
    if (!b.onUpload) continue;
    nodes.push({ id: `source:bucket:${b.name}`, kind: 'source', label: `bucket ${b.name}`, detail: `uploads under ${b.onUpload.prefix || '/'}` });
    edge({ from: `source:bucket:${b.name}`, to: nodeId(b.onUpload.to), kind: 'emits', label: b.onUpload.emits });
  }
  for (const tb of t.tables) {
    if (!tb.onChange) continue;
    nodes.push({ id: `source:table:${tb.name}`, kind: 'source', label: `table ${tb.name}`, detail: 'row changes' });
    edge({ from: `source:table:${tb.name}`, to: nodeId(tb.onChange.to), kind: 'emits', label: tb.onChange.emits });
  }
  for (const b of t.buses) nodes.push({ id: nodeId(b), kind: 'bus', label: b.name, detail: 'bus' });
  for (const tp of t.topics) nodes.push({ id: nodeId(tp), kind: 'topic', label: tp.name, detail: 'topic: a copy per subscriber' });
  for (const q of t.queues) nodes.push({ id: nodeId(q), kind: 'queue', label: q.name, detail: `queue · maxAttempts ${q.maxAttempts}${q.orderBy ? ` · ordered by ${q.orderBy}` : ''}` });
  for (const s of t.streams) nodes.push({ id: nodeId(s), kind: 'stream', label: s.name, detail: `stream · keyed by ${s.key} · maxAttempts ${s.maxAttempts}` });
  for (const f of t.functions) nodes.push({ id: nodeId(f), kind: 'function', label: f.name, detail: `timeout ${f.timeout}${f.concurrency ? ` · concurrency ${f.concurrency}` : ''}` });

  const subscriptions = channels.map((c) => subscriptionOf(t, c));
  for (const [i, c] of channels.entries()) {
    const sub = subscriptions[i]!;
    const label = sub.events.join(', ');
    const fn = `function:${c.function}`;
    if (c.source.kind === 'direct') {
      edge({ from: nodeId(c.from), to: fn, kind: 'routes', label, filter: sub.filter, subscription: c.subscription });
      continue;
    }
    const hop = c.source.kind === 'queue' ? `queue:${c.source.queue}` : `stream:${c.source.stream}`;
    if (c.source.kind === 'queue' && c.source.own) {
      nodes.push({ id: hop, kind: 'queue', label: c.source.queue, detail: `own queue of ${c.function} · maxAttempts ${c.maxAttempts}` });
    }
    // A subscription read straight from a stream has no edge into it: the stream is where events are published.
    if (hop !== nodeId(c.from)) edge({ from: nodeId(c.from), to: hop, kind: 'routes', label, filter: sub.filter, subscription: c.subscription });
    edge({ from: hop, to: fn, kind: 'delivers', label, ...(hop === nodeId(c.from) ? { filter: sub.filter } : {}), subscription: c.subscription });
  }
  for (const f of t.functions) {
    if (f.publishes) edge({ from: nodeId(f), to: nodeId(f.publishes.to), kind: 'publishes', label: f.publishes.events.join(', ') });
  }

  return {
    name: t.name,
    nodes,
    edges,
    subscriptions,
    functions: t.functions.map((f) => ({ name: f.name, publishes: f.publishes?.events ?? [] })),
    events: input.registry.definitions().map((d) => {
      const base = { type: d.wireType, source: d.source, ...(d.description ? { description: d.description } : {}) };
      try {
        return { ...base, example: { type: d.wireType, source: d.source, data: exampleData(d) } };
      } catch (error) {
        return { ...base, exampleError: describe(error) };
      }
    }),
    schedules: t.schedules.map((s) => {
      const next = input.nextFire(s.name);
      return { name: s.name, cron: s.cron, emits: s.emits, ...(next ? { next: next.toISOString() } : {}) };
    }),
    webhooks: t.webhooks.map((w) => ({
      name: w.name, path: w.path, method: w.method, emits: w.emits, secretEnv: w.verify.secretEnv, secretSet: Boolean(env[w.verify.secretEnv]),
    })),
  };
}

function subscriptionOf(t: Topology, c: Channel): ConsoleSubscription {
  const events = t.subscriptions.find((s) => s.name === c.subscription)!.events;
  const upcasts: Record<string, string> = {};
  for (const wireType of events) {
    for (const older of t.events.find((e) => e.wireType === wireType)?.readableTypes.slice(1) ?? []) upcasts[older] = wireType;
  }
  const hop = c.source.kind === 'direct' ? { kind: 'direct' as const, name: c.source.bus, own: false }
    : c.source.kind === 'queue' ? { kind: 'queue' as const, name: c.source.queue, own: c.source.own }
      : { kind: 'stream' as const, name: c.source.stream, own: false };
  return {
    name: c.subscription, function: c.function, from: `${c.from.kind} ${c.from.name}`, hop, events, upcasts,
    filter: c.clauses.map(clauseText), maxAttempts: c.maxAttempts,
  };
}
