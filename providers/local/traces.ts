/**
 * Deliveries by correlation id: the trace of one originating request across every function it reached.
 * Bounded in both directions (correlation ids kept, entries per id) so a long-running dev server or a
 * benchmark does not grow without end; the oldest correlation id is dropped first.
 */
import { Deque } from './buffers';
import type { DeliveryRecord } from './function';
import { LOCAL_LIMITS } from './limits';

/** One trace entry as `GET /traces/<correlationid>` returns it. */
export interface TraceEntry {
  readonly function: string;
  readonly subscription: string;
  readonly type: string;
  readonly id: string;
  /** The event whose handler published this one; absent for an event from outside. */
  readonly causationid?: string;
  readonly attempt: number;
  readonly outcome: DeliveryRecord['outcome'];
  readonly durationMs: number;
  /** ISO 8601, when the attempt started. */
  readonly at: string;
  readonly delayMs?: number;
  readonly reason?: string;
}

export interface TraceStoreOptions {
  /** Correlation ids kept at most; 0 keeps none (a Kafka worker's: the outcomes topic is its record). @default 10000 */
  readonly maxTraces?: number;
  /** Deliveries kept per correlation id at most (later ones are not recorded). @default 1000 */
  readonly maxEntriesPerTrace?: number;
  /** What all traces may take in memory, near enough; past it the oldest go. @default 32 MiB */
  readonly maxBytes?: number;
  /** How long a trace is kept after its first delivery. @default 1 h */
  readonly maxAgeMs?: number;
}

interface Trace {
  readonly entries: DeliveryRecord[];
  /** Epoch ms of its first delivery. */
  readonly started: number;
  bytes: number;
  /** What the journal numbered its first record (its row, in a durable store); 0 without a journal. */
  readonly opened: number;
}

/**
 * Where a durable store records what changes (the state database: sqlite/traces.ts). Called in the same
 * turn as the change, so a delivery's record joins the group commit of its settlement: after a crash
 * either both are stored or neither (and the delivery runs again, recorded once).
 */
export interface TraceJournal {
  /**
   * A record was kept. `opened` is the number the journal gave the first record of its trace, or
   * undefined when this record opens it. Returns the number it gives this record.
   */
  recorded(record: DeliveryRecord, opened: number | undefined): number;
  /**
   * Traces were dropped (oldest first): every trace kept now was opened at or after `oldest` (the number
   * of the oldest kept trace's first record), or none is kept when it is undefined.
   */
  evicted(oldest: number | undefined): void;
}

/** A record kept before a restart, with the numbers its journal gave it and its trace's first record. */
export interface KeptTraceRecord {
  readonly record: DeliveryRecord;
  readonly number: number;
  readonly opened: number;
}

/** What a record costs in memory, near enough: its strings and a fixed part for the object. */
function sizeOf(r: DeliveryRecord): number {
  return 160 + 2 * (r.function.length + r.subscription.length + r.type.length + r.id.length + (r.causationid?.length ?? 0) + (r.reason?.length ?? 0));
}

export class TraceStore {
  private readonly traces = new Map<string, Trace>();
  // Insertion order kept apart: Map#keys().next() after many deletes scans the deleted slots (V8), which
  // made every eviction slower than the last.
  private readonly order = new Deque<string>();
  private bytes = 0;
  readonly maxTraces: number;
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly maxAgeMs: number;

  constructor(options: TraceStoreOptions = {}, private readonly now: () => number = Date.now, private readonly journal?: TraceJournal) {
    this.maxTraces = options.maxTraces ?? LOCAL_LIMITS.traces.maxTraces;
    this.maxEntries = options.maxEntriesPerTrace ?? LOCAL_LIMITS.traces.maxEntriesPerTrace;
    this.maxBytes = options.maxBytes ?? LOCAL_LIMITS.traces.maxBytes;
    this.maxAgeMs = options.maxAgeMs ?? LOCAL_LIMITS.traces.maxAgeMs;
  }

  /** Records one delivery under its correlation id. */
  record(record: DeliveryRecord): void {
    if (this.maxTraces === 0) return;
    let trace = this.traces.get(record.correlationid);
    if (trace && trace.entries.length >= this.maxEntries) return;
    const oldest = this.oldestOpened();
    const number = this.journal?.recorded(record, trace?.opened) ?? 0;
    trace ??= this.open(record, number);
    this.keep(trace, record);
    if (this.journal && this.oldestOpened() !== oldest) this.journal.evicted(this.oldestOpened());
  }

