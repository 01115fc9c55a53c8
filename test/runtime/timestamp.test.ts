import { expect } from 'chai';
import { isTimestamp } from '../../runtime';

describe('isTimestamp (RFC 3339 date-time)', () => {
  it('accepts date-times with seconds, a fraction of any length and Z or an offset', () => {
    for (const t of ['2026-01-01T00:00:00Z', '2026-01-01T23:59:59.1Z', '2026-01-01T00:00:00.123456789+05:30', '2026-01-01T00:00:00-00:00', '2026-06-30T12:00:00+23:59']) {
      expect(isTimestamp(t), t).to.equal(true);
    }
  });

  it('accepts years 0000 to 9999 and real leap days only', () => {
    for (const t of ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2024-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '0000-02-29T00:00:00Z']) {
      expect(isTimestamp(t), t).to.equal(true);
    }
    for (const t of ['1900-02-29T00:00:00Z', '2023-02-29T00:00:00Z', '2024-02-30T00:00:00Z', '2024-04-31T00:00:00Z', '2024-00-10T00:00:00Z', '2024-01-00T00:00:00Z']) {
      expect(isTimestamp(t), t).to.equal(false);
    }
  });

  it('refuses what Date.parse would read or rewrite', () => {
    const refused = [
      '1', 'March 7, 2024', '+010000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '2018-04-05T18:31Z', '2018-04-05', '2018-04-05T18:31:00',
      '2018-04-05t18:31:00z', '2018-04-05 18:31:00Z', '2018-04-05T25:00:00Z', '2018-04-05T18:60:00Z', '2018-04-05T18:31:60Z',
      '2018-04-05T18:31:00+0100', '2018-04-05T18:31:00+24:00', '2018-04-05T18:31:00+01:60', '2018-04-05T18:31:00.Z', '2018-04-05T18:31:00Z\n',
    ];
    for (const t of refused) expect(isTimestamp(t), JSON.stringify(t)).to.equal(false);
    for (const v of [undefined, null, 0, Date.now(), new Date()]) expect(isTimestamp(v), String(v)).to.equal(false);
  });
});
