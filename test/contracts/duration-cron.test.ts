import { expect } from 'chai';
import { cronFields, cronProblems, isDuration, toMillis, toSeconds } from '../../contracts';

describe('durations', () => {
  it('reads every unit', () => {
    expect([toMillis('250ms'), toMillis('10s'), toMillis('5m'), toMillis('1h'), toMillis('14d'), toMillis('1.5s')])
      .to.deep.equal([250, 10_000, 300_000, 3_600_000, 1_209_600_000, 1_500]);
  });
  it('rounds seconds up', () => {
    expect(toSeconds('1500ms')).to.equal(2);
  });
  it('rejects malformed durations', () => {
    expect(isDuration('10')).to.equal(false);
    expect(() => toMillis('ten seconds')).to.throw(RangeError, /not a duration/);
  });
});

describe('portable cron', () => {
  const good = ['0 2 * * *', '*/15 * * * *', '0 9-17 * * 1-5', '0 0 1,15 * *', '30 4 * 1/2 *'];
  for (const c of good) it(`accepts "${c}"`, () => expect(cronProblems(c)).to.deep.equal([]));

  const bad: [string, RegExp][] = [
    ['0 2 * *', /4 fields/],
    ['0 0 2 * * *', /6 fields/],
    ['60 * * * *', /minute 60 is outside 0-59/],
    ['0 24 * * *', /hour 24/],
    ['0 0 0 * *', /day-of-month 0/],
    ['0 0 * 13 *', /month 13/],
    ['0 0 * * 7', /day-of-week 7/],
    ['0 0 * * MON', /day-of-week "MON"/],
    ['0 5-1 * * *', /reversed/],
    ['*/0 * * * *', /step/],
    ['0 0 1 * 1', /both day-of-month and day-of-week/],
  ];
  for (const [c, reason] of bad) {
    it(`rejects "${c}"`, () => {
      expect(cronProblems(c).join('; ')).to.match(reason);
      expect(() => cronFields(c)).to.throw(RangeError);
    });
  }
});
