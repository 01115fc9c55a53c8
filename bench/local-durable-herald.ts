/**
 * Herald's side of bench/local-durable: `heraldDurable(events)` measures events per second from
 * `POST /events` (CloudEvents batches of 100, 4 requests in flight, a keep-alive client in this process)
 * to handler completion, for a 2-way fan-out (two functions with no-op handlers, each with its own
 * subscription), durable as `herald dev` is: a state database in a temp folder, every event committed
 * before its 202, and every delivery's state, trace record and idempotency record written through. The Kafka baseline (kafkajs, acks=all, a
 * consumer group per subscriber) lives in bench/local-durable.ts.
 *
 * Run by itself (`npm run bench -- local-durable-herald`) it prints the durable figure beside the same
 * measurement on the memory transport.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { defineEvent, on, topology, type EventDefinition } from '../contracts';
import { silentLogger } from '../runtime';
import { createLocalRuntime, durableStores, memoryTransport, openState, startDevServer, type LocalRuntimeOptions } from '../providers/local';

const Ping = defineEvent({ type: 'Ping', version: 1, source: 'bench', schema: z.object({ n: z.number().int(), note: z.string() }) });
const BATCH = 100;
const IN_FLIGHT = 4;

/** The runtime's stores: durable ones, or in memory. */
export type Stores = Pick<LocalRuntimeOptions, 'transport' | 'deadLetters' | 'traces' | 'idempotency'>;

/** Events per second from POST /events to both handlers done, on `stores`, for Ping events. */
async function httpFanOut(events: number, stores: Stores): Promise<number> {
  // No ids in the body: the server gives each event a fresh one, so none is deduplicated.
  const body = JSON.stringify(Array.from({ length: BATCH }, (_, i) => ({ type: 'Ping.v1', source: 'bench', data: { n: i, note: 'http' } })));
  return postFanOut(Ping, Array.from({ length: Math.ceil(events / BATCH) }, () => body), stores);
}

/**
 * Events per second from POST /events to both handlers done, on `stores`: each body (a CloudEvents
 * batch of `definition`'s events, serialised before the clock starts) posted once, IN_FLIGHT at a time.
 */
export async function postFanOut(definition: EventDefinition<any>, bodies: readonly string[], stores: Stores): Promise<number> {
  const app = topology('bench').event(definition);
  const bus = app.bus('bench');
  app.fn('first', { handler: 'none.ts' }).subscribe(bus, { events: [definition] });
  app.fn('second', { handler: 'none.ts' }).subscribe(bus, { events: [definition] });
  let handled = 0;
  const noop = on(definition, async () => { handled++; });
  const runtime = createLocalRuntime(app.build(), { handlers: { first: noop, second: noop }, logger: silentLogger, schedules: false, ...stores });
  await runtime.ready;
  const server = await startDevServer(runtime, { port: 0 });
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  let count = 0;
  for (const body of bodies) count += (JSON.parse(body) as unknown[]).length;
  const post = (body: string) => new Promise<void>((resolve, reject) => {
    const req = request(`${server.url}/events`, { method: 'POST', agent, headers: { 'content-type': 'application/cloudevents-batch+json' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 202 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
  let next = 0;
  try {
    const start = performance.now();
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => { while (next < bodies.length) await post(bodies[next++]!); }));
    await runtime.idle();
    const seconds = (performance.now() - start) / 1_000;
    if (handled !== 2 * count) throw new Error(`expected ${2 * count} handler calls, got ${handled}`);
    return count / seconds;
  } finally {
    agent.destroy();
    await server.close();
    await runtime.stop(1_000);
  }
}

/** Runs `measure` on the stores of a fresh state database in a temp folder, as `herald dev` opens them; removes it after. */
export async function onFreshState<T>(measure: (stores: Stores) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'herald-bench-durable-'));
  const state = openState(path.join(dir, 'state.db'));
  try {
    return await measure(durableStores(state, (store, error) => { throw new Error(`${store}: ${String(error)}`); }));
  } finally {
    state.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Events per second from `POST /events` (batches of 100) to handler completion, 2-way fan-out, durable
 * as `herald dev` is, on a fresh state database.
 */
export function heraldDurable(events: number): Promise<number> {
  return onFreshState((stores) => httpFanOut(events, stores));
}

async function main(): Promise<void> {
  const EVENTS = 50_000;
  const ROUNDS = 3;
  await heraldDurable(5_000); // warm-up: JIT, zod's compiled checks, SQLite's page cache
  await httpFanOut(5_000, { transport: memoryTransport() });
  const durable: number[] = [];
  const memory: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    durable.push(await heraldDurable(EVENTS));
    memory.push(await httpFanOut(EVENTS, { transport: memoryTransport() }));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const fmt = (n: number) => Math.round(n).toLocaleString('en');
  const [d, m] = [median(durable), median(memory)];
  console.log(`POST /events in batches of ${BATCH}, ${IN_FLIGHT} in flight, to both of 2 no-op handlers, ${fmt(EVENTS)} events per round, median of ${ROUNDS}:`);
  console.log(`  herald durable (sqlite): ${fmt(d)} events/s`);
  console.log(`  herald memory:           ${fmt(m)} events/s`);
  console.log(`bench local-durable-herald: ratio=${(d / m).toFixed(2)} (durable / memory)`);
}

if (require.main === module) void main();
