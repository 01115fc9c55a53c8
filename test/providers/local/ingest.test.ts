import { expect } from 'chai';
import { CloudEvent, HTTP } from 'cloudevents';
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { MAX_EVENT_BYTES, defineEvent } from '../../../contracts';
import { EventRegistry } from '../../../runtime';
import { bodyLimit, readEvents } from '../../../providers/local';
import { Tick, Tock, refused } from './fixtures';

// An event whose data can hold any number of schema issues: one per item.
const Cart = defineEvent({ type: 'Cart', version: 1, source: 'test.carts', schema: z.object({ items: z.array(z.object({ sku: z.string() })) }) });
const registry = new EventRegistry([Tick, Tock, Cart]);
const STRUCTURED = 'application/cloudevents+json';
const BATCH = 'application/cloudevents-batch+json';

function read(mediaType: string, body: unknown, headers: IncomingHttpHeaders = {}) {
  return readEvents(mediaType, headers, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), registry);
}

describe('local ingest (POST /events)', () => {
  it('fills in specversion, id, time, correlationid, traceparent and declared extensions', () => {
    const [e] = read(STRUCTURED, { type: 'Tick.v1', source: 'test.web', data: { n: 1, media: 'Image/PNG' } });
    expect(e).to.include({ specversion: '1.0', source: 'test.web', type: 'Tick.v1', datacontenttype: 'application/json', media: 'Image/PNG' });
    expect(e!.id).to.match(/^[0-9a-f-]{36}$/);
    expect(e!.correlationid).to.equal(e!.id);
    expect(Date.parse(e!.time)).to.be.closeTo(Date.now(), 5000);
    expect(e!.traceparent).to.match(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    // zod's output: defaults applied.
    expect(e!.data).to.deep.equal({ n: 1, key: 'k', media: 'Image/PNG' });
    // The CloudEvents SDK accepts what we built.
    expect(() => new CloudEvent(e!, true)).to.not.throw();
  });

  it('keeps what the producer gave: id, time, source, subject, correlationid, the trace id and other extensions', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const [e] = read(STRUCTURED, {
      specversion: '1.0', id: 'e-1', time: '2026-01-01T00:00:00Z', source: 'my.shop', subject: 's', type: 'Tick.v1',
      correlationid: 'c-1', traceparent, tenant: 'acme', data: { n: 1 },
    });
    expect(e).to.include({ id: 'e-1', time: '2026-01-01T00:00:00Z', source: 'my.shop', subject: 's', correlationid: 'c-1', tenant: 'acme' });
    expect(e!.traceparent!.slice(0, 35)).to.equal(traceparent.slice(0, 35));
  });

  it('reads binary mode as the CloudEvents SDK writes it', () => {
    const message = HTTP.binary(new CloudEvent({ type: 'Tick.v1', source: 'sdk', subject: 'orders/1', data: { n: 3 } }));
    const headers = Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    const [e] = read('application/json', message.body as string, headers);
    expect(e).to.include({ type: 'Tick.v1', source: 'sdk', subject: 'orders/1', id: headers['ce-id'] });
    expect(e!.data).to.deep.equal({ n: 3, key: 'k' });
  });

  it('reads structured mode as the CloudEvents SDK writes it', () => {
    const message = HTTP.structured(new CloudEvent({ type: 'Tick.v1', source: 'sdk', data: { n: 4 } }));
    const [e] = read(String(message.headers['content-type']).split(';')[0]!, message.body as string);
    expect(e!.data).to.deep.equal({ n: 4, key: 'k' });
  });

  it('reads a batch, whole or not at all', () => {
    const events = read(BATCH, [{ type: 'Tick.v1', source: 's', data: { n: 1 } }, { type: 'Tock.v1', source: 's', data: { n: 2 } }]);
    expect(events.map((e) => e.type)).to.deep.equal(['Tick.v1', 'Tock.v1']);
    const e = refused(() => read(BATCH, [{ type: 'Tick.v1', source: 's', data: { n: 1 } }, { type: 'Tick.v1', source: 's', data: { n: 'two' } }]));
    expect(e.status).to.equal(400);
    expect(e.message).to.match(/^event\[1\]: Tick\.v1 data is invalid: n: /);
    expect(bodyLimit(BATCH)).to.be.greaterThan(bodyLimit(STRUCTURED));
    expect(bodyLimit(STRUCTURED)).to.equal(MAX_EVENT_BYTES);
  });

  describe('bodies that are not UTF-8', () => {
    // 0xC3 0x28: a two-byte sequence whose second byte is not a continuation byte.
    const invalid = Buffer.from([0xc3, 0x28]);
    const withBytes = (json: string, bytes: Buffer) => Buffer.concat(json.split('@').flatMap((part, i) => (i === 0 ? [Buffer.from(part)] : [bytes, Buffer.from(part)])));
    const cases: Array<[string, string, Buffer, IncomingHttpHeaders]> = [
      ['structured', STRUCTURED, withBytes('{"type":"Tick.v1","source":"s","subject":"@","data":{"n":1}}', invalid), {}],
      ['batch', BATCH, withBytes('[{"type":"Tick.v1","source":"s","data":{"n":1,"key":"@"}}]', invalid), {}],
      ['binary', 'application/json', withBytes('{"n":1,"key":"@"}', invalid), { 'ce-type': 'Tick.v1', 'ce-source': 's' }],
      ['an unpaired surrogate escape', STRUCTURED, Buffer.from('{"type":"Tick.v1","source":"s","data":{"n":1,"key":"\\ud800"}}'), {}],
    ];
    for (const [what, mediaType, body, headers] of cases) {
      it(`answers 400 for invalid UTF-8 in a ${what} body, never replacing it with U+FFFD`, () => {
        const e = refused(() => readEvents(mediaType, headers, body, registry));
        expect(e.status).to.equal(400);
        expect(e.message).to.match(/^malformed JSON: (the body is not valid UTF-8|a string holds an unpaired UTF-16 surrogate)/);
      });
    }

    it('still reads a paired surrogate escape and multi-byte UTF-8', () => {
      const [e] = readEvents(STRUCTURED, {}, Buffer.from('{"type":"Tick.v1","source":"s","data":{"n":1,"key":"\\ud83d\\ude00 é 😀"}}'), registry);
      expect(e!.data).to.deep.include({ key: '😀 é 😀' });
    });
  });

  describe('error bodies are capped', () => {
    it('lists the first 20 problems of a batch and counts the rest, whatever the batch holds', () => {
      const items = 1_990_000;
      const body = Buffer.from(`[${'1,'.repeat(items - 1)}1]`);
      expect(body.length).to.be.greaterThan(3_900_000);
      const e = refused(() => readEvents(BATCH, {}, body, registry));
      expect(e.status).to.equal(400);
      expect(e.message).to.match(/^event\[0\]: a CloudEvent must be a JSON object; event\[1\]: /);
      expect(e.message).to.match(/event\[19\]: a CloudEvent must be a JSON object; and 1989980 more \(1990000 problems in all\)$/);
      expect(e.message).to.not.contain('event[20]');
      expect(e.message.length).to.be.below(2_000);
    });

    it('lists the first 20 schema issues and counts the rest, one budget across the events of a batch, and stops checking data once full', () => {
      const listOf = (n: number) => ({ type: 'Cart.v1', source: 's', data: { items: Array(n).fill(1) } });
      const e = refused(() => read(STRUCTURED, listOf(100_000)));
      const issue = (i: number) => `items.${i}: Invalid input: expected object, received number`;
      expect(e.message).to.equal(`Cart.v1 data is invalid: ${Array.from({ length: 20 }, (_, i) => issue(i)).join('; ')}; and 99980 more (100000 problems in all)`);
      const batch = refused(() => read(BATCH, [listOf(10), listOf(15), listOf(10), { type: 'Nope.v1', source: 's', data: {} }, listOf(10)]));
      const first = (n: number) => Array.from({ length: n }, (_, i) => issue(i)).join('; ');
      // Once 20 are listed, later events get only the cheap checks: their data is not run through the schema.
      expect(batch.message).to.equal(`event[0]: Cart.v1 data is invalid: ${first(10)}; event[1]: Cart.v1 data is invalid: ${first(10)}; and 6 more (26 problems in all); the data of 2 more events were not checked`);
    });

    it('refuses an event over the size limit before checking its data, so its issues are never built', () => {
      const items = Array(1_990_000).fill(1);
      const start = performance.now();
      const e = refused(() => read(BATCH, [{ type: 'Tick.v1', source: 's', data: { n: 1, key: 'k', items } }]));
      expect(e.status).to.equal(413);
      expect(e.message).to.match(/^event\[0\]: the event is \d+ bytes with its envelope, over the 262144-byte limit$/);
      expect(performance.now() - start, 'ms').to.be.below(5_000);
    });
  });

  const bad: Array<[string, () => unknown, number, RegExp]> = [
    ['malformed JSON', () => read(STRUCTURED, '{"type":'), 400, /^malformed JSON/],
    ['not an object', () => read(STRUCTURED, [1]), 400, /must be a JSON object/],
    ['a batch that is not an array', () => read(BATCH, { type: 'Tick.v1', source: 's' }), 400, /JSON array/],
    ['no type', () => read(STRUCTURED, { source: 's', data: {} }), 400, /"type" is required/],
    ['an unknown type', () => read(STRUCTURED, { type: 'Nope.v1', source: 's', data: {} }), 400, /unknown event type "Nope\.v1"; known types: Cart\.v1, Tick\.v1, Tock\.v1/],
    ['schema-invalid data', () => read(STRUCTURED, { type: 'Tick.v1', source: 's', data: { n: 1.5 } }), 400, /Tick\.v1 data is invalid/],
    ['no data', () => read(STRUCTURED, { type: 'Tick.v1', source: 's' }), 400, /no "data"/],
    ['a wrong specversion', () => read(STRUCTURED, { specversion: '0.3', type: 'Tick.v1', source: 's', data: { n: 1 } }), 400, /specversion/],
    ['a bad time', () => read(STRUCTURED, { type: 'Tick.v1', source: 's', time: 'noon', data: { n: 1 } }), 400, /RFC 3339/],
    ['an empty id', () => read(STRUCTURED, { type: 'Tick.v1', source: 's', id: '', data: { n: 1 } }), 400, /"id" must be a non-empty string/],
    ['a bad traceparent', () => read(STRUCTURED, { type: 'Tick.v1', source: 's', traceparent: 'x', data: { n: 1 } }), 400, /traceparent/],
    ['a bad extension name', () => read(STRUCTURED, { type: 'Tick.v1', source: 's', Bad_Name: 1, data: { n: 1 } }), 400, /not a valid attribute name/],
    ['dataref at ingress', () => read(STRUCTURED, { type: 'Tick.v1', source: 's', dataref: 'x', data: { n: 1 } }), 400, /dataref/],
    ['JSON without ce- headers', () => read('application/json', { n: 1 }), 400, /ce-type/],
    ['an oversize event', () => read(BATCH, [{ type: 'Tick.v1', source: 's', data: { n: 1, key: 'x'.repeat(MAX_EVENT_BYTES) } }]), 413, /over the 262144-byte limit/],
    ['text/plain', () => read('text/plain', 'hi'), 415, /unsupported content type "text\/plain"/],
    ['no content type', () => read('', '{}'), 415, /\(none\)/],
    ['binary mode with XML data', () => read('application/xml', '<a/>', { 'ce-type': 'Tick.v1' }), 415, /application\/json/],
    ['a non-JSON datacontenttype', () => read(STRUCTURED, { type: 'Tick.v1', source: 's', datacontenttype: 'text/plain', data: 'x' }), 415, /datacontenttype/],
  ];
  for (const [what, run, status, message] of bad) {
    it(`answers ${status} for ${what}`, () => {
      const e = refused(run);
      expect(e.status).to.equal(status);
      expect(e.message).to.match(message);
    });
  }
});
