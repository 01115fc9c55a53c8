/**
 * `Publisher` over `@google-cloud/pubsub` (5.x, for Node 20 and 22), the client injected (or created on
 * first use). Each envelope is one message in the binary-mode binding (wire.ts): the data as JSON bytes,
 * the other attributes as `ce-*` message attributes. When an ordered subscription reads the topic, every
 * message carries the ordering key read from the envelope (runtime/order-key.ts), and the topic is opened
 * with message ordering, so messages of one key are published in call order.
 * The client batches and retries transient errors itself. A message that still fails rejects the whole
 * publish with a `PublishError` naming it. The client documents that a failed ordered message pauses its
 * key until `resumePublishing(key)`, so the key is resumed before the error is thrown: the redelivered event
 * publishes it again, in order.
 * @see https://cloud.google.com/pubsub/docs/publisher
 * @see https://cloud.google.com/pubsub/docs/ordering
 */
import type { PubSub, Topic } from '@google-cloud/pubsub';
import type { Envelope } from '../../../contracts';
import { PublishError } from '../../../runtime/publisher';
import { orderKeyOf } from '../../../runtime/order-key';
import { noPublishTarget, type Publisher } from '../../../runtime/publisher';
import type { GcpPublishTarget } from './config';
import { memo, type Lazy } from '../../../runtime/lazy';
import { newPubSub } from './sdk';
import { messageOf } from './wire';

/**
 * Messages per batch and how long a batch waits: a handler's publishes leave together, and a lone event
 * waits at most 10 ms.
 * @see https://cloud.google.com/pubsub/docs/batch-messaging
 */
export const PUBLISH_BATCHING = { maxMessages: 100, maxMilliseconds: 10 } as const;

/** Publishes to one Pub/Sub topic. */
export class PubSubPublisher implements Publisher {
  private readonly topic: () => Promise<Topic>;

  /** @param client the Pub/Sub client (a factory is called on the first publish) */
  constructor(private readonly target: GcpPublishTarget, client: Lazy<PubSub>) {
    const pubsub = memo(client);
    this.topic = memo(async () => (await pubsub()).topic(target.topic, {
      batching: PUBLISH_BATCHING,
      ...(target.orderKey !== undefined ? { messageOrdering: true } : {}),
    }));
  }

  async publish(events: readonly Envelope[]): Promise<void> {
    if (!events.length) return;
    const topic = await this.topic();
    const orderKey = this.target.orderKey;
    const sent = events.map((e) => {
      const { data, attributes } = messageOf(e);
      const orderingKey = orderKey !== undefined ? orderKeyOf(e, orderKey) : undefined;
      return { id: e.id, orderingKey, result: topic.publishMessage({ data, attributes, ...(orderingKey ? { orderingKey } : {}) }) };
    });
    const results = await Promise.allSettled(sent.map((s) => s.result));
    const failures: { id: string; message: string }[] = [];
    let cause: unknown;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') return;
      cause ??= r.reason;
      const { id, orderingKey } = sent[i]!;
      if (orderingKey) topic.resumePublishing(orderingKey);
      failures.push({ id, message: (r.reason as Error)?.message ?? String(r.reason) });
    });
    if (failures.length) throw new PublishError(`topic ${this.target.topic}`, failures, { cause });
  }
}

/** The publisher of a config's publish target; one that refuses when the function publishes nowhere. */
export function publisherFor(target: GcpPublishTarget | undefined, project: string, client?: Lazy<PubSub>): Publisher {
  return target ? new PubSubPublisher(target, client ?? (() => newPubSub(project))) : noPublishTarget;
}
