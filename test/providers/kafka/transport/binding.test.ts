/**
 * The CloudEvents Kafka binding (providers/kafka/transport/binding.ts): Herald envelopes round-trip through
 * binary mode, the spec's own examples (adapted to a registered type) and structured mode are read, a
 * producer that is not Herald is read off a real broker, and each refusal says why.
 */
import { expect } from 'chai';
import { CloudEvent, Kafka as SdkKafka } from 'cloudevents';
import { Kafka, Partitioners, logLevel, type KafkaMessage } from 'kafkajs';
import { z } from 'zod';
import { defineEvent, type Envelope } from '../../../../contracts';
import { EventRegistry, newEnvelope } from '../../../../runtime';
import { BindingError, decodeRecord, encodeRecord, type KafkaRecordIn } from '../../../../providers/kafka/transport/binding';
import { startKafkaBroker, type KafkaBroker } from '../../../helpers/kafka-broker';

const OrderPlaced = defineEvent({
  type: 'OrderPlaced',
  version: 1,
  source: 'shop.orders',
  schema: z.object({ orderId: z.string(), total: z.number(), note: z.string().optional(), region: z.string().optional() }),
  extensions: { region: (d) => d.region },
});
const registry = new EventRegistry([OrderPlaced]);

/** A record as a consumer receives it: what `encodeRecord` made, with Buffer values as kafkajs hands them. */
function received(record: { key: string; value: string; headers: Record<string, string> }): KafkaRecordIn {
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(record.headers)) headers[name] = Buffer.from(value);
  return { key: Buffer.from(record.key), value: Buffer.from(record.value), headers };
}

/** Binary-mode headers of a minimal valid OrderPlaced, to which a test adds or overrides. */
const BASE = { ce_specversion: '1.0', ce_id: 'o-1', ce_source: 'shop.web', ce_type: 'OrderPlaced.v1', 'content-type': 'application/json' };
const binary = (headers: Record<string, string | undefined>, value: string | null = '{"orderId":"o-1","total":3}'): KafkaRecordIn =>
  ({ key: 'o-1', value, headers: { ...BASE, ...headers } });

function refusal(record: KafkaRecordIn): string {
  try {
    decodeRecord(record, registry);
  } catch (error) {
    expect(error).to.be.instanceOf(BindingError);
    return (error as Error).message;
  }
  throw new Error('the record was decoded; expected a BindingError');
}

