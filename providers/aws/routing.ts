/**
 * Lookups the AWS provider derives from a topology, computed once per topology (so realizing a thousand
 * functions stays linear): subscriptions by function, which subscription is the last to send to each
 * shared queue (it writes the queue's single policy, listing every sender) and which is the first to poll
 * each source (it creates the one event source mapping per source and function).
 */
import type { EventDefinition, QueueSpec, StreamSpec, SubscriptionSpec, Topology } from '../../contracts';
import { deliveryKeys, mappingKey } from './subscription';

export interface Routing {
  readonly events: ReadonlyMap<string, EventDefinition<any>>;
  readonly queues: ReadonlyMap<string, QueueSpec>;
  readonly streams: ReadonlyMap<string, StreamSpec>;
  readonly subscriptions: ReadonlyMap<string, SubscriptionSpec>;
  readonly byFunction: ReadonlyMap<string, readonly SubscriptionSpec[]>;
  /** Delivery key → names of the subscriptions sending to that queue, in topology order. */
  readonly deliverers: ReadonlyMap<string, readonly string[]>;
  /** Delivery key → the last of them. */
  readonly lastDelivery: ReadonlyMap<string, string>;
  /** Mapping key → the first subscription polling that source. */
  readonly firstMapping: ReadonlyMap<string, string>;
}

const cache = new WeakMap<Topology, Routing>();

/** The routing index of a topology (memoised per topology value). */
export function routing(t: Topology): Routing {
  let r = cache.get(t);
  if (r) return r;
  const byFunction = new Map<string, SubscriptionSpec[]>();
  const deliverers = new Map<string, string[]>();
  const firstMapping = new Map<string, string>();
  for (const s of t.subscriptions) {
    byFunction.set(s.function, [...(byFunction.get(s.function) ?? []), s]);
    for (const { key } of deliveryKeys(s)) deliverers.set(key, [...(deliverers.get(key) ?? []), s.name]);
    const m = mappingKey(s);
    if (m && !firstMapping.has(m)) firstMapping.set(m, s.name);
  }
  r = {
    events: new Map(t.events.map((e) => [e.wireType, e])),
    queues: new Map(t.queues.map((q) => [q.name, q])),
    streams: new Map(t.streams.map((s) => [s.name, s])),
    subscriptions: new Map(t.subscriptions.map((s) => [s.name, s])),
    byFunction,
    deliverers,
    lastDelivery: new Map([...deliverers].map(([k, names]) => [k, names[names.length - 1]!])),
    firstMapping,
  };
  cache.set(t, r);
  return r;
}
