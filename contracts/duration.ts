/** Durations in the topology are strings such as `250ms`, `10s`, `5m`, `1h`, `14d`. */
export type Duration = `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** Whether `text` is a duration this module can read. */
export function isDuration(text: string): text is Duration {
  return DURATION.test(text);
}

/** Milliseconds in a duration. @throws RangeError on a malformed duration. */
export function toMillis(duration: Duration | string): number {
  const match = DURATION.exec(duration);
  if (!match) throw new RangeError(`"${duration}" is not a duration (use e.g. 500ms, 10s, 5m, 1h, 14d)`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}

/** Whole seconds in a duration, rounded up (clouds take integer seconds). */
export function toSeconds(duration: Duration | string): number {
  return Math.ceil(toMillis(duration) / 1_000);
}
