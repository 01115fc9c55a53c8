/**
 * Counts the work the runtime still owes: every event accepted by a queue, stream or direct channel
 * until it is settled (done, filtered out by its consumer, a duplicate, or dead-lettered). A retry
 * waiting out its backoff is still owed. `idle()` is what tests and `stop()` wait on.
 */
export class WorkTracker {
  private pending = 0;
  private waiters: Array<() => void> = [];

  /** Events now owed. */
  get count(): number {
    return this.pending;
  }

  add(n = 1): void {
    this.pending += n;
  }

  done(n = 1): void {
    this.pending -= n;
    // Never clamped: a count below zero means something was settled twice, and tests should see it.
    if (this.pending === 0) {
      if (this.waiters.length) {
        const waiters = this.waiters;
        this.waiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  }

  /** Resolves when nothing is owed: nothing queued, in flight or waiting to be retried. */
  idle(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Resolves once nothing is owed (false), or once `ms` passed or `hurry` aborted (true: timed out).
   * What a transport's close waits on.
   */
  async idleWithin(ms: number, hurry?: AbortSignal): Promise<boolean> {
    const grace = timeLimit(ms, hurry);
    try {
      return await Promise.race([this.idle().then(() => false), grace.over.then(() => true)]);
    } finally {
      grace.cancel();
    }
  }
}

/** A limit on a wait: `over` resolves `ms` from now, or at once when `hurry` is aborted; `cancel` lets it go. */
export function timeLimit(ms: number, hurry?: AbortSignal): { readonly over: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let cut: (() => void) | undefined;
  const over = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    cut = () => resolve();
    if (hurry?.aborted) cut();
    else hurry?.addEventListener('abort', cut);
  });
  return {
    over,
    cancel() {
      clearTimeout(timer);
      if (cut) hurry?.removeEventListener('abort', cut);
    },
  };
}
