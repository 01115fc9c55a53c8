/**
 * Which local queue a channel reads, on either transport: a stream reader's own queue, ordered by the
 * stream's key; the declared (or own) queue, shared by the subscriptions reading it so per-key order holds
 * across them, with a lease; or a direct subscription's own queue.
 */
import type { Channel, Envelope } from '../../contracts';
import { leaseMs } from './delivery';
import type { LocalQueue } from './queue';
import { keyReader } from './stream';
import type { Consumer } from './transport';

/** How a channel's queue is made. */
export interface QueueSettings {
  /** For reports: `queue payments`, `stream order-audit → audit-orders`, `direct send-confirmation-shop`. */
  readonly name: string;
  readonly maxAttempts: number;
  readonly visibilityMs?: number;
  readonly orderKey?: (envelope: Envelope) => string;
}

/** The name reports give a channel's queue. */
export function queueName(channel: Pick<Channel, 'source' | 'function' | 'subscription'>): string {
  const { source } = channel;
  if (source.kind === 'stream') return `stream ${source.stream} → ${channel.function}`;
  return source.kind === 'queue' ? `queue ${source.queue}` : `direct ${channel.subscription}`;
}

/**
 * The queue `channel` reads: a shared one from `named` (by queue name) when it exists, else one from `make`.
 * @throws Error when another function already reads the channel's queue
 */
export function channelQueue(
  channel: Channel, consumer: Consumer, named: Map<string, LocalQueue>, make: (settings: QueueSettings) => LocalQueue,
): LocalQueue {
  const settings = {
    name: queueName(channel), maxAttempts: channel.maxAttempts, ...(channel.orderKey ? { orderKey: keyReader(channel.orderKey) } : {}),
  };
  const { source } = channel;
  if (source.kind !== 'queue') return make(settings);
  const queue = named.get(source.queue) ?? make({ ...settings, visibilityMs: leaseMs(channel) });
  // Validation lets only one function read a queue; its consumers then share its gate.
  if (queue.consumer.function !== consumer.function) {
    throw new Error(`queue ${source.queue} is read by ${queue.consumer.function}; ${consumer.function} cannot read it too`);
  }
  named.set(source.queue, queue);
  return queue;
}
