/**
 * bench tracing: what OpenTelemetry costs the runtime pipeline. Events per second through the pipeline
 * (the pipeline bench's work) with no SDK installed, against the same with an SDK recording every span
 * (a BasicTracerProvider with a SimpleSpanProcessor into an exporter that drops them: the span work
 * without the network). Rounds alternate in one process; medians are compared. Also prints the cost of the
 * one check a delivery pays when no SDK is installed.
 */
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { on } from '../contracts';
import { EventRegistry, Pipeline, RecordingPublisher, newEnvelope } from '../runtime';
import { activeTracer } from '../runtime/tracing';
import { OrderPlaced, allEvents } from '../app/events';

const EVENTS = 2_000;
const ROUNDS = 9;
const PER_ROUND = 30_000;

const inputs = Array.from({ length: EVENTS }, (_, i) => JSON.stringify(newEnvelope(OrderPlaced, {
  orderId: `o-${i}`, amount: 10 + i, currency: 'EUR', customerEmail: `c${i}@example.com`, channel: 'web',
  items: [{ sku: 'tea', quantity: 1, unitPrice: 5 }],
}, { subject: `eu/${i}` })));

const pipeline = new Pipeline({
  functionName: 'bench', handler: on(OrderPlaced, async () => {}), registry: new EventRegistry(allEvents), publisher: new RecordingPublisher(),
});

let exported = 0;
const dropping: SpanExporter = {
  export(spans: ReadableSpan[], done) { exported += spans.length; done({ code: 0 }); },
  shutdown: async () => {},
};
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(dropping)] });

async function round(): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < PER_ROUND; i++) {
    const outcome = await pipeline.process(inputs[i % EVENTS]!, { attempt: 1 });
    if (outcome.kind !== 'ok') throw new Error(`unexpected ${outcome.kind}`);
  }
  return PER_ROUND / ((performance.now() - start) / 1_000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  await round();
  const plain: number[] = [];
  const traced: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    plain.push(await round());
    trace.setGlobalTracerProvider(provider);
    traced.push(await round());
    trace.disable();
  }
  let found = 0;
  const n = 1_000_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) if (activeTracer()) found++;
  const checkNs = ((performance.now() - t0) * 1e6) / n;
  const p = median(plain);
  const t = median(traced);
  console.log(`no SDK: ${Math.round(p).toLocaleString('en')} events/s (the check per delivery: ${checkNs.toFixed(0)} ns${found ? ', found a tracer!' : ''})`);
  console.log(`SDK recording every span: ${Math.round(t).toLocaleString('en')} events/s (${exported.toLocaleString('en')} spans)`);
  console.log(`bench tracing: ratio=${(t / p).toFixed(2)} (recording spans / no SDK)`);
}

void main();