  /**
   * Puts back records kept before a restart (not journaled again), in the order they were numbered.
   * A record whose trace's first record is gone (its trace was dropped, and the row outlived it) is left out.
   */
  load(kept: Iterable<KeptTraceRecord>): void {
    const oldest = this.oldestOpened();
    for (const { record, number, opened } of kept) {
      let trace = this.traces.get(record.correlationid);
      if (number === opened) trace = this.open(record, number);
      else if (trace === undefined || trace.opened !== opened || trace.entries.length >= this.maxEntries) continue;
      this.keep(trace, record);
    }
    this.expire(this.now(), true);
    if (this.journal && this.oldestOpened() !== oldest) this.journal.evicted(this.oldestOpened());
  }

  /** Opens the trace `record` is the first of. */
  private open(record: DeliveryRecord, opened: number): Trace {
    const trace: Trace = { entries: [], started: record.at, bytes: 0, opened };
    const older = this.traces.get(record.correlationid);
    if (older) {
      // Only when loading rows of a trace dropped and opened again: the newer replaces it in its place in
      // `order` (so it is dropped no later than its namesake would have been).
      this.bytes -= older.bytes;
      this.traces.set(record.correlationid, trace);
      return trace;
    }
    if (this.traces.size >= this.maxTraces) this.evictOldest();
    this.traces.set(record.correlationid, trace);
    this.order.push(record.correlationid);
    return trace;
  }

  private keep(trace: Trace, record: DeliveryRecord): void {
    const cost = sizeOf(record);
    trace.entries.push(record);
    trace.bytes += cost;
    this.bytes += cost;
    // The oldest go first, whatever their size: a trace being written is the newest but one at worst.
    while (this.bytes > this.maxBytes && this.traces.size > 1) this.evictOldest();
    this.expire(record.at, true);
  }

  /** Every delivery recorded for a correlation id, in the order they were recorded; [] when none. */
  get(correlationId: string): TraceEntry[] {
    this.expire(this.now());
    return (this.traces.get(correlationId)?.entries ?? []).map(toEntry);
  }

  /** Whether anything is recorded under a correlation id (never seen, not yet delivered, evicted or expired: no). */
  has(correlationId: string): boolean {
    this.expire(this.now());
    return this.traces.has(correlationId);
  }

  /** Correlation ids held. */
  get size(): number {
    return this.traces.size;
  }

  /** What the traces held take in memory, near enough. */
  get heldBytes(): number {
    return this.bytes;
  }

  /** The journal's number for the oldest trace's first record; undefined when none is kept. */
  private oldestOpened(): number | undefined {
    const id = this.order.peek();
    return id === undefined ? undefined : this.traces.get(id)?.opened;
  }

  /**
   * Drops traces whose first delivery is older than maxAgeMs (they are in `order` by first delivery).
   * `quiet`: the caller tells the journal.
   */
  private expire(now: number, quiet = false): void {
    const oldest = this.oldestOpened();
    while (this.order.length) {
      const first = this.traces.get(this.order.peek()!);
      if (first && now - first.started <= this.maxAgeMs) break;
      this.evictOldest();
    }
    if (!quiet && this.journal && this.oldestOpened() !== oldest) this.journal.evicted(this.oldestOpened());
  }

  private evictOldest(): void {
    const id = this.order.shift();
    if (id === undefined) return;
    const trace = this.traces.get(id);
    if (trace) this.bytes -= trace.bytes;
    this.traces.delete(id);
  }
}

/** A record as `/traces` (and the console's feed) shows it. */
export function toEntry(r: DeliveryRecord): TraceEntry {
  return {
    function: r.function,
    subscription: r.subscription,
    type: r.type,
    id: r.id,
    ...(r.causationid !== undefined ? { causationid: r.causationid } : {}),
    attempt: r.attempt,
    outcome: r.outcome,
    durationMs: Math.round(r.durationMs * 1000) / 1000,
    at: new Date(r.at).toISOString(),
    ...(r.delayMs !== undefined ? { delayMs: r.delayMs } : {}),
    ...(r.reason !== undefined ? { reason: r.reason } : {}),
  };
}
