/** The portable 5-field cron in AWS's 6-field dialect: `?`, a year, Sunday = 1, no day-of-week steps. */
import { expect } from 'chai';
import { toAwsCron } from '../../../providers/aws/cron';

describe('aws cron', () => {
  const cases: [string, string, string][] = [
    ['0 2 * * *', 'cron(0 2 * * ? *)', 'every day: day-of-week becomes ?'],
    ['*/15 * * * *', 'cron(0/15 * * * ? *)', 'a step over * starts at the minimum'],
    ['0 */6 * * *', 'cron(0 0/6 * * ? *)', 'hours too'],
    ['0 0 1 * *', 'cron(0 0 1 * ? *)', 'a day of the month keeps day-of-week ?'],
    ['0 0 */10 * *', 'cron(0 0 1/10 * ? *)', 'day-of-month steps start at 1'],
    ['30 9 * * 1-5', 'cron(30 9 ? * 2-6 *)', 'weekdays: day-of-month becomes ?, days renumbered'],
    ['0 12 * * 0', 'cron(0 12 ? * 1 *)', 'Sunday is 1'],
    ['0 12 * * 6', 'cron(0 12 ? * 7 *)', 'Saturday is 7'],
    ['0 0 * * */2', 'cron(0 0 ? * 1,3,5,7 *)', 'day-of-week takes no step: listed'],
    ['0 0 * * 1,3-4', 'cron(0 0 ? * 2,4-5 *)', 'lists and ranges renumbered'],
    ['10-50/20 * * * *', 'cron(10,30,50 * * * ? *)', 'a stepped range is listed'],
    ['5/20 * * * *', 'cron(5/20 * * * ? *)', 'a start with a step is AWS syntax already'],
    ['0 0 1 1,7 *', 'cron(0 0 1 1,7 ? *)', 'months as they are'],
  ];
  for (const [unix, aws, why] of cases) {
    it(`${unix} → ${aws} (${why})`, () => expect(toAwsCron(unix)).to.equal(aws));
  }

  it('refuses what is not a portable cron', () => {
    expect(() => toAwsCron('0 0 * *')).to.throw(RangeError, /4 fields/);
    expect(() => toAwsCron('0 0 1 * 1')).to.throw(RangeError, /both day-of-month and day-of-week/);
    expect(() => toAwsCron('0 0 * * 7')).to.throw(RangeError, /outside 0-6/);
  });
});
