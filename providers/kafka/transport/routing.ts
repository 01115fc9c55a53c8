/**
 * Routing at publish: the records one publish to a bus or topic writes, and the channels each event is
 * owed to. A Kafka broker filters nothing, so the publisher does what EventBridge or an SNS policy would:
 * - the bus's (or topic's) own topic gets every event; the direct subscriptions of a bus each read it in
 *   their own consumer group and filter there (by type, then by clause);
 * - a queue's topic gets, per subscription reading it from here, the events that subscription receives
 *   and accepts, marked with `herald-subscription` (two subscriptions may share one queue; each reads only
 *   its own records);
 * - a stream's topic gets each event any subscription through it accepts, once; every reader of the
 *   stream receives it by type (and by its own filter when it subscribes to the stream itself), as on the
 *   embedded runtime (providers/local/routing.ts).
 * The record key is the channel's order key (a queue's `orderBy`, a stream's `key`), else the event id, so
 * a key's events share a partition and keep their order.
 */
import type { Channel, Ref, Topology } from '../../../contracts';
// Hot path (`accepts`, per record): from the defining modules, not the barrel (its re-exports are getters).
import { attributeOf, type Envelope } from '../../../contracts/envelope';
import { matchesClauses } from '../../../contracts/filter';
import { orderKeyReader } from '../../../runtime/order-key';
import type { KafkaNames } from '../topics';

/** Whether `channel` receives `event`'s type at all (a channel of other types never hears of it). */
export function receives(channel: Channel, event: Envelope): boolean {
  return channel.types.includes(event.type);
}

/** Whether `channel`'s clauses accept `event` (types aside). */
export function accepts(channel: Channel, event: Envelope): boolean {
  return channel.clauses.length === 0 || matchesClauses(channel.clauses, (field) => attributeOf(event, field));
}

/** Order-key readers by path, made once (publish and every retry read keys). */
const keyReaders = new Map<string, (event: Envelope) => string>();

/** The record key of `event` on `channel`'s source topic. */
export function recordKey(channel: Pick<Channel, 'orderKey'>, event: Envelope): string {
  if (!channel.orderKey) return event.id;
  let read = keyReaders.get(channel.orderKey);
  if (!read) keyReaders.set(channel.orderKey, (read = orderKeyReader(channel.orderKey)));
  return read(event);
}

/** Where one event goes: the topic, its key and, for a queue, the subscription it is for. */
export interface RoutedRecord {
  readonly topic: string;
  readonly key: string;
  readonly subscription?: string;
}

/** What routing one event decided. */
export interface Routed {
  readonly records: RoutedRecord[];
  /** Channels that receive and accept it (it is owed to each). */
  readonly owedTo: Channel[];
  /** Channels that receive its type but whose filter refused it, decided here (queues and streams). */
  readonly refusedBy: Channel[];
}

interface Route {
  readonly topic: string;
  /** Direct channels reading the bus's topic. */
  readonly direct: Channel[];
  /** Queue channels published from here. */
  readonly queued: Channel[];
  /** Per stream fed from here: the channels through it from here, and every reader of it. */
  readonly streams: Array<{ readonly topic: string; readonly via: Channel[]; readonly readers: Channel[] }>;
}

export class PublishRouting {
  private readonly routes = new Map<string, Route>();

  constructor(private readonly topology: Topology, channels: readonly Channel[], names: KafkaNames) {
    const fromHere = (kind: string, name: string) => channels.filter((c) => c.from.kind === kind && c.from.name === name);
    const add = (kind: 'bus' | 'topic', name: string, topic: string) => {
      const mine = fromHere(kind, name);
      const streamNames = [...new Set(mine.flatMap((c) => (c.source.kind === 'stream' ? [c.source.stream] : [])))];
      this.routes.set(`${kind}:${name}`, {
        topic,
        direct: mine.filter((c) => c.source.kind === 'direct'),
        queued: mine.filter((c) => c.source.kind === 'queue'),
        streams: streamNames.map((s) => ({
          topic: names.stream(s),
          via: mine.filter((c) => c.source.kind === 'stream' && c.source.stream === s),
          readers: channels.filter((c) => c.source.kind === 'stream' && c.source.stream === s),
        })),
      });
    };
    for (const b of topology.buses) add('bus', b.name, names.bus(b.name));
    for (const tp of topology.topics) add('topic', tp.name, names.topic(tp.name));
    this.queueTopic = (c) => names.source(c);
  }

  private readonly queueTopic: (c: Channel) => string;

  /** Whether the topology has `to`. */
  has(to: Ref<'bus' | 'topic'>): boolean {
    return this.routes.has(`${to.kind}:${to.name}`);
  }

  /** @throws Error for a bus or topic the topology lacks */
  route(to: Ref<'bus' | 'topic'>, event: Envelope): Routed {
    const route = this.routes.get(`${to.kind}:${to.name}`);
    if (!route) throw new Error(`no ${to.kind} "${to.name}" in topology ${this.topology.name}`);
    const records: RoutedRecord[] = [{ topic: route.topic, key: event.id }];
    const owedTo: Channel[] = [];
    const refusedBy: Channel[] = [];
    for (const c of route.direct) if (receives(c, event) && accepts(c, event)) owedTo.push(c);
    for (const c of route.queued) {
      if (!receives(c, event)) continue;
      if (!accepts(c, event)) {
        refusedBy.push(c);
        continue;
      }
      records.push({ topic: this.queueTopic(c), key: recordKey(c, event), subscription: c.subscription });
      owedTo.push(c);
    }
    for (const s of route.streams) {
      let appended = false;
      for (const c of s.via) {
        if (!receives(c, event)) continue;
        if (accepts(c, event)) appended = true;
        else refusedBy.push(c);
      }
      if (!appended) continue;
      records.push({ topic: s.topic, key: recordKey(s.readers[0]!, event) });
      for (const r of s.readers) if (receives(r, event) && (r.from.kind !== 'stream' || accepts(r, event))) owedTo.push(r);
    }
    return { records, owedTo, refusedBy };
  }
}
