/**
 * The HTTP API of `herald dev`, on node:http: `POST /events`, `GET /healthz` (with the deliveries owed), `GET /traces/<id>`,
 * `GET /dlq`, `POST /dlq/redrive` and `POST /dlq/purge` (each filtered by `?id=&function=&subscription=&type=`; `GET /dlq`
 * pages with `?offset=&limit=`), the topology's webhook routes, `PUT /buckets/<bucket>/<key>` and
 * `PUT|DELETE|GET /tables/<table>/rows/<key>` (the key: the partition key value, then `/` and the sort key value),
 * `POST /schedules/<name>/fire` (runs a schedule now), and the dev console at `/` (console-routes.ts).
 * Every error is `{"error": "<what is wrong>"}` with a 4xx or 5xx status, and a rejected request
 * publishes nothing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookSpec } from '../../contracts';
import type { DeadLetterQuery, Page } from './dead-letters';
import { consoleRoutes } from './console-routes';
import { HttpError, decodePathPart, mediaType, readBody, refuseCrossSite, sendJson } from './http';
import { bodyLimit, readEvents } from './ingest';
import { ReplayGuard } from './replays';
import { RuntimeStoppedError, type LocalRuntime } from './runtime';
import { UnknownScheduleError } from './schedule';
import { MAX_ROW_BYTES, parseRow, rowPath } from './tables';
import { TransportClosedError } from './transport';
import { MAX_WEBHOOK_BYTES, acceptWebhook, type WebhookRequest } from './webhooks';

export interface DevServerOptions {
  /** @default 4000; 0 picks a free port */
  readonly port?: number;
  /** @default 127.0.0.1 */
  readonly host?: string;
  /** Where webhook secrets are read from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Told of each request refused with a 4xx (for the dev log: a sender sees the status, the developer the reason). */
  readonly onRejected?: (rejected: RejectedRequest) => void;
}

/** A request the server refused with a 4xx: nothing was published for it. */
export interface RejectedRequest {
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  readonly status: number;
  readonly error: string;
}

export interface DevServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Tells the open dev consoles that the topology changed (a hot reload restarted the runtime). */
  topologyChanged(): void;
  /** Refuses new requests (503) and closes the listener once open requests are answered. */
  close(): Promise<void>;
}

