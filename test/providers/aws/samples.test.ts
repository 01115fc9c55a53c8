/** Native sample events: shaped as AWS delivers them, carrying a valid event the function's channel accepts. */
import { expect } from 'chai';
import { shop } from '../../../app/topology';
import { OrderPlaced, PaymentReceived } from '../../../app/events';
import { attributeOf, defineEvent, deliveryPlan, matchesClauses, topology, type Envelope, type Topology } from '../../../contracts';
import { AWS_DELIVERY } from '../../../providers/aws/filter';
import { invokeConfig } from '../../../providers/aws/invoke';
import { invokeNames, invokeTarget, type InvokeTarget } from '../../../providers/aws/invoke-target';
import { dynamodb } from '../../../providers/aws/runtime/dynamodb';
import { eventbridge } from '../../../providers/aws/runtime/eventbridge';
import { http } from '../../../providers/aws/runtime/http';
import { kinesis } from '../../../providers/aws/runtime/kinesis';
import { s3 } from '../../../providers/aws/runtime/s3';
import { sqs } from '../../../providers/aws/runtime/sqs';
import { SAMPLE_SECRET, sampleKinds, sampleOf } from '../../../providers/aws/samples';
import { webhookEvent } from '../../../runtime/webhook';
import { z } from 'zod';

const target = (t: Topology, name: string) => invokeTarget(t, name) as InvokeTarget;
/** The text the one record of an SQS or Kinesis sample carries. */
const rawBodyOf = (event: unknown) => {
  const record = (event as { Records: Array<{ body?: string; kinesis?: { data: string } }> }).Records[0]!;
  return record.body ?? Buffer.from(record.kinesis!.data, 'base64').toString('utf8');
};
const BINDINGS = { sqs, kinesis, eventbridge } as const;

/** Checks a function's sample: it reaches the channel it stands for, with an event that channel delivers to the handler. */
function expectDelivered(t: Topology, fn: string, kind: 'sqs' | 'kinesis' | 'eventbridge') {
  const event = sampleOf(t, target(t, fn), kind, {}).event;
  const binding = BINDINGS[kind];
  expect(binding.detect(event), `${fn} ${kind} sample is detected as ${kind}`).to.equal(true);
  const [record, ...more] = binding.decode(event as never, invokeConfig(t, fn).sources);
  expect(more).to.have.length(0);
  const channels = deliveryPlan(t, AWS_DELIVERY).channelsOf(fn);
  // A push names no source; a queue's or stream's record names its channel through the config's sources.
  const channel = kind === 'eventbridge' ? channels.find((c) => c.source.kind === 'direct') : channels.find((c) => c.sourceKey === record!.channel);
  if (!channel) throw new Error(`${fn}'s ${kind} sample reaches none of its channels`);
  const envelope = record!.payload as Envelope;
  expect(channel.types).to.include(envelope.type);
  expect(matchesClauses(channel.clauses, (f) => attributeOf(envelope, f)), 'the subscription filter accepts it').to.equal(true);
  const definition = t.events.find((e) => e.wireType === envelope.type)!;
  expect(definition.schema.safeParse(envelope.data).success, JSON.stringify(envelope.data)).to.equal(true);
  return { event, record: record!, channel };
}

