import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import { z } from 'zod';
import { defineEvent, hmacSha256, on, topology } from '../../../contracts';
import type { AddressInfo } from 'node:net';
import { DeliveryFeed, FEED_RETRY_MS, sseFrame, type DeliveryRecord, type FeedLimits } from '../../../providers/local';
import { devSession, http, order, publish, traceUntil } from '../../cli/helpers';

/** An open event stream: its text so far, read until `done` holds. */
async function stream(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const reader = res.body!.getReader();
  let text = '';
  let ended = false;
  return {
    res,
    get text() { return text; },
    get ended() { return ended; },
    async until(done: (text: string) => boolean, ms = 3000): Promise<string> {
      const deadline = Date.now() + ms;
      while (!done(text)) {
        if (ended) throw new Error(`the stream ended before it got there:\n${text}`);
        if (Date.now() > deadline) throw new Error(`the stream never got there:\n${text}`);
        const chunk = await Promise.race([reader.read(), new Promise<undefined>((r) => setTimeout(() => r(undefined), deadline - Date.now()))]);
        if (!chunk) continue;
        if (chunk.done) ended = true;
        else text += new TextDecoder().decode(chunk.value);
      }
      return text;
    },
    close: () => abort.abort(),
  };
}

/** The `delivery` events of a stream's text, parsed, with the raw frame each came in. */
function deliveries(text: string): Array<{ id: number; data: any; frame: string }> {
  return text.split('\n\n').filter((f) => f.startsWith('event: delivery\n')).map((frame) => {
    const lines = frame.split('\n');
    return { id: Number(lines[1]!.slice('id: '.length)), data: JSON.parse(lines[2]!.slice('data: '.length)), frame };
  });
}

