import { expect } from 'chai';
import { CloudEvent } from 'cloudevents';
import type { IncomingHttpHeaders } from 'node:http';
import { EventRegistry } from '../../../runtime';
import { readEvents } from '../../../providers/local';
import { Tick, refused } from './fixtures';

// The checks of one event (providers/local/ingest-event.ts), through POST /events' reader.
const registry = new EventRegistry([Tick]);
const STRUCTURED = 'application/cloudevents+json';
const read = (event: unknown) => readEvents(STRUCTURED, {}, Buffer.from(typeof event === 'string' ? event : JSON.stringify(event)), registry);
const binary = (headers: IncomingHttpHeaders) => readEvents('application/json', { 'ce-type': 'Tick.v1', 'ce-source': 's', ...headers }, Buffer.from('{"n":1}'), registry);
const tick = { type: 'Tick.v1', source: 'test.web', data: { n: 1 } };

/** Whether the CloudEvents SDK (the conformance oracle), validating strictly, takes the event. */
function sdkAccepts(event: Record<string, unknown>): boolean {
  try {
    new CloudEvent(event, true);
    return true;
  } catch {
    return false;
  }
}

describe('local ingest: one event', () => {
  describe('time: strict RFC 3339, kept as given', () => {
    const refusedTimes = [
      '1', 'March 7, 2024', '+010000-01-01T00:00:00Z', '2018-04-05T18:31Z', '2024-02-30T00:00:00Z', '2023-02-29T00:00:00Z',
      '2024-13-01T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T00:60:00Z', '2024-01-01T00:00:60Z', '2024-01-01T00:00:00+24:00',
      '2024-01-01T00:00:00', '2024-01-01 00:00:00Z', '2024-01-01T00:00:00.Z', ' 2024-01-01T00:00:00Z', 'Mon, 01 Jan 2024 00:00:00 GMT',
    ];
    for (const time of refusedTimes) {
      it(`refuses ${JSON.stringify(time)} with 400`, () => {
        const e = refused(() => read({ ...tick, time }));
        expect([e.status, e.message]).to.deep.equal([400, 'attribute "time" must be an RFC 3339 timestamp, YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM), a real date in years 0000-9999']);
      });
    }

    it('accepts RFC 3339 timestamps from year 0000 to 9999, leap days and offsets, without rewriting them', () => {
      for (const time of ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2024-02-29T12:00:00.123456789+05:30', '2000-02-29T00:00:00-00:00', '2026-01-01T00:00:00Z']) {
        expect(read({ ...tick, time })[0]!.time, time).to.equal(time);
      }
      expect(binary({ 'ce-time': '2026-03-07T10:00:00%2B01:00' })[0]!.time).to.equal('2026-03-07T10:00:00+01:00');
    });
  });

  describe('attribute names are own properties', () => {
    it('carries "constructor" like any other extension name, for the SDK too', () => {
      const [e] = read({ ...tick, constructor: 'x', valueof: 1 });
      expect(Object.hasOwn(e!, 'constructor')).to.equal(true);
      expect(e).to.include({ constructor: 'x', valueof: 1 });
      expect(() => new CloudEvent({ ...e! }, true)).to.not.throw();
      expect(binary({ 'ce-constructor': 'y' })[0]).to.include({ constructor: 'y' });
    });

    it('refuses names Object.prototype has (toString, valueOf, __proto__…) like any other invalid name, never dropping them', () => {
      for (const name of ['toString', 'valueOf', 'hasOwnProperty', '__proto__', '__defineGetter__']) {
        const e = refused(() => read(`{"type":"Tick.v1","source":"s","${name}":"x","data":{"n":1}}`));
        expect([e.status, e.message], name).to.deep.equal([400, `"${name}" is not a valid attribute name (lower-case a-z0-9, at most 20)`]);
      }
      const e = refused(() => binary({ 'ce-__proto__': 'x' }));
      expect(e.message).to.equal('"__proto__" is not a valid attribute name (lower-case a-z0-9, at most 20)');
    });

    it('refuses a non-primitive value whatever the name, declared extensions and prototype names included', () => {
      for (const [name, value] of [['constructor', { prototype: { polluted: true } }], ['media', { a: 1 }], ['tenant', [1]], ['causationid', {}]] as const) {
        const e = refused(() => read({ ...tick, data: { n: 1, media: 'm' }, [name]: value }));
        expect([e.status, e.message], name).to.deep.equal([400, `extension attribute "${name}" must be a string, number or boolean`]);
      }
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    });
  });

  describe('CloudEvents JSON format conformance (the SDK as the oracle)', () => {
    it('reads a JSON null for an optional attribute as absent', () => {
      const event = { ...tick, subject: null, time: null, dataschema: null, datacontenttype: null, tenant: null, id: 'e-null' };
      expect(sdkAccepts(event)).to.equal(true);
      const [e] = read(event);
      for (const name of ['subject', 'dataschema', 'tenant']) expect(Object.hasOwn(e!, name), name).to.equal(false);
      expect(e).to.include({ id: 'e-null', datacontenttype: 'application/json' });
      expect(e!.time).to.match(/^\d{4}-/);
    });

    it('refuses a missing source with 400, as the SDK does', () => {
      const { source: _, ...event } = tick;
      expect(sdkAccepts(event)).to.equal(false);
      for (const e of [refused(() => read(event)), refused(() => read({ ...event, source: null }))]) {
        expect([e.status, e.message]).to.deep.equal([400, 'attribute "source" is required: a URI-reference naming the producer, e.g. "shop.web"']);
      }
      expect(refused(() => readEvents('application/json', { 'ce-type': 'Tick.v1' }, Buffer.from('{"n":1}'), registry)).status).to.equal(400);
    });

    it('refuses an empty or malformed datacontenttype as a bad event (400), and a JSON-less media type as unsupported (415)', () => {
      for (const datacontenttype of ['', 'json', 'application/', 'application/json; charset', 'text plain', 5]) {
        const e = refused(() => read({ ...tick, datacontenttype }));
        expect(e.status, JSON.stringify(datacontenttype)).to.equal(400);
        expect(e.message).to.match(/^attribute "datacontenttype" must be a media type \(RFC 2046\)/);
      }
      expect(sdkAccepts({ ...tick, datacontenttype: '' })).to.equal(false);
      expect(refused(() => read({ ...tick, datacontenttype: 'text/plain', data: 'x' })).status).to.equal(415);
      expect(read({ ...tick, datacontenttype: 'application/json; charset="utf-8"' })).to.have.length(1);
    });

    it('keeps a JSON null data as data, for the schema to judge', () => {
      const e = refused(() => read({ ...tick, data: null }));
      expect(e.message).to.match(/^Tick\.v1 data is invalid: \(data\): /);
    });
  });
});
