/**
 * What the AWS provider derives from the delivery plan, computed once per plan (so realizing a thousand
 * functions stays linear): how each channel travels on AWS, which subscription is the last to send to
 * each shared queue (it writes the queue's single policy, listing every sender) and which is the first
 * to poll each source (it creates the one event source mapping per source and function).
 */
import type { Channel, DeliveryPlan, QueueSpec, StreamSpec, Topology } from '../../contracts';
import type { QueueDelivery } from './iam';

/** How a channel's events travel on AWS, by logical names. */
export type Route =
  | { readonly kind: 'bus-direct'; readonly bus: string }
  | { readonly kind: 'bus-queue'; readonly bus: string; readonly queue: string }
  | { readonly kind: 'bus-stream'; readonly bus: string; readonly stream: string }
  /** `queue` is the declared queue it reads through; absent for the subscriber's own queue. */
  | { readonly kind: 'topic-queue'; readonly topic: string; readonly queue?: string }
  | { readonly kind: 'stream'; readonly stream: string };

/** The route of a channel. */
export function routeOf(c: Channel): Route {
  const { from, source } = c;
  if (from.kind === 'stream') return { kind: 'stream', stream: from.name };
  if (from.kind === 'topic') return { kind: 'topic-queue', topic: from.name, ...(source.kind === 'queue' && !source.own ? { queue: source.queue } : {}) };
  if (source.kind === 'direct') return { kind: 'bus-direct', bus: from.name };
  return source.kind === 'queue' ? { kind: 'bus-queue', bus: from.name, queue: source.queue } : { kind: 'bus-stream', bus: from.name, stream: source.stream };
}

/**
 * The queues a channel makes a service send to, by key (`queue:<name>`, `queue:<name>:dlq`,
 * `subscriber:<subscription>[:dlq]`, `fn:<name>:async`, `stream:<name>:failures`): each queue's single
 * policy lists every subscription sending to it.
 */
export function deliveryKeys(c: Channel): { readonly key: string; readonly service: QueueDelivery['service'] }[] {
  const r = routeOf(c);
  switch (r.kind) {
    case 'bus-direct': return [{ key: `fn:${c.function}:async`, service: 'events.amazonaws.com' }];
    case 'bus-queue': return [`queue:${r.queue}`, `queue:${r.queue}:dlq`].map((key) => ({ key, service: 'events.amazonaws.com' }));
    case 'bus-stream': return [{ key: `stream:${r.stream}:failures`, service: 'events.amazonaws.com' }];
    case 'topic-queue': {
      const q = r.queue ? `queue:${r.queue}` : `subscriber:${c.subscription}`;
      return [q, `${q}:dlq`].map((key) => ({ key, service: 'sns.amazonaws.com' }));
    }
    case 'stream': return [];
  }
}

/** The event source a channel's function polls (one mapping per source and function), if any. */
export function mappingKey(c: Channel): string | undefined {
  const r = routeOf(c);
  if (r.kind === 'bus-queue' || (r.kind === 'topic-queue' && r.queue)) return `queue:${r.queue}`;
  if (r.kind === 'topic-queue') return `subscriber:${c.subscription}`;
  if (r.kind === 'bus-stream' || r.kind === 'stream') return `stream:${r.stream}:${c.function}`;
  return undefined;
}

export interface Routing {
  readonly queues: ReadonlyMap<string, QueueSpec>;
  readonly streams: ReadonlyMap<string, StreamSpec>;
  /** Delivery key → names of the subscriptions sending to that queue, in topology order. */
  readonly deliverers: ReadonlyMap<string, readonly string[]>;
  /** Delivery key → the last of them. */
  readonly lastDelivery: ReadonlyMap<string, string>;
  /** Mapping key → the first subscription polling that source. */
  readonly firstMapping: ReadonlyMap<string, string>;
}

const cache = new WeakMap<DeliveryPlan, Routing>();

/** The routing index of a topology's plan on AWS (memoised per plan). */
export function routing(t: Topology, plan: DeliveryPlan): Routing {
  let r = cache.get(plan);
  if (r) return r;
  const deliverers = new Map<string, string[]>();
  const firstMapping = new Map<string, string>();
  for (const c of plan.channels) {
    for (const { key } of deliveryKeys(c)) deliverers.set(key, [...(deliverers.get(key) ?? []), c.subscription]);
    const m = mappingKey(c);
    if (m && !firstMapping.has(m)) firstMapping.set(m, c.subscription);
  }
  r = {
    queues: new Map(t.queues.map((q) => [q.name, q])),
    streams: new Map(t.streams.map((s) => [s.name, s])),
    deliverers,
    lastDelivery: new Map([...deliverers].map(([k, names]) => [k, names[names.length - 1]!])),
    firstMapping,
  };
  cache.set(plan, r);
  return r;
}
