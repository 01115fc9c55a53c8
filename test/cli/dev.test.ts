import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { durableDeadLetters, openState } from '../../providers/local/sqlite';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { defaultUrl } from '../../cli/client';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CloudEvent, HTTP } from 'cloudevents';
import { on } from '../../contracts';
import { signatureHeaders } from '../../runtime';
import { ManualClock } from '../../providers/local';
import { handler as auditOrders } from '../../functions/audit-orders';
import { handler as chargePayment } from '../../functions/charge-payment';
import { SECRET, SOURCE, devSession, http, order, publish, traceUntil } from './helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const has = (fn: string, outcome = 'ok') => (trace: any[]) => trace.some((e) => e.function === fn && e.outcome === outcome);

describe('herald dev, end to end over HTTP (example app)', function () {
  let dev: Awaited<ReturnType<typeof devSession>>;
  // Backoff base 10 ms, and the jitter pinned just under 1: every delay is its ceiling, minus a hair.
  before(async () => { dev = await devSession({ backoff: { baseMs: 10, random: () => 0.999 } }); });
  after(async () => { await dev.session.stop(1000); });

  it('answers /healthz', async () => {
    expect(await http(`${dev.url}/healthz`)).to.deep.equal({ status: 200, body: { status: 'ok', pending: 0 } });
  });

  it('an OrderPlaced.v1 leads to charge-payment, confirm-order, then send-confirmation and notify-warehouse (the topic\'s fan-out), in /traces/<correlationid>', async () => {
    const r = await publish(dev.url, { type: 'OrderPlaced.v1', correlationid: 'checkout-1', data: order('o-1') });
    expect(r.status).to.equal(202);
    expect(r.body.ids).to.have.length(1);
    const done = (t: any[]) => has('send-confirmation')(t) && has('notify-warehouse')(t) && t.filter((e) => e.function === 'audit-orders').length === 2;
    const trace = await traceUntil(dev.url, 'checkout-1', done);
    const at = (fn: string) => trace.findIndex((e) => e.function === fn && e.outcome === 'ok');
    const [charge, confirm, email, warehouse] = ['charge-payment', 'confirm-order', 'send-confirmation', 'notify-warehouse'].map(at) as [number, number, number, number];
    expect(charge).to.be.at.least(0);
    expect(confirm).to.be.greaterThan(charge);
    expect(email).to.be.greaterThan(confirm);
    expect(warehouse).to.be.greaterThan(confirm);
    expect(trace[charge]).to.include({ type: 'OrderPlaced.v1', id: r.body.ids[0], attempt: 1 });
    expect(trace[confirm]).to.include({ type: 'PaymentReceived.v1', attempt: 1, outcome: 'ok' });
    // One OrderConfirmed, one copy per topic subscriber, each through its own subscription.
    expect(trace[email]).to.include({ type: 'OrderConfirmed.v1', id: trace[warehouse].id, subscription: 'send-confirmation-order-notifications' });
    expect(trace[warehouse]).to.include({ type: 'OrderConfirmed.v1', subscription: 'notify-warehouse-order-notifications' });
    expect(Date.parse(trace[email].at)).to.be.at.least(Date.parse(trace[charge].at));
    for (const e of trace) expect(Object.keys(e)).to.include.members(['function', 'type', 'id', 'attempt', 'outcome', 'durationMs', 'at']);
  });

  it('accepts binary mode (ce-* headers, as the CloudEvents SDK writes it) and batches, answering 202 {ids}', async () => {
    const message = HTTP.binary(new CloudEvent({ type: 'OrderPlaced.v2', source: 'shop.web', subject: 'orders/o-bin', correlationid: 'bin-1', data: order('o-bin', { channel: 'web' }) }));
    const binary = await http(`${dev.url}/events`, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
    expect(binary).to.deep.equal({ status: 202, body: { ids: [message.headers['ce-id']] } });
    await traceUntil(dev.url, 'bin-1', has('send-confirmation'));
    const batch = await http(`${dev.url}/events`, {
      method: 'POST', headers: { 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify([
        { type: 'OrderPlaced.v2', source: SOURCE, correlationid: 'batch-1', data: order('o-b1', { channel: 'web' }) },
        { type: 'OrderPlaced.v2', source: SOURCE, id: 'given-id-1', correlationid: 'batch-1', data: order('o-b2', { channel: 'store' }) },
      ]),
    });
    expect(batch.status).to.equal(202);
    expect(batch.body.ids).to.have.length(2);
    expect(batch.body.ids[1]).to.equal('given-id-1');
    const trace = await traceUntil(dev.url, 'batch-1', (t) => t.filter((e) => e.function === 'send-confirmation').length === 2);
    expect(trace.filter((e) => e.function === 'charge-payment').map((e) => e.id).sort()).to.deep.equal([...batch.body.ids].sort());
  });

  it('an OrderPlaced.v2 and a v1 both reach the v2 consumer, the v1 upcast', async () => {
    await publish(dev.url, { type: 'OrderPlaced.v2', correlationid: 'up-2', data: order('o-up-2', { channel: 'mobile' }) });
    await publish(dev.url, { type: 'OrderPlaced.v1', correlationid: 'up-1', data: order('o-up-1') });
    await traceUntil(dev.url, 'up-2', has('charge-payment'));
    await traceUntil(dev.url, 'up-1', has('charge-payment'));
    const charged = dev.logs.filter((l) => l.message === 'payment charged' && String(l.fields.orderId).startsWith('o-up-'));
    expect(Object.fromEntries(charged.map((l) => [l.fields.orderId, l.fields.channel]))).to.deep.equal({ 'o-up-2': 'mobile', 'o-up-1': 'web' });
  });

  it('filters: an image/png upload event reaches make-thumbnail and index-metadata; application/pdf only index-metadata', async () => {
    const image = (key: string, contentType: string) => ({ type: 'ImageUploaded.v1', data: { bucket: 'media', key, size: 10, contentType } });
    const png = await publish(dev.url, image('uploads/a.png', 'image/png'));
    const pdf = await publish(dev.url, image('uploads/a.pdf', 'application/pdf'));
    const pngTrace = await traceUntil(dev.url, png.body.ids[0], (t) => has('make-thumbnail')(t) && has('index-metadata')(t));
    expect(pngTrace.map((e) => `${e.function}:${e.outcome}`).sort()).to.deep.equal(['index-metadata:ok', 'make-thumbnail:ok']);
    const pdfTrace = await traceUntil(dev.url, pdf.body.ids[0], (t) => has('index-metadata')(t) && has('make-thumbnail', 'filtered')(t));
    expect(pdfTrace.map((e) => `${e.function}:${e.outcome}`).sort()).to.deep.equal(['index-metadata:ok', 'make-thumbnail:filtered']);
  });

  it('a poison order is attempted exactly 5 times with growing delays, lands in /dlq with its reason, and a redrive attempts it again', async () => {
    const r = await publish(dev.url, { type: 'OrderPlaced.v2', data: order('o-poison', { channel: 'web', customerEmail: 'eve@fail.example' }) });
    const id = r.body.ids[0];
    const charges = (t: any[]) => t.filter((e) => e.function === 'charge-payment');
    const trace = charges(await traceUntil(dev.url, id, (t) => charges(t).some((e) => e.outcome === 'dead-letter')));
    expect(trace.map((e) => `${e.attempt}:${e.outcome}`)).to.deep.equal(['1:retry', '2:retry', '3:retry', '4:retry', '5:dead-letter']);
    const delays = trace.slice(0, 4).map((e) => e.delayMs);
    // Ceilings 10, 20, 40, 80 ms (base × 2^(attempt-1)); with the jitter pinned at 0.999 each delay sits just under.
    expect(delays).to.deep.equal([9, 19, 39, 79]);
    for (let i = 0; i < 4; i++) {
      // The next attempt never starts before the announced delay has passed (1 ms of rounding in `at`).
      expect(Date.parse(trace[i + 1].at) - Date.parse(trace[i].at), `gap after attempt ${i + 1}`).to.be.at.least(delays[i] - 1);
    }
    const dlq = await http(`${dev.url}/dlq`);
    const letter = dlq.body.find((l: any) => l.id === id);
    expect(letter).to.include({ id, type: 'OrderPlaced.v2', function: 'charge-payment', attempts: 5 });
    expect(letter.reason).to.equal('gave up after 5 attempts: Error: payment processor unavailable for eve@fail.example');
    expect(letter.event.data.orderId).to.equal('o-poison');
    expect(await http(`${dev.url}/dlq/redrive?id=${id}`, { method: 'POST' })).to.deep.equal({ status: 200, body: { redriven: 1 } });
    expect((await http(`${dev.url}/dlq`)).body.some((l: any) => l.id === id)).to.equal(false);
    const again = charges(await traceUntil(dev.url, id, (t) => charges(t).filter((e) => e.outcome === 'dead-letter').length === 2));
    expect(again.slice(5).map((e) => `${e.attempt}:${e.outcome}`)).to.deep.equal(['1:retry', '2:retry', '3:retry', '4:retry', '5:dead-letter']);
  });

  it('webhook: a valid signature leads to send-confirmation; bad, expired and missing signatures get 401 and publish nothing', async () => {
    const body = JSON.stringify({ orderId: 'o-hook', paymentId: 'pay-1', amount: 42, currency: 'EUR' });
    const url = `${dev.url}/webhooks/payments`;
    const before = dev.records.length;
    const stale = Math.floor(Date.now() / 1000) - 3600;
    const refused = [
      [{}, 'missing herald-signature header'],
      [signatureHeaders('herald', body, 'not-the-secret'), 'signature does not match'],
      [signatureHeaders('herald', body, SECRET, stale), 'timestamp is outside the 300s tolerance'],
    ] as const;
    for (const [headers, reason] of refused) {
      expect(await http(url, { method: 'POST', headers, body })).to.deep.equal({ status: 401, body: { error: reason } });
    }
    await sleep(20);
    expect(dev.records.length).to.equal(before);
    expect(dev.session.runtime.pending).to.equal(0);
    const good = await http(url, { method: 'POST', headers: signatureHeaders('herald', body, SECRET), body });
    expect(good.status).to.equal(202);
    const trace = await traceUntil(dev.url, good.body.ids[0], has('send-confirmation'));
    expect(trace.find((e) => e.function === 'confirm-order')).to.include({ type: 'PaymentReceived.v1', id: good.body.ids[0], outcome: 'ok' });
    expect(trace.find((e) => e.function === 'send-confirmation')).to.include({ type: 'OrderConfirmed.v1', outcome: 'ok' });
  });

  it('PUT /buckets/media/uploads/cat.png stores the file and leads to make-thumbnail', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const r = await http(`${dev.url}/buckets/media/uploads/cat.png`, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: png });
    expect(r.status).to.equal(200);
    expect(r.body).to.include({ bucket: 'media', key: 'uploads/cat.png', size: 8, contentType: 'image/png' });
    const trace = await traceUntil(dev.url, r.body.ids[0], (t) => has('make-thumbnail')(t) && has('index-metadata')(t));
    expect(trace.find((e) => e.function === 'make-thumbnail')).to.include({ type: 'ImageUploaded.v1', outcome: 'ok' });
    const dir = (dev.session.runtime.buckets as unknown as { options: { dir: string } }).options.dir;
    expect(readFileSync(path.join(dir, 'media', 'uploads', 'cat.png'))).to.deep.equal(png);
  });

  it('PUT and DELETE /tables/customers/rows/<customerId> lead to sync-customer with CustomerChanged.v1, insert then remove', async () => {
    const url = `${dev.url}/tables/customers/rows/c-42`;
    const put = await http(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ada@example.com', name: 'Ada' }) });
    expect(put).to.deep.include({ status: 200 });
    expect(put.body).to.deep.include({ table: 'customers', op: 'insert', keys: { customerId: 'c-42' } });
    const inserted = await traceUntil(dev.url, put.body.ids[0], has('sync-customer'));
    expect(inserted.map((e) => `${e.function}:${e.type}:${e.outcome}`)).to.deep.equal(['sync-customer:CustomerChanged.v1:ok']);
    const removed = await http(url, { method: 'DELETE' });
    await traceUntil(dev.url, removed.body.ids[0], has('sync-customer'));
    expect(dev.logs.filter((l) => l.fields.customerId === 'c-42').map((l) => l.message)).to.deep.equal(['customer subscribed', 'customer unsubscribed']);
    const before = dev.records.length;
    const bad = await http(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'not an address' }) });
    expect(bad.status).to.equal(400);
    expect(bad.body.error).to.match(/CustomerChanged\.v1 data is invalid: newImage\.email/);
    await sleep(10);
    expect(dev.records.length).to.equal(before);
  });

  describe('bad input gets its status code and publishes nothing', () => {
    const STRUCTURED = { 'content-type': 'application/cloudevents+json' };
    const good = { type: 'OrderPlaced.v2', source: SOURCE, data: order('o-bad', { channel: 'web' }) };
    const cases: Array<[string, RequestInit, number, RegExp]> = [
      ['malformed JSON', { headers: STRUCTURED, body: '{"type": "OrderPlaced.v2", ' }, 400, /^malformed JSON/],
      ['schema-invalid data', { headers: STRUCTURED, body: JSON.stringify({ type: 'OrderPlaced.v2', source: SOURCE, data: { orderId: 'x' } }) }, 400, /^OrderPlaced\.v2 data is invalid: /],
      ['an unknown type', { headers: STRUCTURED, body: JSON.stringify({ type: 'OrderShipped.v1', source: SOURCE, data: {} }) }, 400, /^unknown event type "OrderShipped\.v1"/],
      ['no source', { headers: STRUCTURED, body: JSON.stringify({ type: 'OrderPlaced.v2', data: order('o-bad', { channel: 'web' }) }) }, 400, /^attribute "source" is required/],
      ['an event over the size limit', { headers: STRUCTURED, body: JSON.stringify({ ...good, data: { ...good.data, items: [{ sku: 'x'.repeat(270_000), quantity: 1, unitPrice: 1 }] } }) }, 413, /over the 262144-byte limit/],
      ['an unsupported content type', { headers: { 'content-type': 'text/plain' }, body: 'hello' }, 415, /^unsupported content type "text\/plain"/],
      ['a batch with one bad event among good ones', {
        headers: { 'content-type': 'application/cloudevents-batch+json' },
        body: JSON.stringify([good, { ...good, data: { ...good.data, currency: 'euro' } }, good]),
      }, 400, /^event\[1\]: OrderPlaced\.v2 data is invalid: currency: /],
    ];
    for (const [what, init, status, error] of cases) {
      it(`${status} for ${what}`, async () => {
        const before = dev.records.length;
        const r = await http(`${dev.url}/events`, { method: 'POST', ...init });
        expect(r.status).to.equal(status);
        expect(Object.keys(r.body)).to.deep.equal(['error']);
        expect(r.body.error).to.match(error);
        await sleep(10);
        expect(dev.records.length, 'deliveries after a refused request').to.equal(before);
        expect(dev.session.runtime.pending).to.equal(0);
      });
    }
  });
});