/** Serves a runtime over HTTP; resolves once listening. */
export async function startDevServer(runtime: LocalRuntime, options: DevServerOptions = {}): Promise<DevServer> {
  const env = options.env ?? process.env;
  let closing = false;
  const replays = new ReplayGuard();
  const postWebhook = (webhook: WebhookSpec, request: WebhookRequest) => acceptWebhook(webhook, request, {
    env, definition: (w) => runtime.registry.get(w), replays, publish: (e) => runtime.publish([e], webhook.to),
  });
  const devConsole = consoleRoutes({ runtime, env, webhook: postWebhook });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = requestUrl(req);
    const { pathname } = url;
    if (closing || !runtime.accepting) {
      drain(req);
      return sendJson(res, 503, { error: 'herald dev is shutting down' }, { connection: 'close' });
    }
    if (await devConsole.handle(req, res, url)) return;
    if (pathname === '/healthz') return only(req, 'GET', () => sendJson(res, 200, { status: 'ok', pending: runtime.pending }));
    if (pathname === '/events') {
      return only(req, 'POST', async () => {
        const type = mediaType(req);
        const envelopes = readEvents(type, req.headers, await readBody(req, bodyLimit(type)), runtime.registry);
        await runtime.publish(envelopes);
        sendJson(res, 202, { ids: envelopes.map((e) => e.id) });
      });
    }
    if (pathname.startsWith('/traces/')) {
      return only(req, 'GET', () => {
        const id = decodePathPart(pathname.slice('/traces/'.length), pathname);
        if (!runtime.traces.has(id)) throw new HttpError(404, `no trace for correlation id "${id}": none was recorded, or it was evicted`);
        sendJson(res, 200, runtime.traces.get(id));
      });
    }
    const fire = /^\/schedules\/([^/]+)\/fire$/.exec(pathname);
    if (fire) {
      return only(req, 'POST', async () => {
        refuseCrossSite(req, 'only the console or a tool may fire a schedule');
        let event;
        try {
          event = await runtime.fire(decodePathPart(fire[1]!, pathname));
        } catch (error) {
          throw error instanceof UnknownScheduleError ? new HttpError(404, error.message) : error;
        }
        sendJson(res, 202, { id: event.id, type: event.type });
      });
    }
    if (pathname === '/dlq') return only(req, 'GET', () => sendJson(res, 200, runtime.deadLetters.list(dlqQuery(url), dlqPage(url))));
    if (pathname === '/dlq/redrive') {
      return only(req, 'POST', async () => {
        refuseCrossSite(req, 'only the console or a tool may redrive dead letters');
        const query = dlqQuery(url);
        const redriven = await runtime.redrive(query);
        if (query.id !== undefined && redriven === 0) throw new HttpError(404, `no dead letter with id "${query.id}"`);
        sendJson(res, 200, { redriven });
      });
    }
    if (pathname === '/dlq/purge') {
      return only(req, 'POST', () => {
        refuseCrossSite(req, 'only the console or a tool may purge dead letters');
        sendJson(res, 200, { purged: runtime.deadLetters.purge(dlqQuery(url)) });
      });
    }
    // Looked up at each request: a hot reload may change the topology behind the runtime.
    const webhook = runtime.topology.webhooks.find((w) => w.path === pathname);
    if (webhook) {
      const accepted = await postWebhook(webhook, { method: req.method ?? '', headers: req.headers, body: await readBody(req, MAX_WEBHOOK_BYTES) });
      return sendJson(res, 202, { ids: [accepted.id], ...(accepted.duplicate ? { duplicate: true } : {}) });
    }
    const upload = /^\/buckets\/([^/]+)\/(.+)$/.exec(pathname);
    if (upload) {
      return only(req, 'PUT', async () => {
        const length = Number(req.headers['content-length']);
        const bucket = decodePathPart(upload[1]!, pathname);
        const key = decodePathPart(upload[2]!, pathname);
        if (!runtime.buckets.has(bucket)) throw new HttpError(404, `no bucket "${bucket}"`);
        runtime.buckets.pathOf(bucket, key);
        if (length > MAX_UPLOAD_BYTES) throw new HttpError(413, `the object is ${length} bytes, over the ${MAX_UPLOAD_BYTES}-byte limit`);
        const contentType = typeof req.headers['content-type'] === 'string' ? req.headers['content-type'] : undefined;
        sendJson(res, 200, await runtime.buckets.put(bucket, key, req, contentType));
      });
    }
    const row = /^\/tables\/([^/]+)\/rows\/(.+)$/.exec(pathname);
    if (row) {
      const { table, key } = rowPath(row[1]!, row[2]!);
      if (req.method === 'PUT') return sendJson(res, 200, await runtime.tables.put(table, key, parseRow(await readBody(req, MAX_ROW_BYTES))));
      if (req.method === 'DELETE') return sendJson(res, 200, await runtime.tables.delete(table, key));
      if (req.method !== 'GET') throw new HttpError(405, `${req.url} takes PUT, DELETE or GET, not ${req.method}`);
      const found = runtime.tables.get(table, key);
      if (!found) throw new HttpError(404, `no row ${key.join('/')} in table "${table}"`);
      return sendJson(res, 200, found);
    }
    throw new HttpError(404, `no route for ${req.method} ${pathname}`);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      drain(req);
      if (error instanceof HttpError) {
        if (error.status < 500) options.onRejected?.({ method: req.method ?? '', path: (req.url ?? '/').split('?')[0]!, status: error.status, error: error.message });
        return sendJson(res, error.status, { error: error.message });
      }
      if (error instanceof RuntimeStoppedError || error instanceof TransportClosedError) return sendJson(res, 503, { error: error.message }, { connection: 'close' });
      sendJson(res, 500, { error: internalError(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4000, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    port,
    topologyChanged: () => devConsole.topologyChanged(),
    close() {
      closing = true;
      devConsole.close();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

/** Largest upload accepted (by content-length up front, by counting otherwise). */
const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

async function only(req: IncomingMessage, method: string, run: () => void | Promise<void>): Promise<void> {
  if (req.method !== method) throw new HttpError(405, `${req.url} takes ${method}, not ${req.method}`);
  await run();
}

/** The request's URL. @throws HttpError 400 for a request target that is not a URL */
function requestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    throw new HttpError(400, 'malformed request target');
  }
}

/**
 * The answer to an unexpected error. A system error's message names a path on this machine, which a
 * client has no business seeing: it is answered by its code and call only.
 */
function internalError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, syscall } = error as NodeJS.ErrnoException;
  if (code !== undefined && syscall !== undefined) return `${error.name}: ${code} in ${syscall}`;
  return `${error.name}: ${error.message}`;
}

/** Reads and drops what is left of a request body, so the answer is not cut off by a reset connection. */
function drain(req: IncomingMessage): void {
  if (!req.readableEnded) req.resume();
}

/** `?id=&function=&subscription=&type=`: which dead letters a `/dlq` request means. */
function dlqQuery(url: URL): DeadLetterQuery {
  const q: Record<string, string> = {};
  for (const name of ['id', 'function', 'subscription', 'type'] as const) {
    const value = url.searchParams.get(name);
    if (value !== null) q[name] = value;
  }
  return q;
}

/** `?offset=&limit=`: a page of `GET /dlq`. @throws HttpError 400 for a value that is not a whole number */
function dlqPage(url: URL): Page {
  const page: { offset?: number; limit?: number } = {};
  for (const name of ['offset', 'limit'] as const) {
    const value = url.searchParams.get(name);
    if (value === null) continue;
    if (!/^\d{1,9}$/.test(value)) throw new HttpError(400, `${name} must be a whole number, not "${value}"`);
    page[name] = Number(value);
  }
  return page;
}
