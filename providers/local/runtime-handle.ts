/**
 * A runtime that can be replaced by another while everything holding it keeps the same object: the dev
 * server, the console and the dev log hold this handle, and `herald dev`'s hot reload replaces what is
 * behind it when the topology changed (a new runtime on the same stores). Delivery listeners move to each
 * new runtime, so the feed and the log go on without a gap.
 */
import type { DeliveryListener } from './function';
import type { LocalRuntime } from './runtime';

export class RuntimeHandle implements LocalRuntime {
  private readonly listeners = new Set<DeliveryListener>();
  private unlisten: () => void;
  /** While a replacement is under way: what it resolves, and calls made meanwhile wait for it. */
  private held: Promise<unknown> | undefined;

  constructor(private current: LocalRuntime) {
    this.unlisten = this.listen(current);
  }

  /** The runtime behind the handle now. */
  get runtime(): LocalRuntime {
    return this.current;
  }

  /** Puts `next` behind the handle (the previous one is the caller's to stop): from now on every call goes to it. */
  replace(next: LocalRuntime): void {
    this.unlisten();
    this.current = next;
    this.unlisten = this.listen(next);
  }

  /**
   * Holds new work (publish, redrive, fire) until `until` settles, then hands it to the runtime behind the
   * handle then: a request arriving while the old runtime stops and the new one starts waits for the new
   * one, instead of being refused as if herald dev were shutting down.
   */
  hold<T>(until: Promise<T>): Promise<T> {
    const held = until.finally(() => {
      if (this.held === held) this.held = undefined;
    });
    this.held = held;
    held.catch(() => {});
    return until;
  }

  private whenFree<T>(run: () => Promise<T>): Promise<T> {
    return this.held ? this.held.then(run, run) : run();
  }

  private listen(runtime: LocalRuntime): () => void {
    return runtime.onDelivery((record) => {
      for (const listener of this.listeners) listener(record);
    });
  }

  get topology() { return this.current.topology; }
  get registry() { return this.current.registry; }
  get traces() { return this.current.traces; }
  get deadLetters() { return this.current.deadLetters; }
  get buckets() { return this.current.buckets; }
  get tables() { return this.current.tables; }
  get scheduler() { return this.current.scheduler; }
  get delivery() { return this.current.delivery; }
  get accepting() { return this.held !== undefined || this.current.accepting; }
  get pending() { return this.current.pending; }
  get ready() { return this.current.ready; }

  publish(...args: Parameters<LocalRuntime['publish']>) { return this.whenFree(() => this.current.publish(...args)); }
  redrive(...args: Parameters<LocalRuntime['redrive']>) { return this.whenFree(() => this.current.redrive(...args)); }
  fire(schedule: string) { return this.whenFree(() => this.current.fire(schedule)); }
  swapCode(...args: Parameters<LocalRuntime['swapCode']>) { this.current.swapCode(...args); }
  idle() { return this.current.idle(); }
  stop(...args: Parameters<LocalRuntime['stop']>) { return this.current.stop(...args); }

  onDelivery(listener: DeliveryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
