/**
 * The durable transport's use of the shared routing (routing.ts): every channel of the delivery plan is
 * routed from the start, so what a subscription receives before it is consumed is kept for it, and a
 * publish is collected (which subscriptions each event reached, which refused it) to be committed in one
 * write before anything is delivered or reported.
 */
import type { Channel, Envelope, Ref, Topology } from '../../../contracts';
import { Routing } from '../routing';
import type { ChannelName } from '../transport';

/** Events routed, each with the subscriptions it reached (in order; a subscription twice when it reached it twice, through a stream). */
export type Routed = Array<[Envelope, string[]]>;

/** A subscription whose filter refused an event. */
export interface Refused {
  readonly channel: ChannelName;
  readonly envelope: Envelope;
}

export class RouteCollector {
  private readonly routing: Routing;
  private routed = new Map<Envelope, string[]>();
  private refused: Refused[] = [];

  constructor(topology: Topology, channels: readonly Channel[]) {
    this.routing = new Routing(topology, (channel, envelope) => this.refused.push({ channel, envelope }));
    for (const channel of channels) {
      const { subscription } = channel;
      this.routing.add(channel, { send: (e) => this.reached(e, subscription) });
    }
  }

  /**
   * Routes events; returns those that reached a subscription, with the subscriptions, and the refusals.
   * @throws Error for a bus or topic the topology lacks
   */
  route(to: Ref<'bus' | 'topic'>, events: readonly Envelope[]): { routed: Routed; refused: Refused[] } {
    try {
      this.routing.publish(to, events);
      return { routed: [...this.routed], refused: this.refused };
    } finally {
      this.routed = new Map();
      this.refused = [];
    }
  }

  private reached(envelope: Envelope, subscription: string): void {
    const list = this.routed.get(envelope);
    if (list) list.push(subscription);
    else this.routed.set(envelope, [subscription]);
  }
}
