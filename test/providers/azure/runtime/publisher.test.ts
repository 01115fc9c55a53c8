import { expect } from 'chai';
import { recordingClients, type RecordedCall } from '../../../../providers/azure/recording-clients';
import {
  EventGridPublisher, ServiceBusPublisher, chunkBySize, publisherFor, toCloudEvent, toServiceBusMessage,
} from '../../../../providers/azure/runtime/publisher';
import { serviceBusPropertyName } from '../../../../providers/azure/runtime/wire';
import { envelope } from './fixtures';

const event = (id: string, extra: Record<string, unknown> = {}) => envelope({ id, type: 'OrderPlaced.v1', data: { orderId: id }, subject: `eu/${id}`, correlationid: 'c-1', contenttype: 'image/png', ...extra });

function clients() {
  const calls: RecordedCall[] = [];
  return { calls, clients: recordingClients((c) => calls.push(c)) };
}

describe('providers/azure/runtime/publisher', () => {
  it('publishes to Event Grid as CloudEvents: core attributes as they are, every other attribute an extension', async () => {
    const { calls, clients: c } = clients();
    await new EventGridPublisher(() => c.eventGrid('https://shop.westeurope-1.eventgrid.azure.net/api/events')).publish([event('a'), event('b')]);
    expect(calls).to.have.length(1);
    const [first] = calls[0]!.input as Array<Record<string, unknown>>;
    expect(first).to.deep.equal({
      type: 'OrderPlaced.v1', source: 'shop.orders', id: 'a', time: new Date('2026-03-01T10:00:00.000Z'), subject: 'eu/a',
      datacontenttype: 'application/json', data: { orderId: 'a' }, extensionAttributes: { correlationid: 'c-1', contenttype: 'image/png' },
    });
    expect(toCloudEvent(event('x', { data: undefined, dataref: 'https://a/b' }))).to.not.have.property('data');
  });

  it('sends requests of at most 1 MB to Event Grid', async () => {
    const { calls, clients: c } = clients();
    const big = (id: string) => event(id, { data: { orderId: id, blob: 'x'.repeat(200 * 1024) } });
    await new EventGridPublisher(() => c.eventGrid('e')).publish(['a', 'b', 'c', 'd', 'e', 'f'].map(big));
    // Five events of 200 KB fit in 1 MB; the sixth goes in a second request.
    expect(calls.map((x) => (x.input as unknown[]).length)).to.deep.equal([5, 1]);
    for (const call of calls) expect(Buffer.byteLength(JSON.stringify(call.input))).to.be.at.most(1024 * 1024);
  });

  it('publishes to a Service Bus topic with the id for duplicate detection and the filterable attributes as cloudEvents_ properties', async () => {
    const { calls, clients: c } = clients();
    await new ServiceBusPublisher(() => c.serviceBus('ns'), 'order-notifications').publish([event('a')]);
    expect(calls[0]).to.include({ sdk: 'serviceBus', call: 'sendMessages', target: 'ns/order-notifications' });
    const [message] = calls[0]!.input as Array<{ body: Buffer; messageId: string; contentType: string; applicationProperties: Record<string, unknown>; sessionId?: string }>;
    expect(JSON.parse(message!.body.toString('utf8'))).to.deep.equal(event('a'));
    expect(message).to.include({ messageId: 'a', contentType: 'application/cloudevents+json' });
    expect(message!.applicationProperties).to.deep.equal({
      [serviceBusPropertyName('type')]: 'OrderPlaced.v1', [serviceBusPropertyName('source')]: 'shop.orders', [serviceBusPropertyName('subject')]: 'eu/a',
      [serviceBusPropertyName('contenttype')]: 'image/png',
    });
    expect(message).to.not.have.property('sessionId');
  });

  it('sends one batch per session to a session-enabled queue, the order key as session id', async () => {
    const { calls, clients: c } = clients();
    await new ServiceBusPublisher(() => c.serviceBus('ns'), 'payments', { orderBy: 'data.orderId' }).publish([event('a'), event('b'), event('a2', { data: { orderId: 'a' } })]);
    expect(calls.map((x) => (x.input as Array<{ sessionId: string; messageId: string }>).map((m) => [m.sessionId, m.messageId]))).to.deep.equal([
      [['a', 'a'], ['a', 'a2']], [['b', 'b']],
    ]);
    expect(toServiceBusMessage(event('x'.repeat(200))).messageId).to.have.length(128);
  });

  it('rejects the whole publish when the service refuses it', async () => {
    const refusing = { send: async () => { throw new Error('403 Forbidden'); } };
    try {
      await new EventGridPublisher(() => refusing as never).publish([event('a')]);
      expect.fail('published');
    } catch (error) {
      expect((error as Error).message).to.equal('403 Forbidden');
    }
  });

  it('refuses to publish from a function with no target, and publishes nothing without events', async () => {
    const { calls, clients: c } = clients();
    const none = publisherFor(undefined, c);
    await none.publish([]);
    try {
      await none.publish([event('a')]);
      expect.fail('published');
    } catch (error) {
      expect((error as Error).message).to.match(/no publish target/);
    }
    await publisherFor({ kind: 'eventGrid', endpoint: 'e' }, c).publish([]);
    expect(calls).to.deep.equal([]);
  });

  it('splits into chunks by size and count, an item over the limit alone', () => {
    expect(chunkBySize([5, 5, 5, 20, 1], 10, (n) => n)).to.deep.equal([[5, 5], [5], [20], [1]]);
    expect(chunkBySize([1, 1, 1], 10, (n) => n, 2)).to.deep.equal([[1, 1], [1]]);
  });
});
