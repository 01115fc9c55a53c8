/**
 * The CloudEvents `time` attribute: an RFC 3339 date-time, strictly.
 * `YYYY-MM-DDTHH:MM:SS(.fraction)?(Z|±HH:MM)`: seconds required, years 0000–9999, a real calendar date,
 * hours 00–23, minutes and seconds 00–59. Date.parse is not used: it accepts "1" and "March 7, 2024",
 * rolls 2024-02-30 over to March 1st and reads six-digit years, none of which RFC 3339 allows.
 * Leap seconds (:60) are refused too: JavaScript dates cannot hold them, so no consumer could read one.
 * @see https://www.rfc-editor.org/rfc/rfc3339#section-5.6
 */

// The shape only: the fields sit at fixed places, read below without captures (every event's time is
// checked at ingest, and captures, slices and a Number per field made this a visible part of it).
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether `value` is an RFC 3339 date-time as above. */
export function isTimestamp(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE_TIME.test(value)) return false;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false;
  if (digits(value, 11, 2) > 23 || digits(value, 14, 2) > 59 || digits(value, 17, 2) > 59) return false;
  // An offset is the last six characters, ±HH:MM; "Z" has none.
  const offset = value.length - 6;
  if (value[value.length - 1] !== 'Z' && (digits(value, offset + 1, 2) > 23 || digits(value, offset + 4, 2) > 59)) return false;
  return true;
}

/** The number written by `length` ASCII digits of `text` from `at` (the pattern checked they are digits). */
function digits(text: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) n = n * 10 + text.charCodeAt(i) - 48;
  return n;
}

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}
