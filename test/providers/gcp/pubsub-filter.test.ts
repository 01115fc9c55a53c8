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
import { PUBSUB_FILTER_MAX_BYTES, compilePubSubFilter, pubsubAttributeName } from '../../../providers/gcp/filter';
import { messageAttributes } from '../../../providers/gcp/runtime/wire';
import { pstestClientOptions, startPstest, type Pstest } from '../../helpers/pstest';
import { EVENTS, FILTERS, SUBSCRIBED, expected } from '../aws/filter-cases';
import { serviceRuleViolations } from './filter-rules';

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

/** The seed of the random table; a failure names it, so a run can be repeated. */
const SEED = 20261203;

/** A small seeded PRNG (mulberry32): the same seed, the same table. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Values that stress the syntax (quotes, backslashes, multi-byte, prefixes of each other, keywords) and the budget. */
const VALUES = ['eu/1', 'eu/', 'e', 'us/2', '', 'a"b', 'x\\y', '\\', '"', 'é', 'éé/1', 'AND', 'OR', ') OR (', 'shop', 'shop.orders', 'EU/1', 'z'.repeat(90), 'ü'.repeat(60)];
const RANDOM_TYPES = [...SUBSCRIBED, 'Other.v1'];
const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const some = <T>(random: () => number, list: readonly T[], max: number): T[] => Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(random, list));

function randomCase(random: () => number): { types: string[]; where: Filter } {
  const where: Record<string, Filter[string]> = {};
  for (const field of ['type', 'source', 'subject', 'region', 'tier']) {
    if (random() > 0.45) continue;
    const values = field === 'type' ? RANDOM_TYPES : VALUES;
    switch (pick(random, ['in', 'notIn', 'prefix', 'exists', 'notExists'] as const)) {
      case 'in': where[field] = { in: some(random, values, 3) }; break;
      case 'notIn': where[field] = { notIn: some(random, values, 2) }; break;
      case 'prefix': where[field] = { prefix: some(random, field === 'type' ? ['Order', 'Image', 'O', ''] : VALUES, 2) }; break;
      case 'exists': where[field] = { exists: true }; break;
      case 'notExists': where[field] = { notExists: true }; break;
    }
  }
  const types = random() < 0.15 ? [] : [...new Set(some(random, SUBSCRIBED, 3))];
  return { types, where };
}

function randomEvent(random: () => number, i: number): Envelope {
  const attributes: Record<string, string> = {};
  for (const field of ['subject', 'region', 'tier']) if (random() < 0.7) attributes[field] = pick(random, VALUES);
  return {
    specversion: '1.0', id: `random-${i}`, type: pick(random, RANDOM_TYPES), source: pick(random, VALUES.filter((v) => v !== '')),
    time: '2026-03-01T10:00:00Z', datacontenttype: 'application/json', data: { i }, ...attributes,
  } as Envelope;
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
    topic = (await pubsub.createTopic('filter-table'))[0];
    delivered.push(...await deliver(topic, CASES.map((c) => compilePubSubFilter(c).native.filter), ALL_EVENTS));
  });

  /** One subscription per filter on the topic, then every event published, then what each subscription delivered. */
  async function deliver(on: Topic, filters: readonly string[], events: readonly Envelope[]): Promise<Array<Map<string, Record<string, string>>>> {
    // Subscriptions first: a subscription receives only what is published after it exists.
    const names = await Promise.all(filters.map(async (filter, i) => (await on.createSubscription(`${on.name.split('/').pop()}-${i}`, { filter }))[0].name));
    await Promise.all(events.map((e) => on.publishMessage({ data: Buffer.from(JSON.stringify(e.data)), attributes: messageAttributes(e) })));
    const out: Array<Map<string, Record<string, string>>> = [];
    for (const name of names) out.push(await pullAll(name));
    return out;
  }

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

  it(`random filters and events (seed ${SEED}): filter (+ residual) ≡ matches() for every pair`, async () => {
    const random = mulberry32(SEED);
    const cases = Array.from({ length: 150 }, () => randomCase(random));
    const events = Array.from({ length: 40 }, (_, i) => randomEvent(random, i));
    const compiled = cases.map((c) => compilePubSubFilter(c));
    for (const { native } of compiled) {
      expect(Buffer.byteLength(native.filter), native.filter).to.be.at.most(PUBSUB_FILTER_MAX_BYTES);
      expect(serviceRuleViolations(native.filter), native.filter).to.deep.equal([]);
    }
    const [randomTopic] = await pubsub.createTopic('random-table');
    const got = await deliver(randomTopic, compiled.map((c) => c.native.filter), events);
    const wrong: string[] = [];
    let accepted = 0;
    cases.forEach((c, i) => {
      for (const e of events) {
        const attributes = messageAttributes(e);
        const answer = got[i]!.has(e.id) && matchesClauses(compiled[i]!.residual, (field) => attributes[pubsubAttributeName(field)]);
        const reference = expected(c.types, c.where, asDelivered(e));
        if (reference) accepted++;
        if (answer !== reference) wrong.push(`${JSON.stringify(c)} → ${JSON.stringify(compiled[i]!.native.filter)} × ${JSON.stringify(attributes)}: got ${answer}`);
      }
    });
    expect(wrong.slice(0, 5), `${wrong.length} of ${cases.length * events.length} pairs differ`).to.deep.equal([]);
    // A table that accepts (or refuses) everything would prove nothing.
    expect(accepted).to.be.within(cases.length, cases.length * events.length * 0.9);
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