describe('herald dev, end to end: ordering, schedules and shutdown', () => {
  it('keeps order per key on the order-audit stream under concurrent publishing', async () => {
    const running = new Map<string, number>();
    let overlapped = 0;
    const seen: Array<{ orderId: string; batch: number; seq: number; start: number; end: number }> = [];
    // Earlier events of a key take longer, so anything but one-at-a-time per key would reorder them.
    const audit = on([...auditOrders.events], async (event, ctx) => {
      const { orderId } = event.data as { orderId: string };
      running.set(orderId, (running.get(orderId) ?? 0) + 1);
      if (running.get(orderId)! > 1) overlapped++;
      const start = performance.now();
      const isOrder = event.type.startsWith('OrderPlaced');
      const amount = (event.data as { amount: number }).amount;
      await sleep(isOrder ? 8 - (amount % 10) * 3 : 1);
      await auditOrders.handle(event as never, ctx);
      running.set(orderId, running.get(orderId)! - 1);
      if (isOrder) seen.push({ orderId, batch: Math.floor(amount / 10), seq: amount % 10, start, end: performance.now() });
    });
    const dev = await devSession({ handlers: { 'audit-orders': audit } });
    try {
      const keys = ['a', 'b', 'c'];
      const batch = (b: number) => keys.flatMap((k) => [0, 1, 2].map((seq) => ({ type: 'OrderPlaced.v2', source: SOURCE, data: order(`o-${k}`, { channel: 'web', amount: b * 10 + seq }) })));
      const answers = await Promise.all([1, 2, 3, 4].map((b) => http(`${dev.url}/events`, {
        method: 'POST', headers: { 'content-type': 'application/cloudevents-batch+json' }, body: JSON.stringify(batch(b)),
      })));
      expect(answers.map((a) => a.status)).to.deep.equal([202, 202, 202, 202]);
      await dev.session.runtime.idle();
      expect(seen).to.have.length(36);
      expect(overlapped, 'deliveries of one key that overlapped').to.equal(0);
      for (const k of keys) {
        for (const b of [1, 2, 3, 4]) {
          const run = seen.filter((s) => s.orderId === `o-${k}` && s.batch === b);
          expect(run.map((s) => s.seq), `o-${k} batch ${b}`).to.deep.equal([0, 1, 2]);
        }
      }
    } finally {
      await dev.session.stop(1000);
    }
  });

  it('the nightly schedule fires on an injected clock', async () => {
    const clock = new ManualClock('2026-05-01T12:00:00Z');
    const dev = await devSession({ clock, schedules: true });
    try {
      clock.set('2026-05-02T01:59:00Z');
      await dev.session.runtime.idle();
      expect(dev.records.filter((r) => r.function === 'build-report')).to.have.length(0);
      clock.set('2026-05-02T02:00:00Z');
      const record = await until(() => dev.records.find((r) => r.function === 'build-report'));
      expect(record).to.include({ type: 'ReportRequested.v1', outcome: 'ok', attempt: 1 });
      const trace = (await http(`${dev.url}/traces/${record.id}`)).body;
      expect(trace.map((e: any) => e.function)).to.deep.equal(['build-report']);
      expect(dev.logs.find((l) => l.message === 'report built')!.fields.report).to.equal('reports/2026-05-02.csv');
    } finally {
      await dev.session.stop(1000);
    }
  });

  it('shutdown with work in flight finishes it, refuses new requests, and loses nothing accepted', async () => {
    const slowCharge = on([...chargePayment.events], async (event, ctx) => {
      await sleep(100);
      await chargePayment.handle(event as never, ctx);
    });
    const dev = await devSession({ handlers: { 'charge-payment': slowCharge } });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await publish(dev.url, { type: 'OrderPlaced.v2', data: order(`o-stop-${i}`, { channel: 'web' }) })).body.ids[0]);
    expect(dev.session.runtime.pending).to.be.greaterThan(0);
    const stopping = dev.session.stop(5000);
    const refused = await http(`${dev.url}/events`, {
      method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify({ type: 'OrderPlaced.v2', source: SOURCE, data: order('late', { channel: 'web' }) }),
    }).catch((error: Error) => ({ status: 0, body: error.message }));
    expect(refused.status === 503 || refused.status === 0, `late request answered ${refused.status}`).to.equal(true);
    const report = await stopping;
    expect(report).to.deep.equal({ timedOut: false, undelivered: [] });
    const charged = dev.records.filter((r) => r.function === 'charge-payment' && r.outcome === 'ok').map((r) => r.id);
    expect(charged.sort()).to.deep.equal([...ids].sort());
    expect(dev.records.filter((r) => r.function === 'send-confirmation' && r.outcome === 'ok')).to.have.length(5);
  });
});

