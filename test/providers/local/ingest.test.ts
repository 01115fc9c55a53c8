import { expect } from 'chai';
import { CloudEvent, HTTP } from 'cloudevents';
import type { IncomingHttpHeaders } from 'node:http';
import { MAX_EVENT_BYTES } from '../../../contracts';
import { EventRegistry } from '../../../runtime';
import { bodyLimit, readEvents } from '../../../providers/local';
import { Tick, Tock, refused } from './fixtures';

const registry = new EventRegistry([Tick, Tock]);
const STRUCTURED = 'application/cloudevents+json';
const BATCH = 'application/cloudevents-batch+json';

function read(mediaType: string, body: unknown, headers: IncomingHttpHeaders = {}) {
  return readEvents(mediaType, headers, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), registry);
}

describe('local ingest (POST /events)', () => {
  it('fills in specversion, id, time, source, correlationid, traceparent and declared extensions', () => {
    const [e] = read(STRUCTURED, { type: 'Tick.v1', data: { n: 1, media: 'Image/PNG' } });
    expect(e).to.include({ specversion: '1.0', source: 'test.ticks', type: 'Tick.v1', datacontenttype: 'application/json', media: 'Image/PNG' });
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
    expect(e).to.include({ id: 'e-1', time: '2026-01-01T00:00:00.000Z', source: 'my.shop', subject: 's', correlationid: 'c-1', tenant: 'acme' });
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
    const events = read(BATCH, [{ type: 'Tick.v1', data: { n: 1 } }, { type: 'Tock.v1', data: { n: 2 } }]);
    expect(events.map((e) => e.type)).to.deep.equal(['Tick.v1', 'Tock.v1']);
    const e = refused(() => read(BATCH, [{ type: 'Tick.v1', data: { n: 1 } }, { type: 'Tick.v1', data: { n: 'two' } }]));
    expect(e.status).to.equal(400);
    expect(e.message).to.match(/^event\[1\]: Tick\.v1 data is invalid: n: /);
    expect(bodyLimit(BATCH)).to.be.greaterThan(bodyLimit(STRUCTURED));
    expect(bodyLimit(STRUCTURED)).to.equal(MAX_EVENT_BYTES);
  });

  const bad: Array<[string, () => unknown, number, RegExp]> = [
    ['malformed JSON', () => read(STRUCTURED, '{"type":'), 400, /^malformed JSON/],
    ['not an object', () => read(STRUCTURED, [1]), 400, /must be a JSON object/],
    ['a batch that is not an array', () => read(BATCH, { type: 'Tick.v1' }), 400, /JSON array/],
    ['no type', () => read(STRUCTURED, { data: {} }), 400, /"type" is required/],
    ['an unknown type', () => read(STRUCTURED, { type: 'Nope.v1', data: {} }), 400, /unknown event type "Nope\.v1"; known types: Tick\.v1, Tock\.v1/],
    ['schema-invalid data', () => read(STRUCTURED, { type: 'Tick.v1', data: { n: 1.5 } }), 400, /Tick\.v1 data is invalid/],
    ['no data', () => read(STRUCTURED, { type: 'Tick.v1' }), 400, /no "data"/],
    ['a wrong specversion', () => read(STRUCTURED, { specversion: '0.3', type: 'Tick.v1', data: { n: 1 } }), 400, /specversion/],
    ['a bad time', () => read(STRUCTURED, { type: 'Tick.v1', time: 'noon', data: { n: 1 } }), 400, /RFC 3339/],
    ['an empty id', () => read(STRUCTURED, { type: 'Tick.v1', id: '', data: { n: 1 } }), 400, /"id" must be a non-empty string/],
    ['a bad traceparent', () => read(STRUCTURED, { type: 'Tick.v1', traceparent: 'x', data: { n: 1 } }), 400, /traceparent/],
    ['a bad extension name', () => read(STRUCTURED, { type: 'Tick.v1', Bad_Name: 1, data: { n: 1 } }), 400, /not a valid attribute name/],
    ['dataref at ingress', () => read(STRUCTURED, { type: 'Tick.v1', dataref: 'x', data: { n: 1 } }), 400, /dataref/],
    ['JSON without ce- headers', () => read('application/json', { n: 1 }), 400, /ce-type/],
    ['an oversize event', () => read(BATCH, [{ type: 'Tick.v1', data: { n: 1, key: 'x'.repeat(MAX_EVENT_BYTES) } }]), 413, /over the 262144-byte limit/],
    ['text/plain', () => read('text/plain', 'hi'), 415, /unsupported content type "text\/plain"/],
    ['no content type', () => read('', '{}'), 415, /\(none\)/],
    ['binary mode with XML data', () => read('application/xml', '<a/>', { 'ce-type': 'Tick.v1' }), 415, /application\/json/],
    ['a non-JSON datacontenttype', () => read(STRUCTURED, { type: 'Tick.v1', datacontenttype: 'text/plain', data: 'x' }), 415, /datacontenttype/],
  ];
  for (const [what, run, status, message] of bad) {
    it(`answers ${status} for ${what}`, () => {
      const e = refused(run);
      expect(e.status).to.equal(status);
      expect(e.message).to.match(message);
    });
  }
});
