/**
 * The dead-letter view on a real broker (providers/kafka/transport/dead-letter-view.ts): dead letters read
 * from every dead-letter topic with their reason and history, an unreadable record shown too, copies of one
 * event folded into one letter, a purge and a redrive hiding a letter through an outcomes-topic marker, a
 * redrive landing in the subscription's retry topic addressed to it alone, and missing topics refused.
 */
import { expect } from 'chai';
import { Kafka, Partitioners, logLevel, type Message } from 'kafkajs';
import { z } from 'zod';
import { defineEvent, deliveryPlan, topology, type DeliveryPlan, type Envelope } from '../../../../contracts';
import { EventRegistry, newEnvelope, silentLogger } from '../../../../runtime';
import { DeadLetterStore } from '../../../../providers/local/dead-letters';
import { TraceStore } from '../../../../providers/local/traces';
import { KAFKA_DELIVERY } from '../../../../providers/kafka/delivery';
import { kafkaNames, type KafkaNames } from '../../../../providers/kafka/topics';
import { encodeRecord } from '../../../../providers/kafka/transport/binding';
import {
  MissingTopicsError, deadLetterTopics, purge, readDeadLetters, redrive, removalKey, type DeadLetterViewOptions,
} from '../../../../providers/kafka/transport/dead-letter-view';
import { readDeliveryHeaders, writeDeadLetterHeaders } from '../../../../providers/kafka/transport/delivery-headers';
import { KafkaClaims } from '../../../../providers/kafka/transport/claims';
import { Outcomes } from '../../../../providers/kafka/transport/outcomes';
import { RecordSender } from '../../../../providers/kafka/transport/record-sender';
import { startKafkaBroker, type KafkaBroker } from '../../../helpers/kafka-broker';
import { expectReject } from '../../../helpers/reject';
import { createReadyTopics, readAll } from './ready-topics';

export const Paid = defineEvent({ type: 'Paid', version: 1, source: 'test.pay', schema: z.object({ orderId: z.string() }) });

/** A bus, a queue-fed function and a direct one: two dead-letter topics (the queue's, the direct function's). */
export function dlqApp() {
  const app = topology('dlqtest').event(Paid);
  const bus = app.bus('main');
  const jobs = app.queue('jobs', { maxAttempts: 2 });
  app.fn('bill', { handler: 'functions/bill.ts', timeout: '5s' }).subscribe(bus, { events: [Paid], via: jobs });
  app.fn('notify', { handler: 'functions/notify.ts', timeout: '5s' }).subscribe(bus, { events: [Paid] });
  return app.build();
}

const app = dlqApp();
const plan: DeliveryPlan = deliveryPlan(app, KAFKA_DELIVERY);
const registry = new EventRegistry(app.events);
const channel = (fn: string) => plan.channels.find((c) => c.function === fn)!;

/** Every topic the view reads and writes, created on the broker. */
async function createTopics(kafka: Kafka, names: KafkaNames): Promise<void> {
  await createReadyTopics(kafka, [...deadLetterTopics(plan, names), ...plan.channels.map((c) => names.retry(c))], 2);
  // One partition each, as the cluster has them (topic-config.ts `single`: their order across writers matters).
  await createReadyTopics(kafka, [names.outcomes, names.claims], 1);
}

async function produce(kafka: Kafka, topic: string, messages: Message[]): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

/** A dead letter as a worker writes it: the event in binary mode, Herald's headers beside. */
function deadLetterRecord(fn: string, envelope: Envelope, reason: string, attempts: number): Message {
  const c = channel(fn);
  const history = Array.from({ length: attempts }, (_, i) => ({ attempt: i + 1, at: '2026-12-03T06:00:00.000Z', outcome: i + 1 < attempts ? 'retry' : 'dead-letter', reason: 'Error: declined' }));
  return encodeRecord(envelope, envelope.id, writeDeadLetterHeaders({ subscription: c.subscription, function: fn, reason, attempts, lastError: 'Error: declined', deadLetteredAt: '2026-12-03T06:00:01.000Z', history }));
}

/** Every record of a topic, read by a plain kafkajs consumer. */

