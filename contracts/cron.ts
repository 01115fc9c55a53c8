/**
 * Portable cron: 5 fields (minute hour day-of-month month day-of-week), UTC, numbers only, with
 * `*`, lists, ranges and steps. Each cloud's dialect is translated from this form by its provider.
 */

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day-of-week', min: 0, max: 6 },
] as const;

const ITEM = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/;

/** Every reason a cron expression is not portable; empty when it is. */
export function cronProblems(expression: string): string[] {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) return [`"${expression}" has ${parts.length} fields; use 5 (minute hour day-of-month month day-of-week)`];
  const problems: string[] = [];
  parts.forEach((part, i) => {
    const field = FIELDS[i]!;
    for (const item of part.split(',')) {
      const m = ITEM.exec(item);
      if (!m) { problems.push(`${field.name} "${item}" is not *, n, n-m or a step of them`); continue; }
      const [, , lo, hi, step] = m;
      for (const v of [lo, hi]) {
        if (v !== undefined && (Number(v) < field.min || Number(v) > field.max)) {
          problems.push(`${field.name} ${v} is outside ${field.min}-${field.max}`);
        }
      }
      if (lo !== undefined && hi !== undefined && Number(lo) > Number(hi)) problems.push(`${field.name} range ${lo}-${hi} is reversed`);
      if (step !== undefined && Number(step) < 1) problems.push(`${field.name} step must be at least 1`);
    }
  });
  // Unix cron ORs a restricted day-of-month with a restricted day-of-week; AWS and Azure cannot express that.
  if (parts[2] !== '*' && parts[4] !== '*') {
    problems.push('restricting both day-of-month and day-of-week is not portable; restrict one of them');
  }
  return problems;
}

/** The five fields of a valid portable cron. @throws RangeError when it is not portable. */
export function cronFields(expression: string): [string, string, string, string, string] {
  const problems = cronProblems(expression);
  if (problems.length) throw new RangeError(problems.join('; '));
  return expression.trim().split(/\s+/) as [string, string, string, string, string];
}
