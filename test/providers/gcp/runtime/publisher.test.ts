/**
 * The publisher and the dead-letter sender end to end against a real Pub/Sub: pstest, Google's fake server
 * (one process for the file, `bash .ci/pstest/setup.sh` builds it). Events are published through Herald's
 * code with the `@google-cloud/pubsub` client, then pulled with the client's own subscriber: what arrives
 * must be what the wire says (attributes, data bytes, ordering keys), in order per key, and must read back
 * as the same envelope through the push binding.
 */
import { PubSub, v1, type Topic } from '@google-cloud/pubsub';
import { expect } from 'chai';
import type { Envelope } from '../../../../contracts';
import { DEAD_LETTER_ATTRIBUTES, deadLetterSender, truncateBytes } from '../../../../providers/gcp/runtime/dead-letter';
import { PubSubPublisher } from '../../../../providers/gcp/runtime/publisher';
import { PublishError } from '../../../../runtime/publisher';
import { decodePush, type PushMessage } from '../../../../providers/gcp/runtime/push';
import { messageAttributes } from '../../../../providers/gcp/runtime/wire';
import { pstestClientOptions, startPstest, type Pstest } from '../../../helpers/pstest';

const PROJECT = 'herald-test';
const topicName = (t: string) => `projects/${PROJECT}/topics/${t}`;

function order(n: number, orderId: string | undefined, extra: Record<string, unknown> = {}): Envelope {
  return {
    specversion: '1.0', id: `e-${n}`, source: 'shop.orders', type: 'OrderPlaced.v2', time: `2026-03-01T10:00:0${n % 10}Z`,
    datacontenttype: 'application/json', subject: `orders/${orderId ?? 'none'}`, correlationid: 'c-1',
    data: { ...(orderId ? { orderId } : {}), n }, ...extra,
  } as Envelope;
}

interface Pulled {
  readonly message: PushMessage;
  readonly orderingKey: string;
}

