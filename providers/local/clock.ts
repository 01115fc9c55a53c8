/**
 * The clock schedules run on. The system clock uses real timers; `ManualClock` lets tests move time
 * by hand, so a nightly cron fires in a test without waiting for 02:00 UTC.
 */

/** A cancellable timer. */
export interface Timer {
  cancel(): void;
}

/** Time and timers, injectable. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Runs `fn` once, `ms` from now. */
  setTimer(fn: () => void, ms: number): Timer;
}

// setTimeout takes at most 2^31-1 ms; a cron can be further away than that (a yearly schedule).
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Real time and Node timers. Timers are unref'd: a pending schedule never keeps the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const due = Date.now() + ms;
    let handle: NodeJS.Timeout;
    const arm = (delay: number) => {
      handle = setTimeout(() => {
        const left = due - Date.now();
        if (left > 0) arm(left);
        else fn();
      }, Math.min(Math.max(0, delay), MAX_TIMER_MS));
      handle.unref();
    };
    arm(ms);
    return { cancel: () => clearTimeout(handle) };
  },
};

/** A clock that moves only when told to; due timers run in time order during `advance` and `set`. */
export class ManualClock implements Clock {
  private current: number;
  private readonly timers = new Set<{ due: number; seq: number; fn: () => void }>();
  private seq = 0;

  /** @param start epoch ms or an ISO 8601 string */
  constructor(start: number | string = 0) {
    this.current = typeof start === 'string' ? Date.parse(start) : start;
    if (Number.isNaN(this.current)) throw new RangeError(`ManualClock: "${start}" is not a date`);
  }

  now(): number {
    return this.current;
  }

  setTimer(fn: () => void, ms: number): Timer {
    const timer = { due: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.add(timer);
    return { cancel: () => this.timers.delete(timer) };
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way. */
  advance(ms: number): void {
    this.set(this.current + ms);
  }

  /** Moves time forward to `time`. @throws RangeError when `time` is in the past. */
  set(time: number | string): void {
    const target = typeof time === 'string' ? Date.parse(time) : time;
    if (!(target >= this.current)) throw new RangeError('ManualClock only moves forward');
    for (;;) {
      let next: { due: number; seq: number; fn: () => void } | undefined;
      for (const t of this.timers) if (t.due <= target && (!next || t.due < next.due || (t.due === next.due && t.seq < next.seq))) next = t;
      if (!next) break;
      this.timers.delete(next);
      this.current = next.due;
      next.fn();
    }
    this.current = target;
  }

  /** Timers not yet run. */
  get pending(): number {
    return this.timers.size;
  }
}