describe('dev console routes (console-routes.ts)', function () {
  let dev: Awaited<ReturnType<typeof devSession>>;
  before(async () => { dev = await devSession({ backoff: { baseMs: 1 } }); });
  after(async () => { await dev.session.stop(1000); });

  it('serves the page, its module and its style, the page only with a policy that runs nothing but its own script', async () => {
    const page = await fetch(`${dev.url}/`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).to.contain("script-src 'self'").and.contain("default-src 'none'");
    const html = await page.text();
    expect(html).to.contain('<script type="module" src="/console/app.js"></script>');
    const js = await fetch(`${dev.url}/console/app.js`);
    expect([js.status, js.headers.get('content-type')]).to.deep.equal([200, 'text/javascript; charset=utf-8']);
    expect(await js.text()).to.contain("new EventSource(`/console/api/feed");
    const css = await fetch(`${dev.url}/console/console.css`);
    expect([css.status, css.headers.get('content-type')]).to.deep.equal([200, 'text/css; charset=utf-8']);
    expect((await fetch(`${dev.url}/console`)).status).to.equal(200);
  });

  it('answers a path it does not serve with 404, and a wrong method with 405, as JSON errors', async () => {
    expect(await http(`${dev.url}/console/../package.json`)).to.deep.include({ status: 404 });
    expect(await http(`${dev.url}/console/%2e%2e%2fpackage.json`)).to.deep.equal({ status: 404, body: { error: 'no console route /console/%2e%2e%2fpackage.json' } });
    expect(await http(`${dev.url}/console/api/nothing`)).to.deep.equal({ status: 404, body: { error: 'no console route /console/api/nothing' } });
    expect(await http(`${dev.url}/`, { method: 'POST' })).to.deep.equal({ status: 405, body: { error: '/ takes GET, not POST' } });
    expect(await http(`${dev.url}/console/api/webhooks/payments`)).to.deep.equal({ status: 405, body: { error: '/console/api/webhooks/payments takes POST, not GET' } });
    // The API it sits next to is unchanged.
    expect((await http(`${dev.url}/healthz`)).status).to.equal(200);
  });

  it('gives the topology as the console draws it', async () => {
    const { status, body } = await http(`${dev.url}/console/api/topology`);
    expect(status).to.equal(200);
    expect(Object.keys(body)).to.deep.equal(['name', 'nodes', 'edges', 'subscriptions', 'functions', 'events', 'schedules', 'webhooks']);
    expect(body.name).to.equal('shop');
    expect(body.webhooks[0]).to.include({ name: 'payments', secretSet: true });
  });

  it('streams each delivery as one server-sent event: its number, then one JSON line', async () => {
    const feed = await stream(`${dev.url}/console/api/feed`);
    try {
      expect(feed.res.headers.get('content-type')).to.equal('text/event-stream; charset=utf-8');
      expect(feed.res.headers.get('cache-control')).to.equal('no-store');
      const { body } = await publish(dev.url, { type: 'OrderPlaced.v2', data: order('sse-1', { channel: 'web' }) });
      const id = body.ids[0];
      const text = await feed.until((t) => deliveries(t).some((d) => d.data.correlationid === id && d.data.function === 'send-confirmation'));
      expect(text.startsWith(`retry: ${FEED_RETRY_MS}\n\n`)).to.equal(true);
      const mine = deliveries(text).filter((d) => d.data.correlationid === id);
      for (const d of mine) expect(d.data.seq).to.equal(d.id);
      const confirmation = mine.find((d) => d.data.function === 'send-confirmation')!.data;
      expect(confirmation).to.include({ type: 'OrderConfirmed.v1', outcome: 'ok', attempt: 1, correlationid: id });
      expect(confirmation.causationid, 'caused by the PaymentReceived').to.equal(mine.find((d) => d.data.type === 'PaymentReceived.v1')!.data.id);
      expect(Object.keys(mine.find((d) => d.data.function === 'charge-payment')!.data), 'an event from outside has no causation id').to.not.include('causationid');
    } finally {
      feed.close();
    }
  });

  it('sends a browser that reconnects (Last-Event-ID, or ?since=) only what it missed', async () => {
    const first = await stream(`${dev.url}/console/api/feed`);
    const { body } = await publish(dev.url, { type: 'OrderPlaced.v2', data: order('sse-2', { channel: 'web' }) });
    await traceUntil(dev.url, body.ids[0], (t) => t.length >= 6);
    const seen = deliveries(await first.until((t) => deliveries(t).some((d) => d.data.correlationid === body.ids[0] && d.data.function === 'charge-payment')));
    first.close();
    const last = seen.find((d) => d.data.correlationid === body.ids[0] && d.data.function === 'charge-payment')!.id;
    const all = dev.records.length;
    const resumes: Array<Record<string, string>> = [{ 'last-event-id': String(last) }, {}];
    for (const headers of resumes) {
      const again = await stream(`${dev.url}/console/api/feed${'last-event-id' in headers ? '' : `?since=${last}`}`, headers);
      try {
        const text = await again.until((t) => deliveries(t).length > 0 && deliveries(t).at(-1)!.data.seq === all);
        expect(deliveries(text).map((d) => d.id)).to.deep.equal(Array.from({ length: all - last }, (_, i) => last + 1 + i));
      } finally {
        again.close();
      }
    }
  });

  it('signs a test webhook with the webhook\'s own secret and sends it through the webhook\'s verification', async () => {
    const { status, body } = await http(`${dev.url}/console/api/webhooks/payments`, { method: 'POST' });
    expect(status).to.equal(202);
    expect(body).to.include({ duplicate: false, signature: 'Herald-Signature' });
    await traceUntil(dev.url, body.id, (t) => t.some((e: any) => e.function === 'confirm-order' && e.outcome === 'ok'));
    const given = await http(`${dev.url}/console/api/webhooks/payments`, {
      method: 'POST', body: JSON.stringify({ orderId: 'o-given', paymentId: 'p-1', amount: 3, currency: 'EUR' }),
    });
    expect(given.status).to.equal(202);
    expect(dev.session.runtime.traces.get(given.body.id)[0]).to.include({ type: 'PaymentReceived.v1' });
    expect(await http(`${dev.url}/console/api/webhooks/payments`, { method: 'POST', body: '{"orderId":""}' })).to.deep.include({ status: 400 });
    expect(await http(`${dev.url}/console/api/webhooks/nope`, { method: 'POST' })).to.deep.equal({ status: 404, body: { error: 'no webhook "nope"; webhooks: payments' } });
    // Sent by the console's own page: accepted.
    expect((await http(`${dev.url}/console/api/webhooks/payments`, { method: 'POST', headers: { origin: dev.url } })).status).to.equal(202);
  });

  it('refuses a test webhook a page of another site asks for, and publishes nothing', async () => {
    const before = dev.records.length;
    const { status, body } = await http(`${dev.url}/console/api/webhooks/payments`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'text/plain' } });
    expect(status).to.equal(403);
    expect(body.error).to.equal('refused a request from a page at https://evil.example: only the console itself may send test webhooks');
    await dev.session.runtime.idle();
    expect(dev.records.length).to.equal(before);
  });

  it('refuses a test webhook when the secret is unset, and says which variable to set', async () => {
    const bare = await devSession({ env: {} });
    try {
      expect((await http(`${bare.url}/console/api/topology`)).body.webhooks[0].secretSet).to.equal(false);
      const { status, body } = await http(`${bare.url}/console/api/webhooks/payments`, { method: 'POST' });
      expect(status).to.equal(409);
      expect(body.error).to.match(/^PAYMENTS_WEBHOOK_SECRET is not set in herald dev's environment/);
      expect(bare.records).to.deep.equal([]);
    } finally {
      await bare.session.stop(1000);
    }
  });

  it('asks for the body of a test webhook whose event has no example, and keeps the feed to GET', async () => {
    const Picky = defineEvent({ type: 'Picky', version: 1, source: 'test', schema: z.object({ code: z.string().refine((c) => c === 'only-this') }) });
    const t = topology('picky');
    const bus = t.bus('b');
    t.webhook('hook', { path: '/webhooks/hook', verify: hmacSha256('HOOK_SECRET'), emits: Picky, to: bus });
    t.fn('f', { handler: 'x.ts' }).subscribe(bus, { events: [Picky] });
    const picky = await devSession({ topology: t.build(), env: { HOOK_SECRET: 'k' }, handlers: { f: on(Picky, async () => {}) } });
    try {
      const { status, body } = await http(`${picky.url}/console/api/webhooks/hook`, { method: 'POST' });
      expect(status).to.equal(400);
      expect(body.error).to.match(/^no valid example of Picky\.v1 could be made \(.*\); send the webhook's JSON body yourself$/);
      expect((await http(`${picky.url}/console/api/webhooks/hook`, { method: 'POST', body: '{"code":"only-this"}' })).status).to.equal(202);
      expect(await http(`${picky.url}/console/api/feed`, { method: 'HEAD' })).to.deep.equal({ status: 405, body: undefined });
    } finally {
      await picky.session.stop(1000);
    }
  });

  it('ends open feeds when the server closes, so a stop does not wait on them', async () => {
    const other = await devSession();
    const feed = await stream(`${other.url}/console/api/feed`);
    await feed.until((t) => t.startsWith('retry:'));
    const stopped = other.session.stop(1000).then(() => 'stopped');
    expect(await Promise.race([stopped, new Promise((r) => setTimeout(() => r('hung'), 2000))])).to.equal('stopped');
    await feed.until(() => feed.ended);
  });
});

