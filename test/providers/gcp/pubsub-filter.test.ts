/**
 * The compiled Pub/Sub filters against a real filter engine: pstest, Google's fake Pub/Sub server, one
 * process for the file. One topic; one subscription per filter of the table, created with its compiled
 * filter; every event of the table published once with the attributes the publisher gives it
 * (`messageAttributes`); then each subscription is pulled, and what it delivered, with the residual
 * evaluated as the function does, must be exactly what the reference evaluator accepts.
 * The filters and events are AWS's table (test/providers/aws/filter-cases.ts) plus the cases that only
 * matter here: escapes, bytes against characters, control characters, types over the byte budget.
 * pstest does not enforce the 256-byte limit and accepts AND mixed with OR; the pure tests
 * (filter.test.ts) check both. Needs `bash .ci/pstest/setup.sh` (npm's pretest runs it).
 */
import { PubSub, v1, type Topic } from '@google-cloud/pubsub';
import { expect } from 'chai';
import { matchesClauses, type Envelope, type Filter } from '../../../contracts';
import { compilePubSubFilter, pubsubAttributeName } from '../../../providers/gcp/filter';
import { messageAttributes } from '../../../providers/gcp/runtime/wire';
import { pstestClientOptions, startPstest, type Pstest } from '../../helpers/pstest';
import { EVENTS, FILTERS, SUBSCRIBED, expected } from '../aws/filter-cases';

const manyTypes = [...SUBSCRIBED, ...Array.from({ length: 6 }, (_, i) => `SomeRatherLongEventTypeName${i}.v1`)];

/** Filters that matter on Pub/Sub beyond the shared table. */
const GCP_FILTERS: ReadonlyArray<{ readonly name: string; readonly where?: Filter; readonly types?: readonly string[] }> = [
  { name: 'backslash and quote in values', where: { subject: { in: ['a\\b', 'say "hi"'] } } },
  { name: 'prefixes with a quote and a backslash', where: { subject: { prefix: ['"q', 'x\\'] } } },
  { name: 'under 256 characters but over 256 bytes', where: { subject: { in: ['é'.repeat(100)] }, source: { in: ['shop.media'] } } },
  { name: 'a control character in a value', where: { subject: { in: ['tab\there', 'eu/1'] } } },
  { name: 'notIn two values', where: { tier: { notIn: ['free', 'pro'] } } },
  { name: 'prefix list with ""', where: { region: { prefix: ['', 'e'] } } },
  { name: 'types alone over the byte budget', types: manyTypes, where: { source: { prefix: 'shop.' } } },
];

let counter = 0;
function event(type: string, source: string, attributes: Record<string, string>): Envelope {
  counter += 1;
  return {
    specversion: '1.0', id: `gcp-extra-${counter}`, type, source, time: '2026-03-01T10:00:00Z', datacontenttype: 'application/json', data: { n: counter },
    ...attributes,
  } as Envelope;
}

const GCP_EVENTS: readonly Envelope[] = [
  event('OrderPlaced.v2', 'shop.orders', { subject: 'a\\b' }),
  event('ImageUploaded.v1', 'shop.media', { subject: 'say "hi"' }),
  event('OrderPlaced.v1', 'shop.media', { subject: '"quoted' }),
  event('OrderPlaced.v2', 'shop.media', { subject: 'x\\y', tier: 'pro' }),
  event('ImageUploaded.v1', 'shop.media', { subject: 'é'.repeat(100) }),
  event('ImageUploaded.v1', 'shop.orders', { subject: 'é'.repeat(100) }),
  event('OrderPlaced.v2', 'shop', { subject: 'tab\there', region: 'e-1' }),
  event('SomeRatherLongEventTypeName3.v1', 'shop.misc', { region: 'us' }),
  event('SomeRatherLongEventTypeName3.v1', 'elsewhere', { tier: 'gold' }),
];

const CASES = [...FILTERS, ...GCP_FILTERS].map((f) => ({ name: f.name, types: f.types ?? SUBSCRIBED, where: f.where }));
const ALL_EVENTS = [...EVENTS, ...GCP_EVENTS];

/** The event as a subscriber reads it back from its attributes: Pub/Sub drops an empty attribute (wire.ts). */
function asDelivered(e: Envelope): Envelope {
  return Object.fromEntries(Object.entries(e).filter(([, v]) => v !== '')) as Envelope;
}

