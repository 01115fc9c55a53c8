/**
 * Deliveries by correlation id: the trace of one originating request across every function it reached.
 * Bounded in both directions (correlation ids kept, entries per id) so a long-running dev server or a
 * benchmark does not grow without end; the oldest correlation id is dropped first.
 */
import { Deque } from './buffers';
import type { DeliveryRecord } from './function';

/** One trace entry as `GET /traces/<correlationid>` returns it. */
export interface TraceEntry {
  readonly function: string;
  readonly subscription: string;
  readonly type: string;
  readonly id: string;
  readonly attempt: number;
  readonly outcome: DeliveryRecord['outcome'];
  readonly durationMs: number;
  /** ISO 8601, when the attempt started. */
  readonly at: string;
  readonly delayMs?: number;
  readonly reason?: string;
}

export interface TraceStoreOptions {
  /** @default 10000 */
  readonly maxTraces?: number;
  /** @default 1000 */
  readonly maxEntriesPerTrace?: number;
}

export class TraceStore {
  private readonly traces = new Map<string, DeliveryRecord[]>();
  // Insertion order kept apart: Map#keys().next() after many deletes scans the deleted slots (V8), which
  // made every eviction slower than the last.
  private readonly order = new Deque<string>();
  private readonly maxTraces: number;
  private readonly maxEntries: number;

  constructor(options: TraceStoreOptions = {}) {
    this.maxTraces = options.maxTraces ?? 10_000;
    this.maxEntries = options.maxEntriesPerTrace ?? 1_000;
  }

  /** Records one delivery under its correlation id. */
  record(record: DeliveryRecord): void {
    let entries = this.traces.get(record.correlationid);
    if (!entries) {
      if (this.traces.size >= this.maxTraces) this.traces.delete(this.order.shift()!);
      this.traces.set(record.correlationid, (entries = []));
      this.order.push(record.correlationid);
    }
    if (entries.length < this.maxEntries) entries.push(record);
  }

  /** Every delivery recorded for a correlation id, in the order they were recorded; [] when none. */
  get(correlationId: string): TraceEntry[] {
    return (this.traces.get(correlationId) ?? []).map(toEntry);
  }

  /** Whether anything is recorded under a correlation id (never seen, not yet delivered, or evicted: no). */
  has(correlationId: string): boolean {
    return this.traces.has(correlationId);
  }

  /** Correlation ids held. */
  get size(): number {
    return this.traces.size;
  }
}

function toEntry(r: DeliveryRecord): TraceEntry {
  return {
    function: r.function,
    subscription: r.subscription,
    type: r.type,
    id: r.id,
    attempt: r.attempt,
    outcome: r.outcome,
    durationMs: Math.round(r.durationMs * 1000) / 1000,
    at: new Date(r.at).toISOString(),
    ...(r.delayMs !== undefined ? { delayMs: r.delayMs } : {}),
    ...(r.reason !== undefined ? { reason: r.reason } : {}),
  };
}