describe('Kafka dead-letter view', function () {
  this.timeout(120_000);
  let broker: KafkaBroker;
  let kafka: Kafka;
  before(async () => {
    broker = await startKafkaBroker();
    kafka = new Kafka({ clientId: 'dlq-view-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  });
  after(async () => broker?.stop());

  /** A fresh stack per test, so each starts with empty topics. */
  async function stack(name: string): Promise<DeadLetterViewOptions & { names: KafkaNames }> {
    const names = kafkaNames(app.name, name);
    await createTopics(kafka, names);
    return { kafka, names, plan, registry };
  }

  it('lists every dead letter of every dead-letter topic, with its reason, attempts, history and location', async () => {
    // arrange
    const view = await stack('list');
    const billed = newEnvelope(Paid, { orderId: 'o-1' });
    const notified = newEnvelope(Paid, { orderId: 'o-2' });
    await produce(kafka, view.names.deadLetter(channel('bill')), [deadLetterRecord('bill', billed, 'gave up after 2 attempts: Error: declined', 2)]);
    await produce(kafka, view.names.deadLetter(channel('notify')), [deadLetterRecord('notify', notified, 'gave up after 3 attempts: Error: declined', 3)]);

    // act
    const letters = await readDeadLetters(view);

    // assert
    expect(letters).to.have.length(2);
    const bill = letters.find((l) => l.function === 'bill')!;
    expect(bill).to.deep.include({
      id: billed.id, type: 'Paid.v1', subscription: channel('bill').subscription, attempts: 2, reason: 'gave up after 2 attempts: Error: declined',
      lastError: 'Error: declined', at: '2026-12-03T06:00:01.000Z', event: billed, topic: view.names.deadLetter(channel('bill')), offset: '0',
    });
    expect(bill.history!.map((e) => [e.attempt, e.outcome])).to.deep.equal([[1, 'retry'], [2, 'dead-letter']]);
    expect(letters.find((l) => l.function === 'notify')!.event).to.deep.equal(notified);
    expect(await readDeadLetters(view, { function: 'notify' })).to.have.length(1);
    expect(await readDeadLetters(view, { id: billed.id, type: 'Paid.v1' })).to.have.length(1);
    expect(await readDeadLetters(view, { type: 'Other.v1' })).to.deep.equal([]);
  });

  it('shows a record that is not a valid CloudEvent, with why, and folds copies of one event into one letter', async () => {
    // arrange
    const view = await stack('odd');
    const topic = view.names.deadLetter(channel('bill'));
    const event = newEnvelope(Paid, { orderId: 'o-3' });
    const copy = deadLetterRecord('bill', event, 'gave up after 2 attempts: Error: declined', 2);
    const unreadable: Message = {
      key: 'k', value: 'not json', headers: { ce_specversion: '1.0', ce_id: 'odd-1', ce_type: 'Paid.v1', ce_source: 's', 'content-type': 'application/json',
        ...writeDeadLetterHeaders({ subscription: channel('bill').subscription, function: 'bill', reason: 'unreadable record: malformed', attempts: 0, deadLetteredAt: new Date() }) },
    };
    // One key: one partition, in this order.
    await produce(kafka, topic, [{ ...copy, key: 'same' }, { ...copy, key: 'same' }, { ...unreadable, key: 'same' }]);

    // act
    const letters = await readDeadLetters(view);

    // assert
    expect(letters.map((l) => [l.id, l.copies.length])).to.deep.equal([[event.id, 1], ['odd-1', 0]]);
    const odd = letters[1]!;
    expect(odd.event).to.equal(undefined);
    expect(odd.unreadable).to.match(/^malformed JSON in the record value/);
    expect(odd.reason).to.equal('unreadable record: malformed');
  });

  it('purges: a marker in the outcomes topic hides the letter and its copies for good', async () => {
    // arrange
    const view = await stack('purge');
    const topic = view.names.deadLetter(channel('notify'));
    const gone = newEnvelope(Paid, { orderId: 'gone' });
    const kept = newEnvelope(Paid, { orderId: 'kept' });
    const record = deadLetterRecord('notify', gone, 'r', 3);
    await produce(kafka, topic, [{ ...record, key: 'a' }, { ...record, key: 'a' }, { ...deadLetterRecord('notify', kept, 'r', 3), key: 'a' }]);
    const [letter] = await readDeadLetters(view, { id: gone.id });

    // act
    expect(await purge(view, [letter!])).to.equal(1);

    // assert
    expect((await readDeadLetters(view)).map((l) => l.id)).to.deep.equal([kept.id]);
    const markers = await readAll(kafka, view.names.outcomes, 2);
    expect(markers.map((m) => String(m.key)).sort()).to.deep.equal([removalKey(letter!), removalKey(letter!.copies[0]!)].sort());
    expect(JSON.parse(String(markers[0]!.value))).to.deep.include({ kind: 'dlq-removed', by: 'purge', letter: String(markers[0]!.key).slice(4) });
  });

  it('redrives to the subscription\'s retry topic only, from attempt 1 at once, with the record\'s key and event, then hides it', async () => {
    // arrange
    const view = await stack('redrive');
    const event = newEnvelope(Paid, { orderId: 'again' });
    await produce(kafka, view.names.deadLetter(channel('bill')), [{ ...deadLetterRecord('bill', event, 'r', 2), key: 'order-again' }]);
    const letters = await readDeadLetters(view);
    const forgotten: string[] = [];

    // act
    expect(await redrive({ ...view, forget: async (ls) => void forgotten.push(...ls.map((l) => `${l.subscription}/${l.id}`)) }, letters)).to.equal(1);

    // assert
    expect(forgotten, 'the idempotency store is told to forget it first').to.deep.equal([`${channel('bill').subscription}/${event.id}`]);
    const [sent] = await readAll(kafka, view.names.retry(channel('bill')), 1);
    expect(String(sent!.key)).to.equal('order-again');
    expect(readDeliveryHeaders(sent!.headers)).to.deep.equal({ subscription: channel('bill').subscription, attempt: 1, notBefore: 0 });
    expect(String(sent!.headers!.ce_id)).to.equal(event.id);
    expect(JSON.parse(String(sent!.value))).to.deep.equal(event.data);
    expect(await readDeadLetters(view)).to.deep.equal([]);
    const [marker] = await readAll(kafka, view.names.outcomes, 1);
    expect(JSON.parse(String(marker!.value))).to.deep.include({ kind: 'dlq-removed', by: 'redrive' });

    // act: it fails for good again
    await produce(kafka, view.names.deadLetter(channel('bill')), [{ ...deadLetterRecord('bill', event, 'again', 2), key: 'order-again' }]);

    // assert: a new letter, not hidden by the old one's marker
    expect((await readDeadLetters(view)).map((l) => [l.id, l.reason, l.copies.length])).to.deep.equal([[event.id, 'again', 0]]);
  });

  it('redrives by default after forgetting the given-up claim in the claims topic, so a worker runs the handler again', async () => {
    // arrange: a worker gave up on the event (its claim journaled), and dead-lettered it
    const view = await stack('claims');
    const event = newEnvelope(Paid, { orderId: 'claimed' });
    const key = { scope: 'bill', source: event.source, id: event.id };
    await withClaims(view.names, async (worker) => {
      worker.begin(key, 3600);
      await worker.giveUp(key, 3600);
      // The reader journals a give-up once the dead-letter record is acknowledged.
      await worker.buried(key);
    });
    await produce(kafka, view.names.deadLetter(channel('bill')), [deadLetterRecord('bill', event, 'r', 2)]);
    await withClaims(view.names, async (later) => {
      expect(later.begin(key, 3600).state, 'before the redrive').to.equal('dead-lettered');
    });

    // act
    await redrive(view, await readDeadLetters(view));

    // assert: a worker reading the claims now delivers it again from attempt 1
    await withClaims(view.names, async (later) => {
      expect(later.begin(key, 3600)).to.deep.equal({ state: 'claimed', attempt: 1 });
    });
  });

  /** A claims store as a worker has one, caught up with the topic, for the time of `use`. */
  async function withClaims(names: KafkaNames, use: (claims: KafkaClaims) => Promise<void>): Promise<void> {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const claims = new KafkaClaims({ kafka, names, sender: new RecordSender(producer), logger: silentLogger });
    try {
      await claims.start();
      await use(claims);
    } finally {
      await claims.stop();
      await producer.disconnect();
    }
  }

  it('honours the dev server\'s removals (by subscription and event, up to their time), and its follower honours ours', async () => {
    // arrange: one letter the dev server's /dlq purged, then the same event dead-lettered again; one letter purged here
    const view = await stack('shared');
    const topic = view.names.deadLetter(channel('notify'));
    const event = newEnvelope(Paid, { orderId: 'twice' });
    const other = newEnvelope(Paid, { orderId: 'other' });
    const subscription = channel('notify').subscription;
    const letterAt = (at: string) => {
      const record = deadLetterRecord('notify', event, `failed at ${at}`, 3);
      return { ...record, headers: { ...record.headers, 'herald-dead-lettered-at': at }, key: 'k' };
    };
    await produce(kafka, topic, [letterAt('2026-12-03T06:00:00.000Z'), { ...deadLetterRecord('notify', other, 'r', 3), key: 'k' }]);
    await produce(kafka, view.names.outcomes, [{ key: 'dlq', value: JSON.stringify({ kind: 'dlq-removed', w: 'a-dev-server', letters: [{ subscription, id: event.id }], by: 'purge', at: '2026-12-03T06:10:00.000Z' }) }]);
    await produce(kafka, topic, [letterAt('2026-12-03T06:20:00.000Z')]);

    // act
    const letters = await readDeadLetters(view);

    // assert: the first letter is gone, the later failure is a letter
    expect(letters.map((l) => [l.id, l.reason])).to.deep.equal([[other.id, 'r'], [event.id, 'failed at 2026-12-03T06:20:00.000Z']]);

    // act: purged here, as a dev server following the outcomes topic sees it
    await purge(view, letters.filter((l) => l.id === other.id));
    const deadLetters = new DeadLetterStore();
    deadLetters.add({ id: other.id, type: 'Paid.v1', function: 'notify', subscription, attempts: 3, reason: 'r', lastError: 'r', at: '2026-12-03T06:00:00.000Z', event: other });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const outcomes = new Outcomes({ kafka, names: view.names, sender: new RecordSender(producer), logger: silentLogger });
    try {
      await outcomes.follow(new TraceStore(), deadLetters);
    } finally {
      await outcomes.stop();
      await producer.disconnect();
    }

    // assert
    expect(deadLetters.size).to.equal(0);
  });

  it('refuses with the names of the missing topics when the app is not deployed on the cluster', async () => {
    const view = { kafka, names: kafkaNames(app.name, 'never-deployed'), plan, registry };
    const error = await expectReject(readDeadLetters(view), MissingTopicsError, /missing on the cluster: .*dlqtest\.never-deployed\.queue\.jobs\.dlq/);
    expect(error.topics).to.include('dlqtest.never-deployed.outcomes');
  });
});