describe('the console feed (console-feed.ts)', () => {
  const record = (n: number, extra: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
    function: 'f', subscription: 'f-b', type: 'Tick.v1', id: `e${n}`, correlationid: 'c', attempt: 1, outcome: 'ok', durationMs: 1, at: Date.parse('2026-01-01T00:00:00Z') + n, ...extra,
  });
  let server: Server | undefined;
  let feed: DeliveryFeed | undefined;
  const serve = async (limits: FeedLimits) => {
    const f = new DeliveryFeed(limits);
    feed = f;
    server = createServer((req, res) => {
      try {
        f.open(req, res, new URL(req.url!, 'http://x').searchParams.get('since') ?? undefined);
      } catch (error) {
        res.writeHead(503).end((error as Error).message);
      }
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return { feed: f, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
  };
  afterEach(async () => {
    feed?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    server = undefined;
  });

  it('frames one event as event, id and a single data line, whatever line breaks the data holds', () => {
    const frame = sseFrame('delivery', 7, { reason: 'Error: one\ntwo\r\nthree', html: '<b>' });
    expect(frame).to.equal('event: delivery\nid: 7\ndata: {"reason":"Error: one\\ntwo\\r\\nthree","html":"<b>"}\n\n');
    expect(sseFrame('gap', undefined, { missed: 2 })).to.equal('event: gap\ndata: {"missed":2}\n\n');
  });

  it('opens on the recent backlog only, and tells a browser back from too long away how many it missed', async () => {
    const { feed: f, url } = await serve({ kept: 5, backlog: 2 });
    for (let n = 1; n <= 8; n++) f.record(record(n, n === 8 ? { outcome: 'retry', delayMs: 5, reason: 'Error: a\nb' } : {}));
    const fresh = await stream(url);
    expect(deliveries(await fresh.until((t) => deliveries(t).length === 2)).map((d) => d.id)).to.deep.equal([7, 8]);
    expect(deliveries(fresh.text)[1]!.data).to.include({ reason: 'Error: a\nb', delayMs: 5, correlationid: 'c' });
    fresh.close();
    const away = await stream(url, { 'last-event-id': '1' });
    const text = await away.until((t) => deliveries(t).length === 5);
    expect(text).to.contain('event: gap\ndata: {"missed":2}\n\n');
    expect(deliveries(text).map((d) => d.id)).to.deep.equal([4, 5, 6, 7, 8]);
    away.close();
    // A number from before a restart (past ours) starts afresh.
    const restarted = await stream(url, { 'last-event-id': '99' });
    expect(deliveries(await restarted.until((t) => deliveries(t).length === 2)).map((d) => d.id)).to.deep.equal([7, 8]);
    restarted.close();
  });

  it('serves at most maxClients feeds at once', async () => {
    const { feed: f, url } = await serve({ maxClients: 1 });
    const one = await stream(url);
    await one.until((t) => t.startsWith('retry:'));
    const two = await fetch(url);
    expect(two.status).to.equal(503);
    expect(await two.text()).to.equal('1 console feeds are open already; close a console tab');
    expect(f.size).to.equal(1);
    one.close();
  });

  it('drops a client that does not read rather than queue for it without end', async () => {
    const { feed: f, url } = await serve({ maxQueuedBytes: 64 * 1024 });
    const slow = await stream(url);
    await slow.until((t) => t.startsWith('retry:'));
    const big = 'x'.repeat(8 * 1024);
    // The client reads nothing more: the socket's buffers fill, then the server's queue passes the bound.
    for (let n = 0; n < 2000 && f.size; n++) f.record(record(n, { reason: big }));
    expect(f.size).to.equal(0);
    slow.close();
  });
});