describe('Kafka binding (CloudEvents Kafka protocol binding)', () => {
  describe('encodeRecord', () => {
    it('writes binary mode: a ce_ header per attribute, content-type, the data as the value, the key as given, extra headers as they are', () => {
      // arrange
      const envelope = newEnvelope(OrderPlaced, { orderId: 'o-7', total: 12.5, region: 'us' }, { subject: 'orders/o-7', correlationId: 'req-1' });

      // act
      const record = encodeRecord(envelope, 'customer-9', { 'herald-attempt': '2' });

      // assert
      expect(record.key).to.equal('customer-9');
      expect(JSON.parse(record.value)).to.deep.equal({ orderId: 'o-7', total: 12.5, region: 'us' });
      expect(record.headers).to.deep.equal({
        ce_specversion: '1.0', ce_id: envelope.id, ce_source: 'shop.orders', ce_type: 'OrderPlaced.v1', ce_time: envelope.time,
        ce_subject: 'orders/o-7', ce_correlationid: 'req-1', ce_traceparent: envelope.traceparent, ce_region: 'us',
        'content-type': 'application/json', 'herald-attempt': '2',
      });
    });
  });

  describe('round trip (encodeRecord → a consumer\'s record → decodeRecord)', () => {
    it('gives back every attribute of a Herald envelope: core, correlation, causation, trace, declared and producer extensions', () => {
      // arrange: an event published by a handler (causation) with a producer extension and a dataschema
      const cause = newEnvelope(OrderPlaced, { orderId: 'o-1', total: 1 }, { correlationId: 'req-42' });
      const published = newEnvelope(OrderPlaced, { orderId: 'o-2', total: 2, note: 'gift', region: 'apac' }, { subject: 's' }, { envelope: cause, functionName: 'bill', index: 0 });
      const envelope = { ...published, dataschema: 'https://schemas.example/order.json', tenant: 'acme' } as Envelope;

      // act
      const decoded = decodeRecord(received(encodeRecord(envelope, 'o-2')), registry);

      // assert
      expect(decoded).to.deep.equal(envelope);
      expect(decoded.causationid).to.equal(cause.id);
      expect(decoded.correlationid).to.equal('req-42');
      expect(decoded.traceparent).to.equal(published.traceparent);
    });

    it('keeps unicode data and attributes intact (UTF-8 headers and value)', () => {
      const envelope = newEnvelope(OrderPlaced, { orderId: 'ø-1', total: 1, note: 'café ☕ 日本 🎉 \u2028' }, { subject: 'ünïcødé/日本' });
      const decoded = decodeRecord(received(encodeRecord(envelope, 'ø-1')), registry);
      expect(decoded).to.deep.equal(envelope);
    });

    it('carries a claim-checked event (dataref, no data) with an empty value', () => {
      // arrange
      const { data: _data, ...rest } = newEnvelope(OrderPlaced, { orderId: 'big', total: 1 });
      const envelope = { ...rest, dataref: 's3://bucket/claims/big' } as unknown as Envelope;

      // act
      const record = encodeRecord(envelope, 'big');
      const decoded = decodeRecord(received(record), registry);

      // assert
      expect(record.value).to.equal('');
      expect(decoded).to.deep.equal(envelope);
      expect(decoded).not.to.have.property('data');
    });

    it('reads string header values too (a producer that sends strings, not Buffers)', () => {
      const envelope = newEnvelope(OrderPlaced, { orderId: 'o-3', total: 3 });
      expect(decodeRecord(encodeRecord(envelope, 'o-3'), registry)).to.deep.equal(envelope);
    });

    it('gives a number extension back as its string form: a header carries no type', () => {
      const envelope = { ...newEnvelope(OrderPlaced, { orderId: 'o-4', total: 4 }), priority: 5 } as Envelope;
      expect(decodeRecord(received(encodeRecord(envelope, 'o-4')), registry).priority).to.equal('5');
    });
  });

  describe('decodeRecord: the spec\'s examples, adapted to a registered type and JSON data', () => {
    it('reads the binary-mode example (§3.2.4)', () => {
      // arrange: as in the spec, with type OrderPlaced.v1 and JSON data in place of Avro
      const record: KafkaRecordIn = {
        key: Buffer.from('mykey'),
        value: Buffer.from('{"orderId":"1234","total":9.99}'),
        headers: {
          ce_specversion: Buffer.from('1.0'), ce_type: Buffer.from('OrderPlaced.v1'), ce_source: Buffer.from('/mycontext/subcontext'),
          ce_id: Buffer.from('1234-1234-1234'), ce_time: Buffer.from('2018-04-05T03:56:24Z'), 'content-type': Buffer.from('application/json'),
        },
      };

      // act
      const envelope = decodeRecord(record, registry);

      // assert
      expect(envelope).to.deep.equal({
        specversion: '1.0', id: '1234-1234-1234', source: '/mycontext/subcontext', type: 'OrderPlaced.v1', time: '2018-04-05T03:56:24Z',
        datacontenttype: 'application/json', correlationid: '1234-1234-1234', data: { orderId: '1234', total: 9.99 },
      });
    });

    it('reads the structured-mode example (§3.1.3): content-type application/cloudevents+json; charset=UTF-8, the event as the value', () => {
      // arrange
      const event = {
        specversion: '1.0', type: 'OrderPlaced.v1', source: '/mycontext/subcontext', id: '1234-1234-1234', time: '2018-04-05T03:56:24Z',
        datacontenttype: 'application/json', comexampleextension1: 'value', data: { orderId: '1234', total: 1 },
      };
      const record: KafkaRecordIn = { key: Buffer.from('mykey'), value: Buffer.from(JSON.stringify(event)), headers: { 'content-type': Buffer.from('application/cloudevents+json; charset=UTF-8') } };

      // act
      const envelope = decodeRecord(record, registry);

      // assert
      expect(envelope).to.deep.equal({ ...event, correlationid: '1234-1234-1234', data: { orderId: '1234', total: 1 } });
    });

    it('gives an event without time its record\'s timestamp, the same on every redelivery', () => {
      const record = { ...binary({}), timestamp: '1767225600123' };
      expect(decodeRecord(record, registry).time).to.equal('2026-01-01T00:00:00.123Z');
      expect(decodeRecord({ ...record, timestamp: undefined }, registry).time).to.match(/^\d{4}-\d\d-\d\dT/);
    });

    it('reads structured mode without looking at ce_ headers, and content-type params in binary mode', () => {
      const structured = decodeRecord({ key: null, value: JSON.stringify({ specversion: '1.0', id: 'x', source: 's', type: 'OrderPlaced.v1', data: { orderId: 'x', total: 0 } }), headers: { 'content-type': 'Application/CloudEvents+JSON', ce_type: 'Nope.v1' } }, registry);
      expect(structured.type).to.equal('OrderPlaced.v1');
      expect(decodeRecord(binary({ 'content-type': 'application/json; charset=utf-8' }), registry).datacontenttype).to.equal('application/json');
      expect(decodeRecord(binary({ 'content-type': undefined }), registry).data).to.deep.equal({ orderId: 'o-1', total: 3 });
    });
  });

  describe('against the CloudEvents SDK\'s Kafka binding (the conformance oracle)', () => {
    const event = new CloudEvent<unknown>({
      specversion: '1.0', id: 'sdk-1', type: 'OrderPlaced.v1', source: 'sdk.producer', time: '2026-12-03T06:00:00.000Z', subject: 'orders/sdk-1',
      datacontenttype: 'application/json', tenant: 'acme', data: { orderId: 'sdk-1', total: 7, note: 'ünï' },
    });
    const expected = {
      specversion: '1.0', id: 'sdk-1', type: 'OrderPlaced.v1', source: 'sdk.producer', time: '2026-12-03T06:00:00.000Z', subject: 'orders/sdk-1',
      datacontenttype: 'application/json', tenant: 'acme', correlationid: 'sdk-1', data: { orderId: 'sdk-1', total: 7, note: 'ünï' },
    };

    it('reads what the SDK writes in binary mode (headers listed with no value are absent attributes)', () => {
      const message = SdkKafka.binary(event);
      // The SDK leaves the data as it is; a producer sends its JSON text.
      const decoded = decodeRecord({ key: 'sdk-1', value: JSON.stringify(message.value), headers: message.headers as Record<string, string> }, registry);
      expect(decoded).to.deep.equal(expected);
    });

    it('reads what the SDK writes in structured mode', () => {
      const message = SdkKafka.structured(event);
      expect(decodeRecord({ key: 'sdk-1', value: message.value as string, headers: message.headers as Record<string, string> }, registry)).to.deep.equal(expected);
    });

    it('writes what the SDK reads back as the same event', () => {
      // arrange
      const envelope = { ...newEnvelope(OrderPlaced, { orderId: 'h-1', total: 1, region: 'eu' }, { subject: 's' }), tenant: 'acme' } as Envelope;

      // act
      const record = encodeRecord(envelope, 'h-1');
      const message = { key: record.key, value: record.value, headers: record.headers, body: record.value };
      const read = SdkKafka.toEvent(message as Parameters<typeof SdkKafka.toEvent>[0]) as CloudEvent<unknown>;

      // assert: every attribute, the data parsed from its JSON
      // The SDK lists attributes it does not have as undefined.
      const { partitionkey: _key, ...attributes } = Object.fromEntries(Object.entries(read.toJSON()).filter(([, v]) => v !== undefined));
      expect({ ...attributes, data: typeof attributes.data === 'string' ? JSON.parse(attributes.data) : attributes.data }).to.deep.equal(envelope);
    });
  });

  describe('decodeRecord: refusals, each with its reason', () => {
    const cases: Array<[string, KafkaRecordIn, string | RegExp]> = [
      ['no value', binary({}, null), 'the record has no value: a binary-mode CloudEvent carries its data there'],
      ['an empty value', binary({}, ''), 'the record has no value: a binary-mode CloudEvent carries its data there'],
      ['a value that is not JSON', binary({}, '{"orderId":'), /^malformed JSON in the record value: the body is not JSON/],
      ['a value that is not UTF-8', { ...binary({}), value: Buffer.from([0x22, 0xff, 0x22]) }, 'malformed JSON in the record value: the body is not valid UTF-8'],
      ['no ce_specversion', binary({ ce_specversion: undefined }), 'not a CloudEvent: no ce_specversion header (binary mode) and content-type "application/json", not application/cloudevents+json (structured mode)'],
      ['no headers at all', { key: 'k', value: '{}' }, 'not a CloudEvent: no ce_specversion header (binary mode) and content-type absent, not application/cloudevents+json (structured mode)'],
      ['another specversion', binary({ ce_specversion: '0.3' }), 'unsupported specversion "0.3"; use "1.0"'],
      ['no id', binary({ ce_id: undefined }), 'attribute "id" is required: it identifies the event across redeliveries'],
      ['no type', binary({ ce_type: undefined }), 'attribute "type" is required, e.g. "OrderPlaced.v2"'],
      ['an unknown type', binary({ ce_type: 'Refund.v1' }), 'unknown event type "Refund.v1"; known types: OrderPlaced.v1'],
      ['no source', binary({ ce_source: undefined }), 'attribute "source" is required: a URI-reference naming the producer, e.g. "shop.web"'],
      ['an empty subject', binary({ ce_subject: '' }), 'attribute "subject" must be a non-empty string'],
      ['a time that is not RFC 3339', binary({ ce_time: 'yesterday' }), /^attribute "time" must be an RFC 3339 timestamp/],
      ['a content-type that is not JSON', binary({ 'content-type': 'application/avro' }), 'datacontenttype "application/avro" is not supported; event data must be application/json'],
      ['a ce_datacontenttype that is not JSON, with no content-type', binary({ 'content-type': undefined, ce_datacontenttype: 'text/xml' }), 'datacontenttype "text/xml" is not supported; event data must be application/json'],
      ['a content-type that is no media type', binary({ 'content-type': 'json' }), /^attribute "datacontenttype" must be a media type \(RFC 2046\)/],
      ['a bad traceparent', binary({ ce_traceparent: '00-nope' }), 'attribute "traceparent" is not a W3C traceparent'],
      ['an upper-case attribute name', binary({ ce_Tenant: 'acme' }), '"Tenant" is not a valid attribute name (lower-case a-z0-9, at most 20)'],
      ['an attribute name over 20 characters', binary({ ce_abcdefghijklmnopqrstu: 'x' }), '"abcdefghijklmnopqrstu" is not a valid attribute name (lower-case a-z0-9, at most 20)'],
      ['an empty dataref', binary({ ce_dataref: '' }), 'attribute "dataref" must be a non-empty string'],
      ['data its schema refuses', binary({}, '{"orderId":1}'), /^OrderPlaced\.v1 data is invalid: orderId: .*; total: /],
      ['a repeated ce_ header', { key: 'k', value: '{}', headers: { ...BASE, ce_subject: ['a', 'b'] } }, 'header "ce_subject" is repeated; a CloudEvents attribute has one value'],
      ['a header that is not UTF-8', { key: 'k', value: '{}', headers: { ...BASE, ce_subject: Buffer.from([0xc3]) } }, 'header "ce_subject" is not valid UTF-8'],
      ['a structured record with no value', { key: 'k', value: null, headers: { 'content-type': 'application/cloudevents+json' } }, 'the record has no value: a structured-mode CloudEvent (application/cloudevents+json) is the value'],
      ['a structured record that is not an object', { key: 'k', value: '[1]', headers: { 'content-type': 'application/cloudevents+json' } }, 'a CloudEvent must be a JSON object'],
      ['a structured record with no specversion', { key: 'k', value: '{"id":"1","type":"OrderPlaced.v1","source":"s","data":{}}', headers: { 'content-type': 'application/cloudevents+json' } }, 'attribute "specversion" is required: "1.0"'],
      ['a structured record with no data', { key: 'k', value: '{"specversion":"1.0","id":"1","type":"OrderPlaced.v1","source":"s"}', headers: { 'content-type': 'application/cloudevents+json' } }, 'the event has no "data"'],
      ['a structured record with an object extension', { key: 'k', value: '{"specversion":"1.0","id":"1","type":"OrderPlaced.v1","source":"s","x":{},"data":{}}', headers: { 'content-type': 'application/cloudevents+json' } }, 'extension attribute "x" must be a string, number or boolean'],
    ];
    for (const [what, record, reason] of cases) {
      it(`refuses ${what}`, () => {
        const message = refusal(record);
        if (typeof reason === 'string') expect(message).to.equal(reason);
        else expect(message).to.match(reason);
      });
    }

    it('is not fooled by a ce___proto__ header: it is an attribute with a bad name', () => {
      expect(refusal(binary({ ce___proto__: 'x' }))).to.equal('"__proto__" is not a valid attribute name (lower-case a-z0-9, at most 20)');
    });
  });

  describe('a producer that is not Herald, on a real broker', function () {
    this.timeout(120_000);
    let broker: KafkaBroker;
    before(async () => {
      broker = await startKafkaBroker();
    });
    after(async () => broker?.stop());

    it('reads binary and structured records that plain kafkajs produced with hand-written headers', async () => {
      // arrange
      const kafka = new Kafka({ clientId: 'binding-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      const consumer = kafka.consumer({ groupId: 'binding-test' });
      try {
        await admin.connect();
        await admin.createTopics({ topics: [{ topic: 'foreign', numPartitions: 1 }], waitForLeaders: true });
        await Promise.all([producer.connect(), consumer.connect()]);
        await consumer.subscribe({ topic: 'foreign', fromBeginning: true });
        const messages: KafkaMessage[] = [];
        const all = new Promise<void>((resolve) => {
          void consumer.run({
            eachMessage: async ({ message }) => {
              messages.push(message);
              if (messages.length === 3) resolve();
            },
          });
        });

        // act
        await producer.send({
          topic: 'foreign',
          acks: -1,
          messages: [
            {
              key: 'cust-1',
              value: '{"orderId":"f-1","total":5,"note":"naïve café"}',
              headers: { ce_specversion: '1.0', ce_id: 'f-1', ce_source: 'legacy.erp', ce_type: 'OrderPlaced.v1', ce_subject: 'orders/f-1', ce_tenant: 'acme', 'content-type': 'application/json' },
            },
            {
              key: 'cust-2',
              value: JSON.stringify({ specversion: '1.0', id: 'f-2', source: 'legacy.erp', type: 'OrderPlaced.v1', data: { orderId: 'f-2', total: 6 } }),
              headers: { 'content-type': 'application/cloudevents+json; charset=UTF-8' },
            },
            { key: 'cust-3', value: '<order/>', headers: { ce_specversion: '1.0', ce_id: 'f-3', ce_source: 'legacy.erp', ce_type: 'OrderPlaced.v1', 'content-type': 'application/xml' } },
          ],
        });
        await all;

        // assert: kafkajs hands Buffers, which decode as the producer meant them
        const [first, second, third] = messages.map((m) => m as KafkaRecordIn);
        expect(decodeRecord(first!, registry)).to.deep.include({
          id: 'f-1', source: 'legacy.erp', subject: 'orders/f-1', tenant: 'acme', correlationid: 'f-1', data: { orderId: 'f-1', total: 5, note: 'naïve café' },
        });
        expect(decodeRecord(second!, registry)).to.deep.include({ id: 'f-2', data: { orderId: 'f-2', total: 6 } });
        expect(() => decodeRecord(third!, registry)).to.throw(BindingError, 'datacontenttype "application/xml" is not supported; event data must be application/json');
      } finally {
        await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
      }
    });
  });
});