async function until<T>(find: () => T | undefined, ms = 2000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(5);
  }
}

describe('herald dev as a process (what npm start runs)', function () {
  this.timeout(30_000);

  it('prints the topology and URLs, one line per delivery, and on SIGTERM finishes in-flight retries before exiting', async () => {
    const repo = path.resolve(__dirname, '../..');
    const cwd = mkdtempSync(path.join(tmpdir(), 'herald-dev-process-'));
    const state = path.join(cwd, 'state.db');
    const child = spawn(process.execPath, ['--import', pathToFileURL(path.join(repo, 'node_modules/tsx/dist/loader.mjs')).href, path.join(repo, 'cli/main.ts'), 'dev', '--app', path.join(repo, 'app/topology.ts'), '--state', state], {
      cwd, env: { ...process.env, PORT: '0', HERALD_BACKOFF_BASE_MS: '30', HERALD_GRACE_MS: '10000', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c; });
    child.stderr.on('data', (c: Buffer) => { stderr += c; });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await until(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1], 20_000);
      // It announces where it listens, so `herald publish` and `herald dlq` find it without --url or PORT.
      const announced = JSON.parse(readFileSync(path.join(cwd, '.herald', 'dev.json'), 'utf8')) as { url: string; pid: number };
      expect(announced).to.include({ url, pid: child.pid });
      expect(defaultUrl({}, cwd)).to.equal(url);
      const unsigned = await fetch(`${url}/webhooks/payments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(unsigned.status).to.equal(401);
      const good = await publish(url, { type: 'OrderPlaced.v2', data: order('o-proc', { channel: 'web' }) });
      const poison = await publish(url, { type: 'OrderPlaced.v2', data: order('o-proc-poison', { channel: 'web', customerEmail: 'x@fail.example' }) });
      expect([good.status, poison.status]).to.deep.equal([202, 202]);
      child.kill('SIGTERM');
      // Again once the first was handled, as when a parent forwards the Ctrl-C the terminal also sent:
      // that repeat must not cut the grace period short.
      await until(() => (stdout.includes('SIGTERM: not accepting') ? true : undefined), 5000);
      child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(15_000).then(() => 'hung')]);
      expect(code, `stdout:\n${stdout}\nstderr:\n${stderr}`).to.equal(0);
      expect(stdout).to.match(/^herald dev · shop$/m);
      expect(stdout).to.match(/^make-thumbnail\s+bus shop\s+ImageUploaded\.v1\s+contenttype prefix image\/\s+direct\s+3$/m);
      expect(stdout).to.contain(`POST ${url}/events`);
      const line = (fn: string, id: string, attempt: number, outcome: string) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  ${fn} +\\S+ +${id}  #${attempt}  ${outcome} +\\d+\\.\\d ms`, 'm');
      expect(stdout).to.match(line('charge-payment', good.body.ids[0], 1, 'ok'));
      expect(stdout).to.match(/^\S+ {2}send-confirmation +OrderConfirmed\.v1 .* ok /m);
      expect(stdout).to.match(/^\S+ {2}notify-warehouse +OrderConfirmed\.v1 .* ok /m);
      expect(stdout).to.match(/^order-notifications\s+topic\s+fan-out, a queue per subscriber$/m);
      expect(stdout).to.match(/^customers\s+table\s+keyed by customerId; row changes → CustomerChanged\.v1 on bus shop$/m);
      expect(stdout).to.match(/^send-confirmation\s+topic order-notifications\s+OrderConfirmed\.v1\s+-\s+own queue\b/m);
      expect(stdout).to.match(/^sync-customer\s+bus shop\s+CustomerChanged\.v1\s+-\s+direct\b/m);
      expect(stdout).to.contain(`PUT  ${url}/tables/customers/rows/<customerId>`);
      expect(stdout).to.contain(`state in ${state}: every accepted event is kept until handled`);
      expect(stdout).to.match(/^limits: events ≤ 256 KB \(batches ≤ 4 MB\) · dead letters ≤ 10000 \/ 64 MB · traces ≤ 10000 ids × 1000 \/ 32 MB, 60 min · dedupe ≤ 100000 ids per function, 24 h$/m);
      expect(stdout).to.match(/^SIGTERM: not accepting new events; finishing \d+ owed \(up to 10000 ms; press Ctrl-C again \(after 1 s\) to cut the grace period short\)$/m);
      expect(stdout).to.match(/^\d\d:\d\d:\d\d\.\d{3} {2}401 POST \/webhooks\/payments {2}refused, nothing published: /m);
      expect(existsSync(path.join(cwd, '.herald', 'dev.json')), 'the announcement is removed at exit').to.equal(false);
      // The poison order was retrying when the signal came; its attempts went on until it was dead-lettered.
      expect(stdout).to.match(line('charge-payment', poison.body.ids[0], 5, 'dead-letter'));
      expect(stdout.indexOf('SIGTERM:')).to.be.below(stdout.search(line('charge-payment', poison.body.ids[0], 5, 'dead-letter')));
      expect(stdout).to.match(/^stopped: every accepted event was settled \(handled, or dead-lettered\)$/m);
      expect(stdout).to.contain(`1 dead letter kept in ${state}`);
      // Kept in the state file: what a restart finds, with its subscription, attempts and reason.
      const db = openState(state);
      try {
        const letters = durableDeadLetters(db).list();
        expect(letters.map((l) => [l.id, l.subscription, l.attempts])).to.deep.equal([[poison.body.ids[0], 'charge-payment-shop', 5]]);
        expect(letters[0]!.reason).to.match(/^gave up after 5 attempts/);
      } finally {
        db.close();
      }
      expect(stdout).to.not.contain('\u001b[');
    } finally {
      child.kill('SIGKILL');
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
