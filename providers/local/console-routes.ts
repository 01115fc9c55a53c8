/**
 * The dev console's routes on the `herald dev` server: the page and its two static files
 * (`providers/local/console/`: plain HTML, one ES module, CSS; no build step), the topology as the console
 * draws it, the live delivery feed (server-sent events), and a test webhook the server signs with the
 * webhook's own secret. Everything else the console does goes through the server's existing API:
 * `POST /events`, `GET /traces/<id>`, `/dlq`, `POST /schedules/<name>/fire`.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as path from 'node:path';
import { SchemaValidationError, type EventDefinition, type WebhookSpec } from '../../contracts';
import { signatureHeaders } from '../../runtime';
import { exampleData } from '../../runtime/examples';
import { DeliveryFeed, type FeedLimits } from './console-feed';
import { consoleModel } from './console-model';
import { decodePathPart, HttpError, readBody, refuseCrossSite, sendJson } from './http';
import type { LocalRuntime } from './runtime';
import { MAX_WEBHOOK_BYTES, type WebhookAccepted, type WebhookRequest } from './webhooks';

/** The console's files, by the path they are served at: nothing else is read from disk. */
const FILES: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/console/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
};
const DIR = path.join(__dirname, 'console');

/**
 * The page runs only its own script and style and talks only to this server: event data is user input,
 * and even a rendering slip could not run a script it carried.
 */
const PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface ConsoleRoutesOptions {
  readonly runtime: LocalRuntime;
  /** Where webhook secrets are read from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The server's own webhook handling (verification, replays, publishing): a test webhook goes through it like any other. */
  readonly webhook: (spec: WebhookSpec, request: WebhookRequest) => Promise<WebhookAccepted>;
  readonly feed?: FeedLimits;
}

export interface ConsoleRoutes {
  /** Answers a console request; false (nothing answered) for a path that is not the console's. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** Tells the open consoles that the runtime's topology changed (a hot reload restarted it): they draw it again. */
  topologyChanged(): void;
  /** Ends the open feeds and stops listening to the runtime. */
  close(): void;
}

export function consoleRoutes(options: ConsoleRoutesOptions): ConsoleRoutes {
  const { runtime, env } = options;
  const feed = new DeliveryFeed(options.feed);
  const unsubscribe = runtime.onDelivery(feed.record);

  const get = (req: IncomingMessage, run: () => void | Promise<void>) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `${req.url} takes GET, not ${req.method}`);
    return run();
  };

  return {
    async handle(req, res, url) {
      const { pathname } = url;
      if (pathname !== '/' && pathname !== '/console' && !pathname.startsWith('/console/')) return false;
      const file = FILES[pathname === '/console' ? '/' : pathname];
      if (file) {
        await get(req, async () => {
          const body = await readFile(path.join(DIR, file.file));
          res.writeHead(200, {
            'content-type': file.type, 'content-length': body.length, 'cache-control': 'no-cache',
            'x-content-type-options': 'nosniff', 'content-security-policy': PAGE_POLICY, 'referrer-policy': 'no-referrer',
          });
          res.end(req.method === 'HEAD' ? undefined : body);
        });
        return true;
      }
      if (pathname === '/console/api/topology') {
        await get(req, () => sendJson(res, 200, consoleModel({
          topology: runtime.topology, registry: runtime.registry, delivery: runtime.delivery, env,
          nextFire: (name) => runtime.scheduler.nextFire(name),
        })));
        return true;
      }
      if (pathname === '/console/api/feed') {
        // GET only: a HEAD would hold a connection open that never carries anything.
        if (req.method !== 'GET') throw new HttpError(405, `${pathname} takes GET, not ${req.method}`);
        feed.open(req, res, url.searchParams.get('since') ?? undefined);
        return true;
      }
      const hook = /^\/console\/api\/webhooks\/([^/]+)$/.exec(pathname);
      if (hook) {
        if (req.method !== 'POST') throw new HttpError(405, `${pathname} takes POST, not ${req.method}`);
        refuseCrossSite(req, 'only the console itself may send test webhooks');
        const name = decodePathPart(hook[1]!, pathname);
        // Looked up at each request: a hot reload may change the topology behind the runtime.
        const { webhooks } = runtime.topology;
        const spec = webhooks.find((w) => w.name === name);
        if (!spec) throw new HttpError(404, `no webhook "${name}"; webhooks: ${webhooks.map((w) => w.name).join(', ') || 'none'}`);
        const given = await readBody(req, MAX_WEBHOOK_BYTES);
        sendJson(res, 202, await testWebhook(spec, given, env, runtime, options.webhook));
        return true;
      }
      throw new HttpError(404, `no console route ${pathname}`);
    },
    topologyChanged() {
      feed.notice('topology', { name: runtime.topology.name });
    },
    close() {
      unsubscribe();
      feed.close();
    },
  };
}

/**
 * Signs a body (the given one, else an example of the event the webhook emits) with the webhook's secret
 * and hands it to the server's webhook handling, as the sender the webhook is for would.
 * @throws HttpError 409 when the secret is not set; whatever the webhook handling throws (400 for data its schema refuses)
 */
async function testWebhook(
  spec: WebhookSpec, given: Buffer, env: ConsoleRoutesOptions['env'], runtime: LocalRuntime, accept: ConsoleRoutesOptions['webhook'],
): Promise<WebhookAccepted & { readonly signature: string }> {
  const secret = env[spec.verify.secretEnv];
  if (!secret) {
    throw new HttpError(409, `${spec.verify.secretEnv} is not set in herald dev's environment, so a test webhook cannot be signed; set it and restart herald dev`);
  }
  const body = given.length ? given : Buffer.from(JSON.stringify(example(runtime.registry.get(spec.emits))));
  const signed = signatureHeaders(spec.verify.scheme, body, secret);
  const headers = Object.fromEntries([['content-type', 'application/json'], ...Object.entries(signed).map(([k, v]) => [k.toLowerCase(), v])]);
  const accepted = await accept(spec, { method: spec.method, headers, body });
  return { ...accepted, signature: Object.keys(signed)[0]! };
}

/** @throws HttpError 400 when no valid example can be made: the request must then carry the data */
function example(definition: EventDefinition<any>): unknown {
  try {
    return exampleData(definition);
  } catch (error) {
    if (!(error instanceof SchemaValidationError)) throw error;
    throw new HttpError(400, `no valid example of ${definition.wireType} could be made (${error.message}); send the webhook's JSON body yourself`, { cause: error });
  }
}
