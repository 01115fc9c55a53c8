/**
 * The messages between `bench kafka` (the parent, which produces and measures) and its consumer processes
 * (bench/kafka/consumer.ts), over Node's IPC channel. Consumers run in processes of their own so a consumer's
 * event loop never delays the producer's clock, and so the scale-out half can start several.
 */

/** Which consumer a process runs. */
export type Side = 'bare' | 'floor' | 'herald';

/** What a consumer process is started with (JSON in its `BENCH_KAFKA_CONSUMER` environment variable). */
export interface ConsumerConfig {
  readonly side: Side;
  readonly brokers: string[];
  /** Names the topic and group (bench/kafka/workload.ts); the Herald side's stack. */
  readonly stack: string;
  /** Partitions of the topic: the bare side consumes them all concurrently. */
  readonly partitions: number;
}

/** Parent → consumer. `record`: start (clearing what was kept) or stop keeping latencies; `usage`: its CPU time. */
export type ToConsumer =
  | { readonly kind: 'record'; readonly on: boolean }
  | { readonly kind: 'latencies' }
  | { readonly kind: 'usage' }
  | { readonly kind: 'stop' };

/** Produce-to-handler latencies in ms, as a consumer kept them. */
export interface LatencySummary { readonly count: number; readonly p50: number; readonly p99: number; readonly max: number }

/** Consumer → parent. `progress` is sent every few ms while the count changes; `lastAt` is `nowMs` of the last handler call. */
export type FromConsumer =
  | { readonly kind: 'ready' }
  | { readonly kind: 'progress'; readonly handled: number; readonly lastAt: number }
  | { readonly kind: 'latencies'; readonly summary: LatencySummary }
  /** The process's CPU time so far (user + system, all threads), in ms. */
  | { readonly kind: 'usage'; readonly cpuMs: number }
  | { readonly kind: 'failed'; readonly message: string };

/** The `q` quantile (0..1) of ascending `sorted`, nearest rank; NaN when empty. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