describe('Pub/Sub filters against pstest', function () {
  this.timeout(60_000);
  let server: Pstest | undefined;
  let pubsub: PubSub;
  let subscriber: v1.SubscriberClient;
  let topic: Topic;
  /** Per case: the ids its subscription delivered, with the attributes they came with. */
  const delivered: Array<Map<string, Record<string, string>>> = [];

  async function pullAll(subscription: string): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>();
    // pstest stores a message in every subscription before Publish returns; returnImmediately ends the pull once the backlog is read.
    for (;;) {
      const [response] = await subscriber.pull({ subscription, maxMessages: 1_000, returnImmediately: true });
      const received = response.receivedMessages ?? [];
      if (!received.length) return out;
      for (const m of received) {
        const attributes = { ...(m.message?.attributes ?? {}) };
        out.set(attributes['ce-id']!, attributes);
      }
      await subscriber.acknowledge({ subscription, ackIds: received.map((m) => m.ackId!) });
    }
  }

  before(async () => {
    server = await startPstest();
    pubsub = new PubSub(pstestClientOptions(server.host));
    // The low-level client, for synchronous pulls, on the connection the PubSub object set up for the emulator.
    const config = await pubsub.getClientConfig();
    subscriber = new v1.SubscriberClient({ ...config, port: Number(config.port) });
    [topic] = await pubsub.createTopic('filter-table');
    // Subscriptions first: a subscription receives only what is published after it exists.
    const names = await Promise.all(CASES.map(async (c, i) => {
      const [sub] = await topic.createSubscription(`case-${i}`, { filter: compilePubSubFilter(c).native.filter });
      return sub.name;
    }));
    await Promise.all(ALL_EVENTS.map((e) => topic.publishMessage({ data: Buffer.from(JSON.stringify(e.data)), attributes: messageAttributes(e) })));
    for (const name of names) delivered.push(await pullAll(name));
  });

  after(async () => {
    await subscriber?.close();
    await pubsub?.close();
    await server?.stop();
  });

  it('is the real engine: it refuses a malformed filter, and != alone matches a message without the key (why notIn adds attributes:k)', async () => {
    let error: unknown;
    await topic.createSubscription('malformed', { filter: 'attributes.ce-type = ' }).catch((e) => { error = e; });
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.match(/filter/i);

    const [sub] = await topic.createSubscription('not-equal', { filter: 'attributes.ce-tier != "free"' });
    const ids = ['without-tier', 'free', 'gold'];
    await Promise.all([
      topic.publishMessage({ data: Buffer.from('{}'), attributes: { 'ce-id': ids[0]! } }),
      topic.publishMessage({ data: Buffer.from('{}'), attributes: { 'ce-id': ids[1]!, 'ce-tier': 'free' } }),
      topic.publishMessage({ data: Buffer.from('{}'), attributes: { 'ce-id': ids[2]!, 'ce-tier': 'gold' } }),
    ]);
    expect([...(await pullAll(sub.name)).keys()].sort()).to.deep.equal(['gold', 'without-tier']);
  });

  it('delivers each event with the attributes the publisher gave it, and nothing that was not published', () => {
    expect(delivered.reduce((n, d) => n + d.size, 0)).to.be.greaterThan(0);
    for (const d of delivered) {
      for (const [id, attributes] of d) {
        const e = ALL_EVENTS.find((x) => x.id === id);
        expect(e, id).to.not.equal(undefined);
        expect(attributes, id).to.deep.equal(messageAttributes(e!));
      }
    }
  });

  // pstest answers "no match" for some filters it should refuse (an unterminated string, say): a case whose
  // filter accepts nothing would pass with such a filter, so every case but those that want no event
  // at all must accept some event, and every filter must refuse some.
  it('has events each filter accepts and events it refuses', () => {
    // Two filters exclude every subscribed type; an empty subject does not travel (wire.ts), so "" never matches.
    const acceptsNone = ['type in, none subscribed', 'type notExists', 'subject in ""'];
    for (const c of CASES) {
      const answers = ALL_EVENTS.map((e) => expected(c.types, c.where, asDelivered(e)));
      expect(answers.includes(true), `${c.name} accepts some event`).to.equal(!acceptsNone.includes(c.name));
      expect(answers.includes(false), `${c.name} refuses some event`).to.equal(true);
    }
  });

  CASES.forEach((c, i) => {
    it(`${c.name}: filter (+ residual) ≡ matches()`, () => {
      const { native, residual } = compilePubSubFilter(c);
      const got = delivered[i]!;
      for (const e of ALL_EVENTS) {
        const attributes = messageAttributes(e);
        const read = (field: string) => attributes[pubsubAttributeName(field)];
        const accepted = got.has(e.id) && matchesClauses(residual, read);
        expect(accepted, `${native.filter} (+ ${JSON.stringify(residual)}) × ${JSON.stringify(attributes)}`)
          .to.equal(expected(c.types, c.where, asDelivered(e)));
      }
    });
  });
});
