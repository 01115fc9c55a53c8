import { expect } from 'chai';
import { z } from 'zod';
import { InvalidOptionError, SchemaValidationError, defineEvent, type ScheduleSpec } from '../../contracts';
import {
  SAMPLE_SCHEDULED_TIME, changeEvent, rowSubject, scheduleDataIssues, scheduledData, scheduledEvent, scheduledTimeOf, uploadEvent,
} from '../../runtime';

const Uploaded = defineEvent({
  type: 'Uploaded', version: 1, source: 'test.media',
  schema: z.object({ bucket: z.string(), key: z.string().startsWith('uploads/'), size: z.number().int().nonnegative(), contentType: z.string() }),
  extensions: { contenttype: (d) => d.contentType.toLowerCase() },
});
const Changed = defineEvent({
  type: 'Changed', version: 1, source: 'test.db',
  schema: z.object({
    table: z.string(), op: z.enum(['insert', 'modify', 'remove']), keys: z.record(z.string(), z.unknown()),
    newImage: z.looseObject({ email: z.email() }).optional(), oldImage: z.record(z.string(), z.unknown()).optional(),
  }),
});
const Report = defineEvent({ type: 'Report', version: 1, source: 'test.reports', schema: z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}T/), note: z.string().optional() }) });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const upload = { bucket: 'media', key: 'uploads/cat.png', size: 8, contentType: 'Image/PNG' };
const insert = { table: 'customers', op: 'insert' as const, keys: { customerId: 'c-1' }, newImage: { customerId: 'c-1', email: 'ada@example.com' } };
const schedule = (data: Record<string, unknown>): ScheduleSpec => ({ kind: 'schedule', name: 'nightly', cron: '0 2 * * *', emits: 'Report.v1', to: { kind: 'bus', name: 'b' }, data });

describe('runtime/ingress-events', () => {
  describe('uploadEvent', () => {
    it('carries {bucket, key, size, contentType} as data, the object key as subject, the declared extensions and the time given', () => {
      // act
      const e = uploadEvent(Uploaded, upload, { id: 'n-1', time: '2026-01-01T00:00:00Z' });
      // assert
      expect(e).to.deep.include({ type: 'Uploaded.v1', source: 'test.media', subject: 'uploads/cat.png', time: '2026-01-01T00:00:00Z', contenttype: 'image/png', data: upload });
      expect(e.id).to.match(UUID);
    });

    it('derives the id from the occurrence and the bucket: the same for a redelivery, different for another write or bucket', () => {
      const id = (occurrence: string, bucket = 'media') => uploadEvent(Uploaded, { ...upload, bucket }, { id: occurrence }).id;
      expect(id('n-1')).to.equal(id('n-1'));
      expect(id('n-2')).to.not.equal(id('n-1'));
      expect(id('n-1', 'other')).to.not.equal(id('n-1'));
    });

    it('throws SchemaValidationError for data the event refuses', () => {
      expect(() => uploadEvent(Uploaded, { ...upload, key: 'elsewhere/cat.png' }, { id: 'n-1' })).to.throw(SchemaValidationError, /^Uploaded\.v1 data is invalid: key: /);
    });
  });

  describe('changeEvent', () => {
    it('carries {table, op, keys, newImage?, oldImage?} as data and the key values as subject', () => {
      const e = changeEvent(Changed, insert, { id: 'r-1', time: '2026-02-01T00:00:00Z' }, ['customerId']);
      expect(e).to.deep.include({ type: 'Changed.v1', subject: 'c-1', time: '2026-02-01T00:00:00Z', data: insert });
      expect(e.id).to.match(UUID);
    });

    it('derives the id from the change record and the table, not from the row: a redelivery dedupes, a second write does not', () => {
      const id = (record: string, table = 'customers') => changeEvent(Changed, { ...insert, table }, { id: record }).id;
      expect(id('r-1')).to.equal(id('r-1'));
      expect(id('r-2')).to.not.equal(id('r-1'));
      expect(id('r-1', 'orders')).to.not.equal(id('r-1'));
    });

    it('orders the subject partition key first when told the key names, else by attribute name', () => {
      const keys = { sk: 'b', pk: 'a' };
      expect(rowSubject(keys, ['pk', 'sk'])).to.equal('a/b');
      expect(rowSubject({ z: 2, a: 1 })).to.equal('1/2');
      expect(rowSubject({ id: 101 }, ['id', 'missing'])).to.equal('101');
    });

    it('throws SchemaValidationError for an image the event refuses', () => {
      const bad = { ...insert, newImage: { customerId: 'c-1', email: 'not an address' } };
      expect(() => changeEvent(Changed, bad, { id: 'r-1' })).to.throw(SchemaValidationError, /Changed\.v1 data is invalid: newImage\.email/);
    });
  });

  describe('schedules', () => {
    it('writes run times as RFC 3339 in UTC with whole seconds, as the clouds do', () => {
      expect(scheduledTimeOf(Date.parse('2026-05-02T02:00:00.000Z'))).to.equal('2026-05-02T02:00:00Z');
      expect(scheduledTimeOf(Date.parse('2026-05-02T02:00:00.999Z'))).to.equal('2026-05-02T02:00:00Z');
    });

    it('replaces {{scheduledTime}} in strings at any depth, and nothing else', () => {
      expect(scheduledData({ a: 'at {{scheduledTime}}', b: [1, '{{scheduledTime}}'], c: { d: true, e: null } }, 'T'))
        .to.deep.equal({ a: 'at T', b: [1, 'T'], c: { d: true, e: null } });
    });

    it('builds a run: data filled in, time = the run time, id = <schedule>@<run time>', () => {
      const e = scheduledEvent(Report, schedule({ date: '{{scheduledTime}}', note: 'nightly' }), '2026-05-02T02:00:00Z');
      expect(e).to.deep.include({ id: 'nightly@2026-05-02T02:00:00Z', time: '2026-05-02T02:00:00Z', type: 'Report.v1', data: { date: '2026-05-02T02:00:00Z', note: 'nightly' } });
      expect(e.subject).to.equal(undefined);
    });

    it('throws SchemaValidationError for a run whose data the event refuses', () => {
      expect(() => scheduledEvent(Report, schedule({ date: 'yesterday' }), '2026-05-02T02:00:00Z')).to.throw(SchemaValidationError, /date/);
    });

    it('reports each schedule whose data fits no run (checked with a sample run time), naming its data field', () => {
      // arrange
      const good = schedule({ date: '{{scheduledTime}}' });
      const bad = { ...schedule({ date: 'yesterday' }), name: 'broken' };
      // act
      const issues = scheduleDataIssues([good, bad], () => Report);
      // assert
      expect(issues).to.have.length(1);
      expect(issues[0]).to.be.instanceOf(InvalidOptionError);
      expect(issues[0]!.field).to.equal('schedules[broken].data');
      expect(issues[0]!.message).to.match(new RegExp(`^\\[schedules\\[broken\\]\\.data\\] does not fit Report\\.v1 \\(run time ${SAMPLE_SCHEDULED_TIME}\\): date: `));
    });
  });
});
