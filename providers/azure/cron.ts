/**
 * The portable 5-field cron (minute hour day-of-month month day-of-week, Unix numbering, UTC) in the
 * Functions timer trigger's NCRONTAB dialect: six fields, seconds first, so `0` is prepended. Days of the
 * week count from 0 (Sunday) in both. NCRONTAB steps a range or `*` (`*\/15`, `5-59/15`), not a bare start
 * (`5/15`), so a stepped start is written as the range up to the field's maximum. The trigger runs in
 * UTC as long as `WEBSITE_TIME_ZONE` is unset, which Herald never sets.
 * @see https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions
 */
import { cronFields } from '../../contracts';

const ITEM = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/;
const MAXIMA = [59, 23, 31, 12, 6] as const;

function field(value: string, max: number): string {
  return value.split(',').map((item) => {
    const [, , lo, hi, step] = ITEM.exec(item)!;
    return step !== undefined && lo !== undefined && hi === undefined ? `${lo}-${max}/${step}` : item;
  }).join(',');
}

/**
 * The NCRONTAB expression of a portable cron.
 * @throws RangeError when the expression is not a portable cron.
 */
export function toNcrontab(expression: string): string {
  return ['0', ...cronFields(expression).map((f, i) => field(f, MAXIMA[i]!))].join(' ');
}
