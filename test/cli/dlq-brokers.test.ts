/**
 * `herald dlq --brokers` (cli/commands/dlq.ts): the example app's dead letters listed, redriven and purged
 * straight on a real Kafka broker, no dev server running; an undeployed stack and an unreachable cluster
 * are reported, not crashed on.
 */
import { expect } from 'chai';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { shop } from '../../app/topology';
import { OrderPlaced, PaymentReceived } from '../../app/events';
import { runDlq } from '../../cli/commands/dlq';
import { memoryIo } from '../../cli/io';
import { deliveryPlan } from '../../contracts';
import { newEnvelope } from '../../runtime';
import { KAFKA_DELIVERY } from '../../providers/kafka/delivery';
import { kafkaNames } from '../../providers/kafka/topics';
import { encodeRecord } from '../../providers/kafka/transport/binding';
import { deadLetterTopics } from '../../providers/kafka/transport/dead-letter-view';
import { readDeliveryHeaders, writeDeadLetterHeaders } from '../../providers/kafka/transport/delivery-headers';
import { startKafkaBroker, type KafkaBroker } from '../helpers/kafka-broker';
import { createReadyTopics, readAll } from '../providers/kafka/transport/ready-topics';
import { order } from './helpers';

const STACK = 'cli';
const plan = deliveryPlan(shop, KAFKA_DELIVERY);
const names = kafkaNames(shop.name, STACK);
const channel = (fn: string) => plan.channels.find((c) => c.function === fn)!;

