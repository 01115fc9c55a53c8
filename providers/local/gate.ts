/**
 * A function's concurrency limit on the local runtime: one gate per function, shared by every channel
 * that feeds it, which a transport passes each delivery through (a function with `concurrency: 2` runs
 * at most two deliveries at once, whichever subscriptions they came from).
 */

/** A counting semaphore: how many deliveries of one function may run at once. */
export class Gate {
  private active = 0;
  private waiters: Array<() => void> = [];

  /** @param limit concurrent deliveries; Infinity for no limit */
  constructor(readonly limit = Infinity) {
    if (!(limit >= 1)) throw new RangeError(`concurrency limit must be at least 1, got ${limit}`);
  }

  /** Deliveries running now. */
  get running(): number {
    return this.active;
  }

  /** Takes a slot if one is free. */
  tryEnter(): boolean {
    if (this.active >= this.limit) return false;
    this.active++;
    return true;
  }

  /** Frees a slot and wakes whoever waits for one (each waiter then tries again). */
  leave(): void {
    this.active--;
    if (this.waiters.length) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    }
  }

  /** Calls `wake` once, the next time a slot frees up. */
  wait(wake: () => void): void {
    if (!this.waiters.includes(wake)) this.waiters.push(wake);
  }
}
