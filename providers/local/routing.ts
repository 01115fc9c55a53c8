/**
 * The routing decision of the embedded runtime's transports, shared by memory and sqlite: which
 * subscriptions an event published to a bus or topic reaches. Buses and topics are routers that evaluate
 * each channel's native filter clauses (LOCAL_DELIVERY compiles a filter to clauses and leaves no
 * residual); a subscription through a stream appends what its bus route accepts to the stream, whose
 * readers each receive every appended event by type (and by their own filter when they subscribe to the
 * stream itself). Where an accepted event goes next is the caller's inlet: a queue (memory), or a
 * collector of delivery rows to commit (sqlite).
 */
import type { Channel, Envelope, Ref, Topology } from '../../contracts';
import { Router, type Route } from './bus';
import type { Inlet } from './queue';
import { LocalStream } from './stream';
import { LocalTopic } from './topic';
import type { ChannelName } from './transport';

export class Routing {
  private readonly routers = new Map<string, Router>();
  private readonly streams = new Map<string, LocalStream>();

  /** @param filtered called for a channel that receives an event's type but whose filter refused it */
  constructor(private readonly topology: Topology, filtered: (channel: ChannelName, envelope: Envelope) => void) {
    const onFiltered = (route: Route, e: Envelope) => filtered(route, e);
    for (const b of topology.buses) this.routers.set(`bus:${b.name}`, new Router(`bus ${b.name}`, onFiltered));
    for (const tp of topology.topics) this.routers.set(`topic:${tp.name}`, new LocalTopic(tp.name, onFiltered));
    for (const s of topology.streams) this.streams.set(s.name, new LocalStream(s, onFiltered));
  }

  /** Adds a channel: from now on, what it receives is sent to `inlet`. */
  add(channel: Channel, inlet: Inlet): void {
    const { source, from } = channel;
    const clauses = channel.filter.native as Route['clauses'];
    const route = { subscription: channel.subscription, function: channel.function, types: channel.types };
    if (source.kind !== 'stream') {
      this.router(from).add({ ...route, clauses, inlet });
      return;
    }
    const stream = this.streams.get(source.stream)!;
    // Through a stream, the bus already filtered; reading from one, the stream filters.
    stream.add({ ...route, clauses: from.kind === 'stream' ? clauses : [], inlet });
    if (from.kind !== 'stream') this.router(from).add({ ...route, clauses, inlet: stream });
  }

  /**
   * Routes events, in order, to the inlets of the channels that receive them.
   * @throws Error for a bus or topic the topology lacks (before routing anything)
   */
  publish(to: Ref<'bus' | 'topic'>, events: readonly Envelope[]): void {
    const router = this.routers.get(`${to.kind}:${to.name}`);
    if (!router) throw new Error(`no ${to.kind} "${to.name}" in topology ${this.topology.name}`);
    for (const e of events) router.publish(e);
  }

  private router(from: Ref<'bus' | 'topic' | 'stream'>): Router {
    return this.routers.get(`${from.kind}:${from.name}`)!;
  }
}