describe('herald dlq --brokers', function () {
  this.timeout(120_000);
  let broker: KafkaBroker;
  let kafka: Kafka;
  const declined = newEnvelope(OrderPlaced, order('o-declined', { channel: 'web' }) as never);
  const unaudited = newEnvelope(PaymentReceived, { orderId: 'o-9', paymentId: 'p-9', amount: 42, currency: 'EUR' });
  const dlq = (argv: string[]) => {
    const io = memoryIo();
    return runDlq([...argv, '--brokers', broker.brokers.join(','), '--stack', STACK], io).then((code) => ({ code, ...io }));
  };

  before(async () => {
    broker = await startKafkaBroker();
    kafka = new Kafka({ clientId: 'dlq-cli-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    await createReadyTopics(kafka, [...deadLetterTopics(plan, names), ...plan.channels.map((c) => names.retry(c)), names.outcomes, names.claims], 1);
  });
  after(async () => broker?.stop());

  it('says "no dead letters" when the topics hold none', async () => {
    expect(await dlq(['list'])).to.deep.include({ code: 0, stdout: ['no dead letters'], stderr: [] });
  });

  it('lists what workers dead-lettered, as a table, as JSON and filtered', async () => {
    // arrange: two letters, as the charge-payment and audit-orders workers write them
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const at = '2026-12-03T06:30:00.000Z';
    await producer.send({ topic: names.deadLetter(channel('charge-payment')), acks: -1, messages: [encodeRecord(declined, declined.id, writeDeadLetterHeaders({
      subscription: channel('charge-payment').subscription, function: 'charge-payment', reason: 'gave up after 5 attempts: Error: card declined', attempts: 5, deadLetteredAt: at,
    }))] });
    await producer.send({ topic: names.deadLetter(channel('audit-orders')), acks: -1, messages: [encodeRecord(unaudited, 'o-9', writeDeadLetterHeaders({
      subscription: channel('audit-orders').subscription, function: 'audit-orders', reason: 'gave up after 3 attempts: Error: audit store down', attempts: 3, deadLetteredAt: at,
    }))] });
    await producer.disconnect();

    // act
    const table = await dlq(['list']);
    const json = await dlq(['list', '--json']);
    const filtered = await dlq(['list', '--function', 'audit-orders']);

    // assert
    expect(table.code).to.equal(0);
    expect(table.stdout[0]).to.match(/^ID\s+TYPE\s+FUNCTION\s+ATTEMPTS\s+AT\s+REASON$/);
    expect(table.stdout.find((l) => l.startsWith(declined.id))).to.match(/OrderPlaced\.v2\s+charge-payment\s+5\s+2026-12-03T06:30:00\.000Z\s+gave up after 5 attempts: Error: card declined/);
    const letters = JSON.parse(json.stdout.join('\n')) as Array<Record<string, unknown>>;
    expect(letters.map((l) => l.id).sort()).to.deep.equal([declined.id, unaudited.id].sort());
    expect(letters.find((l) => l.id === declined.id)).to.deep.include({ subscription: channel('charge-payment').subscription, event: declined, offset: '0' });
    expect(letters[0]).not.to.have.property('record');
    expect(filtered.stdout.slice(1).map((l) => l.split(/\s+/)[0])).to.deep.equal([unaudited.id]);
  });

  it('redrives one by id to its subscription\'s retry topic, and refuses an id with no letter', async () => {
    // act
    const redriven = await dlq(['redrive', '--id', declined.id]);
    const none = await dlq(['redrive', '--id', 'nope']);

    // assert
    expect(redriven).to.deep.include({ code: 0, stdout: ['redriven 1 dead letter'] });
    expect(none).to.deep.include({ code: 1, stderr: ['herald dlq: no dead letter with id "nope"'] });
    const [sent] = await readAll(kafka, names.retry(channel('charge-payment')), 1);
    expect(readDeliveryHeaders(sent!.headers)).to.deep.equal({ subscription: channel('charge-payment').subscription, attempt: 1, notBefore: 0 });
    expect(String(sent!.headers!.ce_id)).to.equal(declined.id);
    expect((await dlq(['list', '--json'])).stdout.join('\n')).not.to.contain(declined.id);
  });

  it('purges what a filter matches for good', async () => {
    expect(await dlq(['purge', '--type', 'PaymentReceived.v1'])).to.deep.include({ code: 0, stdout: ['purged 1 dead letter'] });
    expect((await dlq(['list'])).stdout).to.deep.equal(['no dead letters']);
  });

  it('reports a stack whose topics are not on the cluster', async () => {
    const io = memoryIo();
    expect(await runDlq(['list', '--brokers', broker.brokers[0]!, '--stack', 'nowhere'], io)).to.equal(1);
    expect(io.stderr[0]).to.match(/^herald dlq: topics missing on the cluster: shop\.nowhere\..*; deploy the app's topics first/);
  });

  it('reports an unreachable cluster within seconds', async () => {
    const started = performance.now();
    const io = memoryIo();
    expect(await runDlq(['list', '--brokers', '127.0.0.1:1'], io)).to.equal(1);
    expect(io.stderr[0]).to.match(/^herald dlq: on the cluster at 127\.0\.0\.1:1 \(stack dev\): .*(ECONNREFUSED|Connection)/);
    expect(performance.now() - started).to.be.below(20_000);
  });

  it('refuses --brokers with --url, --stack or --app without --brokers, a malformed broker list or stack, and bad SASL settings', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['list', '--brokers', '127.0.0.1:9092', '--url', 'http://127.0.0.1:4000'], /--url and --brokers exclude each other/],
      [['list', '--stack', 'dev'], /--stack and --app go with --brokers/],
      [['list', '--app', 'app/topology.ts'], /--stack and --app go with --brokers \(a dev server knows its app\)/],
      [['list', '--brokers', 'localhost'], /--brokers has "localhost"; each broker is host:port/],
      [['list', '--brokers', '127.0.0.1:9092', '--stack', 'a.b'], /--stack is "a\.b"/],
    ];
    for (const [argv, message] of cases) {
      const io = memoryIo();
      expect(await runDlq(argv, io), argv.join(' ')).to.equal(2);
      expect(io.stderr[0]).to.match(message);
    }
    const io = memoryIo();
    expect(await runDlq(['list', '--brokers', '127.0.0.1:9092'], io, { HERALD_KAFKA_SASL_MECHANISM: 'kerberos' }), 'SASL from the environment, as herald worker reads it').to.equal(2);
    expect(io.stderr[0]).to.match(/HERALD_KAFKA_SASL_MECHANISM is "kerberos"/);
  });
});