describe('providers/gcp/runtime/publisher against pstest', function () {
  this.timeout(60_000);
  let server: Pstest | undefined;
  let pubsub: PubSub;
  let subscriber: v1.SubscriberClient;

  /** Everything waiting on `subscription`, in delivery order, acknowledged. */
  async function pullAll(subscription: string): Promise<Pulled[]> {
    const out: Pulled[] = [];
    for (;;) {
      const [response] = await subscriber.pull({ subscription: `projects/${PROJECT}/subscriptions/${subscription}`, maxMessages: 1_000, returnImmediately: true });
      const received = response.receivedMessages ?? [];
      if (!received.length) return out;
      for (const r of received) {
        const m = r.message!;
        out.push({
          message: {
            data: Buffer.from(m.data as Uint8Array).toString('base64'), attributes: { ...(m.attributes ?? {}) },
            messageId: m.messageId!, publishTime: new Date(Number(m.publishTime!.seconds) * 1000).toISOString(),
          },
          orderingKey: m.orderingKey ?? '',
        });
      }
      await subscriber.acknowledge({ subscription: `projects/${PROJECT}/subscriptions/${subscription}`, ackIds: received.map((r) => r.ackId!) });
    }
  }

  async function topicWithSubscription(name: string, ordered: boolean): Promise<Topic> {
    const [topic] = await pubsub.createTopic(name);
    await topic.createSubscription(`${name}-sub`, { enableMessageOrdering: ordered });
    return topic;
  }

  before(async () => {
    server = await startPstest();
    pubsub = new PubSub(pstestClientOptions(server.host, PROJECT));
    const config = await pubsub.getClientConfig();
    subscriber = new v1.SubscriberClient({ ...config, port: Number(config.port) });
  });

  after(async () => {
    await subscriber?.close();
    await pubsub?.close();
    await server?.stop();
  });

  it('publishes each envelope in binary mode: ce- attributes, the data as JSON bytes, the ordering key from the plan, in order per key', async () => {
    await topicWithSubscription('orders', true);
    const events = [order(1, 'a'), order(2, 'b'), order(3, 'a'), order(4, undefined), order(5, 'b'), order(6, 'a')];
    await new PubSubPublisher({ topic: topicName('orders'), orderKey: 'data.orderId' }, pubsub).publish(events);
    const pulled = await pullAll('orders-sub');
    expect(pulled.map((p) => p.message.attributes!['ce-id']).sort()).to.deep.equal(events.map((e) => e.id).sort());
    for (const p of pulled) {
      const e = events.find((x) => x.id === p.message.attributes!['ce-id'])!;
      expect(p.message.attributes, e.id).to.deep.equal(messageAttributes(e));
      expect(Buffer.from(p.message.data!, 'base64').toString('utf8'), e.id).to.equal(JSON.stringify(e.data));
      // An event without the key is keyed by its own id (runtime/order-key.ts): it holds up nothing.
      expect(p.orderingKey, e.id).to.equal((e.data as { orderId?: string }).orderId ?? e.id);
    }
    const idsOf = (key: string) => pulled.filter((p) => p.orderingKey === key).map((p) => p.message.attributes!['ce-id']);
    expect(idsOf('a')).to.deep.equal(['e-1', 'e-3', 'e-6']);
    expect(idsOf('b')).to.deep.equal(['e-2', 'e-5']);
  });

  it('reads back, through the push binding, as the envelope that was published', async () => {
    await topicWithSubscription('round-trip', false);
    const sent = order(7, 'z', { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', dataref: undefined });
    await new PubSubPublisher({ topic: topicName('round-trip') }, pubsub).publish([sent]);
    const [p] = await pullAll('round-trip-sub');
    expect(p!.orderingKey).to.equal('');
    const { record } = decodePush({ subscription: 'projects/herald-test/subscriptions/round-trip-sub', message: p!.message, deliveryAttempt: 1 });
    expect(record.payload).to.deep.equal(Object.fromEntries(Object.entries(sent).filter(([, v]) => v !== undefined)));
  });

  it('rejects with a PublishError naming the events Pub/Sub refused, and a later publish of the same ordering key goes through', async () => {
    const publisher = new PubSubPublisher({ topic: topicName('created-late'), orderKey: 'data.orderId' }, pubsub);
    let error: unknown;
    await publisher.publish([order(8, 'k')]).catch((e) => { error = e; });
    expect(error).to.be.instanceOf(PublishError);
    expect((error as PublishError).failures.map((f) => f.id)).to.deep.equal(['e-8']);
    expect((error as Error).message).to.include(`topic ${topicName('created-late')}`);
    await topicWithSubscription('created-late', true);
    // The key is not left paused: the redelivered event publishes it again.
    await publisher.publish([order(9, 'k')]);
    expect((await pullAll('created-late-sub')).map((p) => p.message.attributes!['ce-id'])).to.deep.equal(['e-9']);
  });

  it('dead-letters a pushed message as it came, with the reason, function and subscription as attributes (values cut to 1024 bytes)', async () => {
    await topicWithSubscription('dead-letters', false);
    const message: PushMessage = { data: Buffer.from('{"orderId":"a"}').toString('base64'), attributes: { 'ce-id': 'e-10', 'ce-type': 'OrderPlaced.v2' }, messageId: '5' };
    const reason = `SchemaValidationError: ${'é'.repeat(600)}`;
    await deadLetterSender(pubsub)(topicName('dead-letters'), message, { reason, functionName: 'charge-payment', source: 'projects/p/subscriptions/s' });
    const [p] = await pullAll('dead-letters-sub');
    expect(p!.message.data).to.equal(message.data);
    expect(p!.message.attributes).to.deep.equal({
      'ce-id': 'e-10', 'ce-type': 'OrderPlaced.v2',
      [DEAD_LETTER_ATTRIBUTES.reason]: truncateBytes(reason), [DEAD_LETTER_ATTRIBUTES.function]: 'charge-payment', [DEAD_LETTER_ATTRIBUTES.source]: 'projects/p/subscriptions/s',
    });
    expect(Buffer.byteLength(p!.message.attributes![DEAD_LETTER_ATTRIBUTES.reason]!)).to.be.at.most(1024);
    expect(truncateBytes('é'.repeat(600)).endsWith('é')).to.equal(true);
  });
});
