/**
 * bench pipeline: events per second through the runtime pipeline (decode, schema validation, upcast check,
 * residual filter, invoke with ctx and timeout, classify) with a no-op handler, against a bare loop that
 * parses the same JSON and calls the same handler. Rounds alternate in one process; medians are compared.
 */
import { on } from '../contracts';
import { EventRegistry, Pipeline, RecordingPublisher, newEnvelope } from '../runtime';
import { OrderPlaced, allEvents } from '../app/events';

const EVENTS = 2_000;
const ROUNDS = 9;
const PER_ROUND = 50_000;

const inputs = Array.from({ length: EVENTS }, (_, i) => JSON.stringify(newEnvelope(OrderPlaced, {
  orderId: `o-${i}`, amount: 10 + i, currency: 'EUR', customerEmail: `c${i}@example.com`, channel: 'web',
  items: [{ sku: 'tea', quantity: 1 + (i % 3), unitPrice: 5 }, { sku: 'cup', quantity: 1, unitPrice: 5 }],
}, { subject: `eu/${i}` })));

let handled = 0;
const handler = on(OrderPlaced, async () => { handled++; });
const ctx = {} as never;

const pipeline = new Pipeline({
  functionName: 'bench', handler, registry: new EventRegistry(allEvents), publisher: new RecordingPublisher(),
  residual: [{ field: 'subject', op: 'prefix', values: ['eu/'] }],
});

async function bareLoop(): Promise<void> {
  for (let i = 0; i < PER_ROUND; i++) await handler.handle(JSON.parse(inputs[i % EVENTS]!), ctx);
}

async function throughPipeline(): Promise<void> {
  for (let i = 0; i < PER_ROUND; i++) {
    const outcome = await pipeline.process(inputs[i % EVENTS]!, { attempt: 1 });
    if (outcome.kind !== 'ok') throw new Error(`unexpected ${outcome.kind}`);
  }
}

async function rate(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return PER_ROUND / ((performance.now() - start) / 1_000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  await bareLoop();
  await throughPipeline(); // warm-up: JIT and zod's compiled checks
  const bare: number[] = [];
  const piped: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    bare.push(await rate(bareLoop));
    piped.push(await rate(throughPipeline));
  }
  const b = median(bare);
  const p = median(piped);
  console.log(`bare loop (JSON.parse + handler): ${Math.round(b).toLocaleString('en')} events/s`);
  console.log(`pipeline (validate, filter, ctx, timeout): ${Math.round(p).toLocaleString('en')} events/s`);
  console.log(`handled ${handled.toLocaleString('en')} events in all`);
  console.log(`bench pipeline: ratio=${(p / b).toFixed(2)} (pipeline / bare loop)`);
}

void main();
