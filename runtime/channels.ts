/**
 * A function's pipelines, one per channel of the delivery plan (each with its own attempts, backoff and
 * residual filter), and how a delivery finds its channel: by the source it came from. Where several
 * channels read one source (two subscriptions through one queue, or several direct ones, which a push
 * does not tell apart), the first whose types and residual accept the event is taken: an event reaches
 * the handler when one of its subscriptions wants it, as it would through separate sources.
 */
import { attributeOf, matchesClauses, type Envelope, type RuntimeChannel } from '../contracts';
import type { Pipeline } from './pipeline';

export class ChannelPipelines {
  private readonly bySource = new Map<string, { channel: RuntimeChannel; pipeline: Pipeline }[]>();
  private readonly all: { channel: RuntimeChannel; pipeline: Pipeline }[];

  /**
   * @param channels the function's channels (from its config)
   * @param make the pipeline of one channel
   * @param fallback the channel to use when the function has none (invoked by hand)
   */
  constructor(channels: readonly RuntimeChannel[], make: (channel: RuntimeChannel) => Pipeline, fallback: RuntimeChannel) {
    this.all = (channels.length ? channels : [fallback]).map((channel) => ({ channel, pipeline: make(channel) }));
    for (const entry of this.all) {
      const list = this.bySource.get(entry.channel.sourceKey);
      if (list) list.push(entry);
      else this.bySource.set(entry.channel.sourceKey, [entry]);
    }
  }

  /** Every pipeline, in channel order. */
  get pipelines(): Pipeline[] {
    return this.all.map((e) => e.pipeline);
  }

  /**
   * The pipeline for a delivery from `sourceKey` (undefined for a push, which names no source; an unknown
   * key, as from a hand-made event, is treated like a push).
   */
  forDelivery(sourceKey: string | undefined, payload: string | object): Pipeline {
    const candidates = (sourceKey !== undefined ? this.bySource.get(sourceKey) : undefined)
      ?? this.pushed()
      ?? this.all;
    if (candidates.length === 1) return candidates[0]!.pipeline;
    const envelope = peek(payload);
    const wanted = envelope && candidates.find(({ channel }) => channel.types.includes(String(envelope.type))
      && matchesClauses(channel.residual, (field) => attributeOf(envelope, field)));
    // None wants it: the first channel's pipeline filters it out (or dead-letters what cannot be read).
    return (wanted || candidates[0]!).pipeline;
  }

  private pushed() {
    const direct = this.all.filter((e) => e.channel.sourceKey.startsWith('direct:'));
    return direct.length ? direct : undefined;
  }
}

/** The envelope's attributes, when the payload is one; the pipeline reports anything else. */
function peek(payload: string | object): Envelope | undefined {
  if (typeof payload !== 'string') return payload as Envelope;
  try {
    const value = JSON.parse(payload) as unknown;
    return typeof value === 'object' && value !== null ? (value as Envelope) : undefined;
  } catch {
    return undefined;
  }
}
