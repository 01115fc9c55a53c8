/**
 * bench local: events per second from an in-process publish to handler completion on the embedded
 * runtime, for a fan-out of one small event to 2 functions with no-op handlers (direct subscriptions, so
 * each delivery runs the full pipeline: schema check, dedupe, ctx, timeout, classify, trace), against a
 * bare Node EventEmitter doing the same fan-out to the same async no-op handlers. Both publish in chunks
 * and wait for every handler to finish before the next chunk. Rounds alternate in one process; medians
 * are compared. Then the HTTP ingest rate of `POST /events` in batches of 100 from a local client.
 */
import { EventEmitter } from 'node:events';
import { Agent, request } from 'node:http';
import { z } from 'zod';
import { defineEvent, on, topology, type Envelope } from '../contracts';
import { newEnvelope, silentLogger } from '../runtime';
import { createLocalRuntime, startDevServer } from '../providers/local';

const Ping = defineEvent({ type: 'Ping', version: 1, source: 'bench', schema: z.object({ n: z.number().int(), note: z.string() }) });
const PER_ROUND = 50_000;
const CHUNK = 1_000;
const ROUNDS = 7;

const app = topology('bench');
const bus = app.bus('bench');
app.fn('first', { handler: 'none.ts' }).subscribe(bus, { events: [Ping] });
app.fn('second', { handler: 'none.ts' }).subscribe(bus, { events: [Ping] });
let handled = 0;
const noop = on(Ping, async () => { handled++; });
const runtime = createLocalRuntime(app.build(), { handlers: { first: noop, second: noop }, logger: silentLogger, schedules: false });

// Fresh ids every round: the runtime deduplicates by id, and a duplicate costs less than a delivery.
let serial = 0;
const makeChunk = (): Envelope[] => Array.from({ length: CHUNK }, () => newEnvelope(Ping, { n: serial++, note: 'ping' }));

async function herald(chunks: Envelope[][]): Promise<void> {
  for (const chunk of chunks) {
    await runtime.publish(chunk);
    await runtime.idle();
  }
}

// The baseline: the same fan-out to the same kind of handler, completion counted the same way.
const emitter = new EventEmitter();
let owed = 0;
let wake: (() => void) | undefined;
const settle = () => { if (--owed === 0) wake?.(); };
const handle = async (_e: Envelope) => { handled++; };
emitter.on('Ping.v1', (e: Envelope) => { owed++; handle(e).then(settle); });
emitter.on('Ping.v1', (e: Envelope) => { owed++; handle(e).then(settle); });

async function bare(chunks: Envelope[][]): Promise<void> {
  for (const chunk of chunks) {
    const done = new Promise<void>((resolve) => { wake = resolve; });
    for (const e of chunk) emitter.emit(e.type, e);
    if (owed > 0) await done;
  }
}

async function rate(run: (chunks: Envelope[][]) => Promise<void>): Promise<number> {
  const chunks = Array.from({ length: PER_ROUND / CHUNK }, makeChunk);
  const start = performance.now();
  await run(chunks);
  return PER_ROUND / ((performance.now() - start) / 1_000);
}

/** POST /events in batches of 100 from a keep-alive client in this process, `parallel` requests at a time. */
async function httpIngest(requests: number, parallel: number): Promise<{ accepted: number; endToEnd: number }> {
  const server = await startDevServer(runtime, { port: 0 });
  const agent = new Agent({ keepAlive: true, maxSockets: parallel });
  const body = JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ type: 'Ping.v1', source: 'bench', data: { n: i, note: 'http' } })));
  const post = () => new Promise<void>((resolve, reject) => {
    const req = request(`${server.url}/events`, { method: 'POST', agent, headers: { 'content-type': 'application/cloudevents-batch+json' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 202 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
  let sent = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: parallel }, async () => { while (sent++ < requests) await post(); }));
  const accepted = performance.now() - start;
  await runtime.idle();
  const endToEnd = performance.now() - start;
  agent.destroy();
  await server.close();
  return { accepted: (requests * 100) / (accepted / 1_000), endToEnd: (requests * 100) / (endToEnd / 1_000) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en');

async function main(): Promise<void> {
  await rate(bare);
  await rate(herald); // warm-up: JIT and zod's compiled checks
  const baseline: number[] = [];
  const ours: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    baseline.push(await rate(bare));
    ours.push(await rate(herald));
  }
  const b = median(baseline);
  const h = median(ours);
  console.log(`fan-out of 1 event to 2 no-op functions, ${PER_ROUND.toLocaleString('en')} events per round, chunks of ${CHUNK}, median of ${ROUNDS}:`);
  console.log(`  EventEmitter: ${fmt(b)} events/s (${fmt(2 * b)} handler calls/s)`);
  console.log(`  herald local: ${fmt(h)} events/s (${fmt(2 * h)} deliveries/s)`);
  await httpIngest(50, 4); // warm-up
  const ingest = await httpIngest(400, 4);
  console.log(`http ingest, POST /events in batches of 100, 4 requests in flight, client in the same process:`);
  console.log(`  ${fmt(ingest.accepted)} events/s accepted (202), ${fmt(ingest.endToEnd)} events/s until both functions handled them`);
  console.log(`handled ${fmt(handled)} handler calls in all`);
  await runtime.stop(1_000);
  console.log(`bench local: ratio=${(h / b).toFixed(2)} (herald / EventEmitter)`);
}

void main();
