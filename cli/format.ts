/**
 * What `herald dev` and the other commands print: aligned tables, the topology at start, one line per
 * delivery, handler log lines. Colours only when the stream is a terminal and NO_COLOR is unset.
 */
import { deliveryPlan, type Channel, type Clause, type Logger, type Topology } from '../contracts';
import { LOCAL_DELIVERY } from '../providers/local/delivery';
import type { DeliveryRecord } from '../providers/local';

/** ANSI colours, or nothing. */
export interface Paint {
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const code = (n: number) => (s: string) => `\u001b[${n}m${s}\u001b[0m`;
const plain = (s: string) => s;

/** Colours for a stream: only on a TTY, and never with NO_COLOR set. */
export function paintFor(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>> = process.env): Paint {
  const on = !!stream.isTTY && env.NO_COLOR === undefined;
  return on
    ? { green: code(32), yellow: code(33), red: code(31), dim: code(2), bold: code(1) }
    : { green: plain, yellow: plain, red: plain, dim: plain, bold: plain };
}

/** Rows aligned under a header, columns two spaces apart. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/** A filter in one line: `contenttype prefix image/, subject in eu/a|eu/b`. */
export function formatFilter(clauses: readonly Clause[]): string {
  if (!clauses.length) return '-';
  return clauses.map((c) => (c.values.length ? `${c.field} ${c.op} ${c.values.join('|')}` : `${c.field} ${c.op}`)).join(', ');
}

/** The topology as three tables: resources, functions, subscriptions with their filters. */
export function topologyTable(t: Topology): string[] {
  const target = (r: { kind: string; name: string }) => `${r.kind} ${r.name}`;
  const resources: string[][] = [
    ...t.buses.map((b) => [b.name, 'bus', '']),
    ...t.topics.map((tp) => [tp.name, 'topic', 'fan-out, a queue per subscriber']),
    ...t.queues.map((q) => [q.name, 'queue', `maxAttempts ${q.maxAttempts}${q.orderBy ? `, ordered by ${q.orderBy}` : ''}`]),
    ...t.streams.map((s) => [s.name, 'stream', `ordered by ${s.key}, maxAttempts ${s.maxAttempts}`]),
    ...t.schedules.map((s) => [s.name, 'schedule', `${s.cron} (UTC) → ${s.emits} on ${target(s.to)}`]),
    ...t.webhooks.map((w) => [w.name, 'webhook', `${w.method} ${w.path} → ${w.emits} on ${target(w.to)} (secret: $${w.verify.secretEnv})`]),
    ...t.buckets.map((b) => [b.name, 'bucket', b.onUpload ? `PUT ${b.onUpload.prefix}… → ${b.onUpload.emits} on ${target(b.onUpload.to)}` : 'no trigger']),
    ...t.tables.map((tb) => [tb.name, 'table', `keyed by ${[tb.partitionKey, tb.sortKey].filter(Boolean).join(', ')}; ${tb.onChange ? `row changes → ${tb.onChange.emits} on ${target(tb.onChange.to)}` : 'no trigger'}`]),
  ];
  const functions = t.functions.map((f) => [
    f.name, f.timeout, f.concurrency === undefined ? '-' : String(f.concurrency),
    f.publishes ? `${f.publishes.events.join(', ')} → ${target(f.publishes.to)}` : '-',
  ]);
  // One line per channel of the delivery plan the embedded runtime runs: where it reads, and its attempts.
  const subscriptions = deliveryPlan(t, LOCAL_DELIVERY).channels.map((c) => [
    c.function, target(c.from), eventsRead(t, t.subscriptions.find((s) => s.name === c.subscription)!.events),
    formatFilter(c.clauses), via(c), String(c.maxAttempts),
  ]);
  return [
    ...table(['RESOURCE', 'KIND', 'DETAILS'], resources), '',
    ...table(['FUNCTION', 'TIMEOUT', 'CONCURRENCY', 'PUBLISHES'], functions), '',
    ...table(['FUNCTION', 'FROM', 'EVENTS', 'FILTER', 'VIA', 'ATTEMPTS'], subscriptions),
  ];
}

/** `queue payments`, `own queue alerts-pager-alerts`, `stream order-audit` or `direct`. */
function via(c: Channel): string {
  if (c.source.kind === 'direct') return 'direct';
  if (c.source.kind === 'stream') return `stream ${c.source.stream}`;
  return `${c.source.own ? 'own queue' : 'queue'} ${c.source.queue}`;
}

/** `OrderPlaced.v2 (+v1), PaymentReceived.v1`: each listed type and the older versions it reads. */
function eventsRead(t: Topology, events: readonly string[]): string {
  return events.map((wireType) => {
    const older = (t.events.find((e) => e.wireType === wireType)?.readableTypes ?? []).slice(1).map((w) => w.slice(w.lastIndexOf('.') + 1));
    return older.length ? `${wireType} (+${older.join(', ')})` : wireType;
  }).join(', ');
}

const OUTCOME_WIDTH = 'dead-letter'.length;

/** One delivery: time, function, type, id, attempt, outcome, milliseconds (and why, for failures). */
export function deliveryLine(r: DeliveryRecord, paint: Paint): string {
  const time = new Date(r.at).toISOString().slice(11, 23);
  const outcome = r.outcome.padEnd(OUTCOME_WIDTH);
  const coloured = r.outcome === 'ok' ? paint.green(outcome)
    : r.outcome === 'retry' ? paint.yellow(outcome)
      : r.outcome === 'dead-letter' ? paint.red(outcome) : paint.dim(outcome);
  const why = r.reason ? `  ${r.outcome === 'retry' || r.outcome === 'deferred' ? `next in ${r.delayMs} ms: ` : ''}${r.reason}` : '';
  const line = `${time}  ${r.function.padEnd(18)} ${r.type.padEnd(20)} ${r.id}  #${r.attempt}  ${coloured} ${r.durationMs.toFixed(1).padStart(7)} ms${why}`;
  return r.outcome === 'filtered' ? paint.dim(line) : line;
}

/**
 * A logger for handlers under `herald dev`: one readable line per log call, among the delivery lines,
 * stamped with the time and naming the function, then the event id and correlation id it ran for (so a
 * line can be found again in `/traces/<correlation id>`). The pipeline's own `retry` and `dead-letter`
 * warnings are dropped: the delivery line already says so.
 */
export function devLogger(write: (line: string) => void, paint: Paint, fields: Record<string, unknown> = {}, now: () => Date = () => new Date()): Logger & { child(fields: Record<string, unknown>): Logger } {
  const log = (level: string) => (message: string, extra?: Record<string, unknown>) => {
    if (!fields.function && (message === 'retry' || message === 'dead-letter')) return;
    const { function: fn, eventId, correlationId, ...rest } = { ...fields, ...extra };
    const detail = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
    const ids = [eventId !== undefined ? `event=${String(eventId)}` : '', correlationId !== undefined ? `correlation=${String(correlationId)}` : ''].filter(Boolean).join(' ');
    const text = `${now().toISOString().slice(11, 23)}  ${String(fn ?? '').padEnd(18)} ${level === 'info' ? '' : `${level}: `}${message}${detail ? ` ${detail}` : ''}${ids ? `  (${ids})` : ''}`;
    write(level === 'error' || level === 'warn' ? paint.yellow(text) : paint.dim(text));
  };
  return {
    debug() {}, info: log('info'), warn: log('warn'), error: log('error'),
    child: (more) => devLogger(write, paint, { ...fields, ...more }, now),
  };
}

/** A request the dev server refused (4xx), as the dev log shows it: nothing was published for it. */
export function rejectedLine(r: { readonly method: string; readonly path: string; readonly status: number; readonly error: string }, paint: Paint, now = new Date()): string {
  return paint.yellow(`${now.toISOString().slice(11, 23)}  ${r.status} ${r.method} ${r.path}  refused, nothing published: ${r.error}`);
}
