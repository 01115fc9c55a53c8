import { expect } from 'chai';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { hmacSha256, on, topology } from '../../../contracts';
import { signatureHeaders, silentLogger } from '../../../runtime';
import { createLocalRuntime, startDevServer, type DevServer, type LocalRuntime } from '../../../providers/local';
import { RowChanged, Tick, Tock, Uploaded, memoryWith, sleep, until } from './fixtures';

function app() {
  const t = topology('t');
  const bus = t.bus('b');
  t.fn('f', { handler: 'x.ts' }).subscribe(bus, { events: [Tick] });
  t.fn('g', { handler: 'x.ts' }).subscribe(bus, { events: [Uploaded, Tock, RowChanged] });
  t.webhook('hook', { path: '/webhooks/hook', verify: hmacSha256('HOOK_SECRET'), emits: Tock, to: bus });
  t.bucket('files', { onUpload: { prefix: 'in/', emits: Uploaded, to: bus } });
  t.table('people', { partitionKey: 'id', onChange: { emits: RowChanged, to: bus } });
  return t.build();
}

describe('local dev server (HTTP)', () => {
  let runtime: LocalRuntime;
  let server: DevServer;
  let dir: string;
  const seen: string[] = [];
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'herald-server-'));
    seen.length = 0;
    runtime = createLocalRuntime(app(), {
      logger: silentLogger, bucketsDir: dir, schedules: false,
      handlers: { f: on(Tick, async (e) => { seen.push(e.id); }), g: on([Uploaded, Tock, RowChanged], async (e) => { seen.push(e.id); }) },
    });
    server = await startDevServer(runtime, { port: 0, env: { HOOK_SECRET: 'k' } });
  });
  afterEach(async () => {
    await server?.close();
    await runtime.stop(100);
    rmSync(dir, { recursive: true, force: true });
  });

  const call = async (p: string, init: RequestInit = {}) => {
    const res = await fetch(`${server.url}${p}`, init);
    return { status: res.status, body: await res.json() as Record<string, unknown> };
  };

  it('listens on 127.0.0.1 and answers /healthz', async () => {
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await call('/healthz')).to.deep.equal({ status: 200, body: { status: 'ok', pending: 0 } });
  });

  it('accepts events with 202 {ids}', async () => {
    const r = await call('/events', { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify({ type: 'Tick.v1', source: 'test.web', data: { n: 1 } }) });
    expect(r.status).to.equal(202);
    await runtime.idle();
    expect(seen).to.deep.equal(r.body.ids);
  });

  it('answers 202 only once the transport accepted the events (a durable transport: committed)', async () => {
    let accept!: () => void;
    const holding = memoryWith('holding', (inner) => ({
      publish: (to, events) => new Promise<void>((resolve) => { accept = resolve; }).then(() => inner.publish(to, events)),
    }));
    const slow = createLocalRuntime(app(), { logger: silentLogger, bucketsDir: dir, schedules: false, transport: holding, handlers: { f: on(Tick, async () => {}), g: on([Uploaded, Tock], async () => {}) } });
    const slowServer = await startDevServer(slow, { port: 0 });
    try {
      let answered = false;
      const answer = fetch(`${slowServer.url}/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify({ type: 'Tick.v1', source: 'test.web', data: { n: 1 } }) })
        .then((res) => { answered = true; return res.status; });
      await until(() => accept !== undefined, 1000, 'the publish to reach the transport');
      await sleep(20);
      expect(answered).to.equal(false);
      accept();
      expect(await answer).to.equal(202);
    } finally {
      await slowServer.close();
      await slow.stop(100);
    }
  });

  it('answers 413 over the size limit with a JSON error, after reading the whole body', async () => {
    const body = JSON.stringify({ type: 'Tick.v1', source: 'test.web', data: { n: 1, key: 'x'.repeat(300 * 1024) } });
    const r = await call('/events', { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body });
    expect(r.status).to.equal(413);
    expect(r.body.error).to.match(/over the 262144-byte limit/);
    expect(runtime.pending).to.equal(0);
    expect(seen).to.deep.equal([]);
  });

  it('answers 404 for an unknown route and 405 for a wrong method, as JSON', async () => {
    expect(await call('/nope')).to.deep.equal({ status: 404, body: { error: 'no route for GET /nope' } });
    expect((await call('/events')).status).to.equal(405);
    expect((await call('/dlq', { method: 'DELETE' })).status).to.equal(405);
  });

  it('serves webhooks: 202 when signed, 401 with the reason otherwise', async () => {
    const body = JSON.stringify({ n: 1 });
    const good = await call('/webhooks/hook', { method: 'POST', headers: signatureHeaders('herald', body, 'k'), body });
    expect(good.status).to.equal(202);
    expect(good.body.ids).to.have.length(1);
    const bad = await call('/webhooks/hook', { method: 'POST', headers: signatureHeaders('herald', body, 'other'), body });
    expect(bad).to.deep.equal({ status: 401, body: { error: 'signature does not match' } });
  });

  it('stores uploads and answers 404 for an unknown bucket', async () => {
    const r = await call('/buckets/files/in/a.txt', { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(r.status).to.equal(200);
    expect(r.body).to.include({ bucket: 'files', key: 'in/a.txt', size: 5, contentType: 'text/plain' });
    expect((await call('/buckets/nope/a', { method: 'PUT', body: 'x' })).status).to.equal(404);
    expect((await call('/buckets/files/a%2F..%2F..%2Fx', { method: 'PUT', body: 'x' })).status).to.equal(400);
  });

  it('writes, reads and deletes table rows, each change delivered as the table\'s change event', async () => {
    const json = { 'content-type': 'application/json' };
    const put = await call('/tables/people/rows/p%201', { method: 'PUT', headers: json, body: JSON.stringify({ email: 'ada@example.com' }) });
    expect(put.status).to.equal(200);
    expect(put.body).to.deep.include({ table: 'people', op: 'insert', keys: { id: 'p 1' } });
    expect(await call('/tables/people/rows/p%201')).to.deep.equal({ status: 200, body: { email: 'ada@example.com', id: 'p 1' } });
    const del = await call('/tables/people/rows/p%201', { method: 'DELETE' });
    expect(del.body).to.deep.include({ op: 'remove' });
    await runtime.idle();
    expect(seen).to.deep.equal([...(put.body.ids as string[]), ...(del.body.ids as string[])]);
    expect(runtime.traces.get((put.body.ids as string[])[0]!).map((e) => `${e.function}:${e.outcome}`)).to.deep.equal(['g:ok']);
  });

  it('answers table writes it cannot take with a 4xx JSON error and publishes nothing', async () => {
    const json = { 'content-type': 'application/json' };
    const cases: Array<[string, RequestInit, number, RegExp]> = [
      ['/tables/people/rows/p1', { method: 'PUT', headers: json, body: '{"email": ' }, 400, /^malformed JSON/],
      ['/tables/nope/rows/p1', { method: 'PUT', headers: json, body: '{}' }, 404, /^no table "nope"/],
      ['/tables/people/rows/p1', { method: 'PUT', headers: json, body: '{"id": "p2"}' }, 400, /does not match the key in the path/],
      ['/tables/people/rows/p1/extra', { method: 'PUT', headers: json, body: '{}' }, 400, /keyed by id/],
      ['/tables/people/rows/p1', { method: 'PUT', headers: json, body: '{"email": "nope"}' }, 400, /change event does not fit its schema/],
      ['/tables/people/rows/p1', { method: 'DELETE' }, 404, /^no row p1 in table "people"$/],
      ['/tables/people/rows/p1', {}, 404, /^no row p1 in table "people"$/],
      ['/tables/people/rows/p1', { method: 'POST', body: '{}' }, 405, /takes PUT, DELETE or GET, not POST$/],
      ['/tables/people/rows/p%E0%A4', { method: 'PUT', headers: json, body: '{}' }, 400, /^malformed percent-escape/],
    ];
    for (const [url, init, status, error] of cases) {
      const r = await call(url, init);
      expect(r.status, `${init.method ?? 'GET'} ${url} ${init.body ?? ''}`).to.equal(status);
      expect(Object.keys(r.body)).to.deep.equal(['error']);
      expect(r.body.error).to.match(error);
    }
    await runtime.idle();
    expect(seen).to.deep.equal([]);
    expect(runtime.pending).to.equal(0);
  });

  it('answers 404 with a JSON error for a trace it does not have, and the trace once there is one', async () => {
    expect(await call('/traces/never-seen')).to.deep.equal({ status: 404, body: { error: 'no trace for correlation id "never-seen": none was recorded, or it was evicted' } });
    const r = await call('/events', { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify({ type: 'Tick.v1', source: 's', correlationid: 'c 1', data: { n: 1 } }) });
    await runtime.idle();
    const trace = await call('/traces/c%201');
    expect(trace.status).to.equal(200);
    expect((trace.body as unknown as Array<{ id: string; outcome: string }>).map((e) => [e.id, e.outcome])).to.deep.equal([[(r.body.ids as string[])[0], 'ok']]);
  });

  it('answers 400, not 500, for bad percent-encoding in any path', async () => {
    for (const [p, init] of [
      ['/traces/%E0%A4%A', {}], ['/traces/%E0%A4', {}], ['/buckets/files/in/%E0%A4%A', { method: 'PUT', body: 'x' }],
      ['/buckets/fi%ZZles/a', { method: 'PUT', body: 'x' }], ['/tables/%E0%A4%A/rows/p1', {}], ['/tables/people/rows/%E0%A4%A', { method: 'PUT', body: '{}' }],
    ] as const) {
      const r = await call(p, init);
      expect(r.status, p).to.equal(400);
      expect(r.body.error, p).to.match(/^malformed percent-escape in \//);
    }
  });

  it('answers 400 for upload keys the filesystem cannot hold, naming the key and never a server path', async () => {
    const put = (key: string) => call(`/buckets/files/${key}`, { method: 'PUT', body: 'x' });
    expect((await put('in/a/b.txt')).status).to.equal(200);
    const cases: Array<[string, RegExp]> = [
      [`in/${'s'.repeat(300)}`, /is over 255 bytes, more than a file name can hold$/],
      [`in/${'s/'.repeat(600)}x`, /over the 1024-byte limit$/],
      ['in/a', /other objects are stored under "in\/a\/", so no object can have that name$/],
      ['in/a/b.txt/c', /a prefix of it is an object, and no object can be stored under another$/],
      ['in%2F..%2F..%2Fx', /use non-empty \/-separated segments other than \. and \.\./],
      ['in/a%00b', /without \\ or NUL$/],
    ];
    for (const [key, message] of cases) {
      const r = await put(key);
      expect(r.status, key).to.equal(400);
      expect(r.body.error, key).to.match(/^invalid object key/).and.match(message);
      expect(r.body.error, key).to.not.contain(dir);
    }
    await runtime.idle();
    expect(seen).to.have.length(1);
  });

  it('answers an unexpected system error with 500 and its code, never a path on the server', async () => {
    // The bucket's folder is a symbolic link to itself: every file call under it fails with ELOOP.
    symlinkSync(path.join(dir, 'files'), path.join(dir, 'files'));
    const r = await call('/buckets/files/in/a.txt', { method: 'PUT', body: 'x' });
    expect(r.status).to.equal(500);
    expect(r.body.error).to.match(/^Error: ELOOP in \w+$/);
    expect(JSON.stringify(r.body)).to.not.contain(dir);
  });

  it('answers a replayed webhook request (same signature, within the tolerance) as a duplicate: one event id, handlers run once', async () => {
    const body = JSON.stringify({ n: 7 });
    const headers = signatureHeaders('herald', body, 'k');
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await call('/webhooks/hook', { method: 'POST', headers: i === 2 ? { ...headers, 'Idempotency-Key': 'other' } : headers, body }));
    const id = (answers[0]!.body.ids as string[])[0];
    expect(answers).to.deep.equal([
      { status: 202, body: { ids: [id] } },
      { status: 202, body: { ids: [id], duplicate: true } },
      { status: 202, body: { ids: [id], duplicate: true } },
    ]);
    await runtime.idle();
    expect(seen).to.deep.equal([id]);
    // Signed again (a new timestamp), the same body is a new request.
    const later = signatureHeaders('herald', body, 'k', Math.floor(Date.now() / 1000) + 1);
    const again = await call('/webhooks/hook', { method: 'POST', headers: later, body });
    expect(again.body.duplicate).to.equal(undefined);
    expect(again.body.ids).to.not.deep.equal([id]);
  });

  it('answers 400 for a webhook body that is not UTF-8, and publishes nothing', async () => {
    const body = Buffer.concat([Buffer.from('{"n":1,"x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const r = await call('/webhooks/hook', { method: 'POST', headers: signatureHeaders('herald', body, 'k'), body });
    expect(r).to.deep.equal({ status: 400, body: { error: 'malformed JSON: the body is not valid UTF-8' } });
    await runtime.idle();
    expect(seen).to.deep.equal([]);
  });

  it('answers a batch of millions of invalid items with a small 400, and stays responsive', async () => {
    const body = `[${'1,'.repeat(1_989_999)}1]`;
    const started = performance.now();
    const r = await call('/events', { method: 'POST', headers: { 'content-type': 'application/cloudevents-batch+json' }, body });
    expect(r.status).to.equal(400);
    expect(JSON.stringify(r.body).length).to.be.below(2_000);
    expect(r.body.error).to.match(/; and 1989980 more \(1990000 problems in all\)$/);
    expect(performance.now() - started, 'ms').to.be.below(10_000);
    expect((await call('/healthz')).status).to.equal(200);
  });

  it('answers 404 when redriving an id with no dead letter', async () => {
    expect(await call('/dlq/redrive?id=nope', { method: 'POST' })).to.deep.equal({ status: 404, body: { error: 'no dead letter with id "nope"' } });
    expect(await call('/dlq/redrive', { method: 'POST' })).to.deep.equal({ status: 200, body: { redriven: 0 } });
  });

  it('answers 503 and publishes nothing once the runtime is stopping', async () => {
    await runtime.stop(100);
    const r = await call('/events', { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify({ type: 'Tick.v1', source: 'test.web', data: { n: 1 } }) });
    expect(r).to.deep.equal({ status: 503, body: { error: 'herald dev is shutting down' } });
    expect(seen).to.deep.equal([]);
  });
});