describe('providers/aws/samples', () => {
  describe('every trigger of the example app', () => {
    for (const name of invokeNames(shop)) {
      const t = target(shop, name);
      for (const kind of sampleKinds(shop, t)) {
        it(`${name}: its ${kind} sample reaches it`, () => {
          if (kind === 'sqs' || kind === 'kinesis' || kind === 'eventbridge') {
            expectDelivered(shop, name, kind);
          } else if (kind === 'http') {
            const w = shop.webhooks.find((x) => `webhook:${x.name}` === name)!;
            const request = http.decode(sampleOf(shop, t, kind, {}).event as never);
            const verdict = webhookEvent({ name: w.name, verify: w.verify, definition: shop.events.find((e) => e.wireType === w.emits)!, headers: request.headers, body: request.body, secret: SAMPLE_SECRET });
            expect(verdict.ok, JSON.stringify(verdict)).to.equal(true);
            expect([request.method, request.path]).to.deep.equal([w.method, w.path]);
          } else if (kind === 'upload') {
            const b = shop.buckets.find((x) => `upload:${x.name}` === name)!;
            const object = s3.decode(sampleOf(shop, t, kind, {}).event as never);
            expect(object.key.startsWith(b.onUpload!.prefix)).to.equal(true);
          } else {
            const table = shop.tables.find((x) => `change:${x.name}` === name)!;
            const [record] = dynamodb.decode(sampleOf(shop, t, kind, {}).event as never);
            const definition = shop.events.find((e) => e.wireType === table.onChange!.emits)!;
            expect(definition.schema.safeParse({ ...record!.change, table: table.name }).success).to.equal(true);
          }
        });
      }
    }
  });

  it('wraps a bus rule\'s delivery in its EventBridge event, and gives a FIFO queue its message group', () => {
    const t = topology('s');
    const bus = t.bus('b');
    const orders = t.queue('orders', { orderBy: 'data.orderId' });
    t.fn('f', { handler: 'functions/charge-payment.ts' }).subscribe(bus, { events: [OrderPlaced], via: orders });
    const built = t.build();
    const { event, record } = expectDelivered(built, 'f', 'sqs');
    const raw = (event as { Records: Array<{ body: string; eventSourceARN: string }> }).Records[0]!;
    expect(eventbridge.detect(JSON.parse(raw.body))).to.equal(true);
    expect(raw.eventSourceARN).to.match(/:orders\.fifo$/);
    expect(record.orderKey).to.equal((record.payload as Envelope<{ orderId: string }>).data.orderId);
  });

  it('delivers a topic subscriber\'s own queue and a stream read directly as the CloudEvent itself', () => {
    const t = topology('s');
    const topic = t.topic('news');
    const audit = t.stream('audit', { key: 'data.orderId' });
    t.fn('reader', { handler: 'functions/send-confirmation.ts' }).subscribe(topic, { events: [PaymentReceived], where: { subject: { prefix: 'eu/' } } });
    t.fn('auditor', { handler: 'functions/audit-orders.ts' }).subscribe(audit, { events: [OrderPlaced] });
    const built = t.build();
    expect(rawBodyOf(expectDelivered(built, 'reader', 'sqs').event)).to.include('"specversion"');
    expect(rawBodyOf(expectDelivered(built, 'auditor', 'kinesis').event)).to.include('"specversion"');
  });

  it('makes a change from the example of the emitted event, or from the table\'s keys when the event has none', () => {
    const RowWritten = defineEvent({ type: 'RowWritten', version: 1, source: 's', schema: z.object({ table: z.string(), op: z.enum(['insert', 'modify', 'remove']), keys: z.object({ id: z.string() }), newImage: z.record(z.string(), z.unknown()).optional() }) });
    const Touched = defineEvent({ type: 'Touched', version: 1, source: 's', schema: z.object({ table: z.string(), op: z.literal('modify'), keys: z.unknown() }) });
    const t = topology('s');
    const bus = t.bus('b');
    t.table('rows', { partitionKey: 'id', onChange: { emits: RowWritten, to: bus } });
    t.table('marks', { partitionKey: 'pk', sortKey: 'sk', onChange: { emits: Touched, to: bus } });
    const built = t.build();
    const change = (name: string) => dynamodb.decode(sampleOf(built, target(built, name), 'change', {}).event as never)[0]!.change;
    expect(change('change:rows')).to.deep.equal({ table: 'rows', op: 'insert', keys: { id: 'id-1' }, newImage: {} });
    expect(change('change:marks')).to.deep.equal({ table: 'marks', op: 'modify', keys: { pk: 'example', sk: 'example' }, newImage: { pk: 'example', sk: 'example' }, oldImage: { pk: 'example', sk: 'example' } });
  });

  it('lists the kinds a function takes, one per kind of channel', () => {
    const t = topology('s');
    const bus = t.bus('b');
    t.fn('both', { handler: 'functions/send-confirmation.ts' })
      .subscribe(bus, { events: [PaymentReceived] })
      .subscribe(bus, { events: [PaymentReceived], via: t.queue('q'), name: 'queued' });
    t.fn('idle', { handler: 'functions/send-confirmation.ts' });
    const built = t.build();
    expect(sampleKinds(built, target(built, 'both'))).to.deep.equal(['eventbridge', 'sqs']);
    expect(sampleKinds(built, target(built, 'idle'))).to.deep.equal([]);
  });

  it('signs a webhook sample with the secret from the environment, or says which secret it used', () => {
    const t = target(shop, 'webhook:payments');
    expect(sampleOf(shop, t, 'http', {}).notes).to.deep.equal([`PAYMENTS_WEBHOOK_SECRET is not set: the request is signed with "${SAMPLE_SECRET}"; invoke it with PAYMENTS_WEBHOOK_SECRET=${SAMPLE_SECRET}`]);
    const signed = sampleOf(shop, t, 'http', { PAYMENTS_WEBHOOK_SECRET: 'shh' });
    expect(signed.notes).to.deep.equal([]);
    const request = http.decode(signed.event as never);
    const w = shop.webhooks[0]!;
    const verdict = (secret: string) => webhookEvent({ name: w.name, verify: w.verify, definition: shop.events.find((e) => e.wireType === w.emits)!, headers: request.headers, body: request.body, secret }).ok;
    expect([verdict('shh'), verdict(SAMPLE_SECRET)]).to.deep.equal([true, false]);
  });
});
