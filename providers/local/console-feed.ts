/**
 * The console's live feed: every delivery the runtime reports, as server-sent events. Bounded on every
 * side: the recent records kept for a reconnecting browser (which sends `Last-Event-ID` and is sent what it
 * missed, or told of the gap), the clients served at once, and what one slow client may have queued (past
 * that it is disconnected and catches up from the kept records when its EventSource reconnects).
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeliveryRecord } from './function';
import { HttpError } from './http';
import { toEntry, type TraceEntry } from './traces';

/** What one feed event carries: a trace entry with its correlation id and its number in the feed. */
export interface FeedEntry extends TraceEntry {
  readonly seq: number;
  readonly correlationid: string;
}

export interface FeedLimits {
  /** Records kept for reconnects. @default 500 */
  readonly kept?: number;
  /** Records sent to a browser that connects afresh (the recent past it opens on). @default 100 */
  readonly backlog?: number;
  /** Feeds served at once (each is an open connection). @default 16 */
  readonly maxClients?: number;
  /** Bytes queued for one client before it is dropped. @default 1 MiB */
  readonly maxQueuedBytes?: number;
  /** A comment line this often keeps proxies and the browser from timing the connection out. @default 15 s */
  readonly heartbeatMs?: number;
}

/** How long a browser waits before reconnecting a dropped feed (the SSE `retry` field). */
export const FEED_RETRY_MS = 2000;

/** One server-sent event: `event`, `id` and one `data` line (JSON never holds a raw line break, so one line always suffices). */
export function sseFrame(event: string, id: number | undefined, data: unknown): string {
  return `event: ${event}\n${id !== undefined ? `id: ${id}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
}

export class DeliveryFeed {
  private readonly kept: FeedEntry[] = [];
  private readonly clients = new Set<ServerResponse>();
  private seq = 0;
  private readonly limits: Required<FeedLimits>;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(limits: FeedLimits = {}) {
    this.limits = { kept: 500, backlog: 100, maxClients: 16, maxQueuedBytes: 1024 * 1024, heartbeatMs: 15_000, ...limits };
    this.heartbeat = setInterval(() => this.broadcast(': ping\n\n'), this.limits.heartbeatMs).unref();
  }

  /** Feeds open now. */
  get size(): number {
    return this.clients.size;
  }

  /** A runtime's `onDelivery` listener. */
  readonly record = (r: DeliveryRecord): void => {
    const entry: FeedEntry = { seq: ++this.seq, correlationid: r.correlationid, ...toEntry(r) };
    this.kept.push(entry);
    if (this.kept.length > this.limits.kept) this.kept.shift();
    this.broadcast(sseFrame('delivery', entry.seq, entry));
  };

  /** Tells every open feed something that is not a delivery (`topology`: a reload changed it), not kept for catching up. */
  notice(event: string, data: unknown): void {
    this.broadcast(sseFrame(event, undefined, data));
  }

  /**
   * Answers `GET` with an open event stream: what the browser missed (after its `Last-Event-ID`, or
   * `since`: the number a console reconnecting by itself last saw), or the recent backlog, then every
   * delivery as it happens.
   * @throws HttpError 503 when maxClients feeds are open
   */
  open(req: IncomingMessage, res: ServerResponse, since?: string): void {
    if (this.clients.size >= this.limits.maxClients) {
      throw new HttpError(503, `${this.limits.maxClients} console feeds are open already; close a console tab`);
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    res.write(`retry: ${FEED_RETRY_MS}\n\n`);
    this.clients.add(res);
    const forget = () => void this.clients.delete(res);
    req.on('close', forget);
    res.on('close', forget);
    this.write(res, this.catchUp(req.headers['last-event-id'] ?? since));
  }

  /** Ends every feed (the server is closing: an open stream would keep it from closing). */
  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  /** What a (re)connecting browser is sent first. */
  private catchUp(lastEventId: string | string[] | undefined): string {
    const last = typeof lastEventId === 'string' && /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : undefined;
    // A number past ours is from before a restart of herald dev: that browser starts afresh.
    if (last === undefined || last > this.seq) return this.kept.slice(-this.limits.backlog).map((e) => sseFrame('delivery', e.seq, e)).join('');
    const missed = this.kept.filter((e) => e.seq > last);
    const oldest = this.kept[0]?.seq ?? this.seq + 1;
    const lost = Math.max(0, oldest - last - 1);
    return (lost ? sseFrame('gap', undefined, { missed: lost }) : '') + missed.map((e) => sseFrame('delivery', e.seq, e)).join('');
  }

  private broadcast(text: string): void {
    for (const res of this.clients) this.write(res, text);
  }

  private write(res: ServerResponse, text: string): void {
    if (!text) return;
    res.write(text);
    // A client that does not read is dropped rather than buffered without end; it reconnects and catches up.
    if (res.writableLength > this.limits.maxQueuedBytes) {
      this.clients.delete(res);
      res.destroy();
    }
  }
}
