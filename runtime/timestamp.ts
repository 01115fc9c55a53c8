/**
 * The CloudEvents `time` attribute: an RFC 3339 date-time, strictly.
 * `YYYY-MM-DDTHH:MM:SS(.fraction)?(Z|±HH:MM)`: seconds required, years 0000–9999, a real calendar date,
 * hours 00–23, minutes and seconds 00–59. Date.parse is not used: it accepts "1" and "March 7, 2024",
 * rolls 2024-02-30 over to March 1st and reads six-digit years, none of which RFC 3339 allows.
 * Leap seconds (:60) are refused too: JavaScript dates cannot hold them, so no consumer could read one.
 * @see https://www.rfc-editor.org/rfc/rfc3339#section-5.6
 */

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether `value` is an RFC 3339 date-time as above. */
export function isTimestamp(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  // The offset's hours and minutes are absent for "Z".
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return false;
  return true;
}

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}
