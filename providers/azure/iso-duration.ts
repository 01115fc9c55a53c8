/**
 * ISO 8601 durations of whole seconds (`PT1M30S`, `P1DT2H3M4S`): the form Service Bus and Event Grid take
 * their times in (lock durations, time to live, duplicate detection windows). Written and read by one pair
 * of functions, so every duration Herald sets and every override it checks agree.
 */

/** ISO 8601 duration of whole seconds (`PT1M30S`), the form Service Bus takes. */
export function isoSeconds(seconds: number): string {
  const s = Math.round(seconds);
  const days = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  const sec = s % 60;
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${sec ? `${sec}S` : ''}`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : days ? '' : 'T0S'}`;
}

/** Seconds of an ISO 8601 duration Herald writes (`P1DT2H3M4S`); NaN for anything else. */
export function isoToSeconds(iso: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso);
  if (!m || iso === 'P' || iso.endsWith('T')) return Number.NaN;
  return (Number(m[1] ?? 0) * 86_400) + (Number(m[2] ?? 0) * 3_600) + (Number(m[3] ?? 0) * 60) + Number(m[4] ?? 0);
}
