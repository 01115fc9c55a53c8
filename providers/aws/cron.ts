/**
 * The portable 5-field cron (minute hour day-of-month month day-of-week, Unix numbering, UTC) in AWS's
 * 6-field dialect: a year field is added; exactly one of day-of-month and day-of-week is `?`; days of the
 * week count from 1 (Sunday) instead of 0; day-of-week takes no step (`/`), so stepped days are listed.
 * Passing a Unix cron through unchanged would be rejected, or worse, run on the wrong day.
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based
 */
import { cronFields } from '../../contracts';

const ITEM = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/;

/** The values one item of a field covers (for day-of-week, which AWS cannot step). */
function expand(item: string, min: number, max: number): number[] {
  const [, , lo, hi, step] = ITEM.exec(item)!;
  const from = lo === undefined ? min : Number(lo);
  const to = hi !== undefined ? Number(hi) : lo === undefined || step !== undefined ? max : from;
  const values: number[] = [];
  for (let v = from; v <= to; v += Number(step ?? 1)) values.push(v);
  return values;
}

/** One field with AWS's syntax for steps: a step over `*` starts from the minimum; a stepped range is listed. */
function awsField(field: string, min: number, max: number): string {
  return field.split(',').map((item) => {
    const [, , lo, hi, step] = ITEM.exec(item)!;
    if (step === undefined) return item;
    if (lo === undefined) return `${min}/${step}`;
    if (hi === undefined) return item;
    return expand(item, min, max).join(',');
  }).join(',');
}

/** Day-of-week renumbered from Unix 0–6 (Sunday = 0) to AWS 1–7 (Sunday = 1), steps listed. */
function awsDayOfWeek(field: string): string {
  return field.split(',').map((item) => {
    const m = ITEM.exec(item)!;
    if (m[4] === undefined && m[2] !== undefined) return m[3] !== undefined ? `${Number(m[2]) + 1}-${Number(m[3]) + 1}` : String(Number(m[2]) + 1);
    return expand(item, 0, 6).map((d) => d + 1).join(',');
  }).join(',');
}

/**
 * `cron(...)` for EventBridge Scheduler from a portable cron.
 * @throws RangeError when the expression is not a portable cron.
 */
export function toAwsCron(expression: string): string {
  const [minute, hour, dayOfMonth, month, dayOfWeek] = cronFields(expression);
  // Portable crons never restrict both days (validation refuses it), so one of them is free to be `?`.
  const [dom, dow] = dayOfWeek === '*' ? [awsField(dayOfMonth, 1, 31), '?'] : ['?', awsDayOfWeek(dayOfWeek)];
  return `cron(${awsField(minute, 0, 59)} ${awsField(hour, 0, 23)} ${dom} ${awsField(month, 1, 12)} ${dow} *)`;
}
