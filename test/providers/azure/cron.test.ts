import { expect } from 'chai';
import { toNcrontab } from '../../../providers/azure/cron';

describe('providers/azure/cron', () => {
  it('prepends the seconds field NCRONTAB has first', () => {
    expect(toNcrontab('0 2 * * *')).to.equal('0 0 2 * * *');
    expect(toNcrontab('*/15 * * * 1-5')).to.equal('0 */15 * * * 1-5');
    expect(toNcrontab('0 0 1,15 * *')).to.equal('0 0 0 1,15 * *');
  });

  it('writes a stepped start as the range to the field\'s maximum', () => {
    expect(toNcrontab('5/15 * * * *')).to.equal('0 5-59/15 * * * *');
    expect(toNcrontab('0 1/6 * * *')).to.equal('0 0 1-23/6 * * *');
    expect(toNcrontab('0 0 * * 1/2')).to.equal('0 0 0 * * 1-6/2');
  });

  it('refuses a cron that is not portable', () => {
    expect(() => toNcrontab('0 2 * *')).to.throw(RangeError, /4 fields/);
    expect(() => toNcrontab('0 2 1 * 1')).to.throw(RangeError, /not portable/);
  });
});
