import { expect } from 'chai';
import { z } from 'zod';
import { TopologyError, defineEvent, type Envelope, type ScheduleSpec } from '../../../contracts';
import { LocalScheduler, ManualClock, nextTime } from '../../../providers/local';

const Report = defineEvent({ type: 'Report', version: 1, source: 'test', schema: z.object({ date: z.string().regex(/^\d{4}/) }) });
// Refuses one hour, so a run can fail where the sample run time passes.
const Picky = defineEvent({
  type: 'Report', version: 1, source: 'test',
  schema: z.object({ date: z.string().refine((d) => !d.includes('T01:'), 'no reports at 01:xx') }),
});

const spec = (cron: string, data: Record<string, unknown> = { date: '{{scheduledTime}}' }): ScheduleSpec => ({
  kind: 'schedule', name: 'nightly', cron, emits: 'Report.v1', to: { kind: 'bus', name: 'b' }, data,
});

function scheduler(specs: ScheduleSpec[], clock: ManualClock, definition = Report) {
  const fired: Envelope[] = [];
  const errors: string[] = [];
  const s = new LocalScheduler(specs, {
    clock, definition: () => definition, emit: (_s, e) => fired.push(e), onError: (_s, reason) => errors.push(reason),
  });
  return { s, fired, errors };
}

describe('local schedules', () => {
  it('computes the next time in UTC, strictly after the given one', () => {
    const at = Date.parse('2026-03-01T02:00:00Z');
    expect(new Date(nextTime('0 2 * * *', at)).toISOString()).to.equal('2026-03-02T02:00:00.000Z');
    expect(new Date(nextTime('*/15 * * * *', at)).toISOString()).to.equal('2026-03-01T02:15:00.000Z');
    expect(new Date(nextTime('0 9 * * 1', Date.parse('2026-03-01T00:00:00Z'))).toISOString()).to.equal('2026-03-02T09:00:00.000Z');
  });

  it('fires at each cron time as the clock moves, with the scheduled time as the event time and in the id', () => {
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    const { s, fired } = scheduler([spec('30 * * * *')], clock);
    s.start();
    clock.set('2026-03-01T00:29:59Z');
    expect(fired).to.have.length(0);
    clock.set('2026-03-01T02:45:00Z');
    expect(fired.map((e) => e.time)).to.deep.equal(['2026-03-01T00:30:00Z', '2026-03-01T01:30:00Z', '2026-03-01T02:30:00Z']);
    expect(fired[0]!.data).to.deep.equal({ date: '2026-03-01T00:30:00Z' });
    expect(fired[0]!.type).to.equal('Report.v1');
    expect(fired[0]!.id).to.equal('nightly@2026-03-01T00:30:00Z');
    expect(s.nextFire('nightly')!.toISOString()).to.equal('2026-03-01T03:30:00.000Z');
  });

  it('stops firing once stopped', () => {
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    const { s, fired } = scheduler([spec('* * * * *')], clock);
    s.start();
    s.stop();
    clock.advance(10 * 60_000);
    expect(fired).to.have.length(0);
    expect(s.nextFire('nightly')).to.equal(undefined);
  });

  it('refuses up front a schedule whose data fits no run, naming its data field', () => {
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    expect(() => scheduler([spec('0 * * * *', { date: 'yesterday' })], clock)).to.throw(TopologyError, /\[schedules\[nightly\]\.data\] does not fit Report\.v1/);
  });

  it('reports a run whose data does not fit the schema with its own time, and keeps the schedule going', () => {
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    const { s, fired, errors } = scheduler([spec('0 * * * *')], clock, Picky);
    s.start();
    clock.advance(3 * 3_600_000);
    expect(fired.map((e) => e.time)).to.deep.equal(['2026-03-01T02:00:00Z', '2026-03-01T03:00:00Z']);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/^SchemaValidationError: Report\.v1 data is invalid: date: no reports at 01:xx/);
  });
});
