/**
 * Handler timeouts without a timer per invocation. Every invocation of a pipeline has the same timeout,
 * so deadlines arrive in the order invocations start: one FIFO queue and one timer armed for its head
 * cover them all. (A setTimeout/clearTimeout pair per event cost a tenth of the pipeline's budget.)
 */
export interface DeadlineEntry {
  readonly deadline: number;
  /** Dropped once settled: it holds its invocation (the event, its context) that the queue must not keep alive. */
  expire: () => void;
  settled: boolean;
}

const SETTLED = () => {};

export class DeadlineQueue {
  private entries: DeadlineEntry[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number, private readonly now: () => number = Date.now) {}

  /** Starts a deadline; `expire` runs once it passes unless `settle` came first. */
  track(expire: () => void): DeadlineEntry {
    const entry: DeadlineEntry = { deadline: this.now() + this.timeoutMs, settled: false, expire };
    this.entries.push(entry);
    if (!this.timer) this.arm(entry.deadline);
    return entry;
  }

  /** Marks an entry settled and drops the settled run at the head, so the queue stays as short as what is in flight. */
  settle(entry: DeadlineEntry): void {
    entry.settled = true;
    // The queue keeps settled entries until its head passes them (up to a thousand or so in a busy flow): their
    // closures would keep each invocation's event and context alive through young collections into the old
    // generation, megabytes a second of garbage for the full collections to find.
    entry.expire = SETTLED;
    while (this.head < this.entries.length && this.entries[this.head]!.settled) this.head++;
    // The armed timer stays when the queue empties: finding nothing when it fires is cheaper than a timer
    // per invocation. Settled entries are dropped in bulk, not one array write at a time.
    if (this.head === this.entries.length && this.head >= 64) {
      this.entries.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * Runs `work` and settles with it, or rejects with `onTimeout()` once the timeout passes first.
   * The work keeps running after a timeout (JavaScript cannot stop it); its late result is ignored.
   */
  run<T>(work: Promise<T>, onTimeout: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry = this.track(() => reject(onTimeout()));
      work.then(
        (value) => { this.settle(entry); resolve(value); },
        (error: unknown) => { this.settle(entry); reject(error); },
      );
    });
  }

  private arm(deadline: number): void {
    // Unref'd: a pending deadline alone must not keep a CLI process alive.
    this.timer = setTimeout(() => this.sweep(), Math.max(0, deadline - this.now())).unref();
  }

  private sweep(): void {
    this.timer = undefined;
    const now = this.now();
    for (let i = this.head; i < this.entries.length; i++) {
      const entry = this.entries[i]!;
      if (entry.deadline > now) break;
      if (!entry.settled) {
        const { expire } = entry;
        this.settle(entry);
        expire();
        i = this.head - 1;
      }
    }
    const next = this.entries.slice(this.head).find((e) => !e.settled);
    if (next && !this.timer) this.arm(next.deadline);
  }
}
