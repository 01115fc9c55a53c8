/**
 * One `bench synth` measurement, in its own process (Pulumi's runtime state is process-wide): plans a
 * generated topology of N functions on AWS under the mock engine, as `herald plan --json` does, and
 * prints `{"functions":N,"resources":R,"ms":T}`. Timed: the plan itself and its JSON, not Node's startup.
 */
import { performance } from 'node:perf_hooks';
import * as path from 'node:path';
import { topology, type CloudProvider, type Topology } from '../contracts';
import { allEvents, ImageUploaded, OrderPlaced, PaymentReceived } from '../app/events';

/** N functions over the four routes (bus via queue, bus direct with a filter, topic, bus via stream), one shared handler. */
export function generate(n: number): Topology {
  const t = topology(`synth-${n}`).event(...allEvents);
  const bus = t.bus('bus');
  const topic = t.topic('fanout');
  for (let i = 0; i < n; i++) {
    // One handler module for all: bundling is cached per module, as a real app shares its runtime.
    const fn = t.fn(`f-${i}`, { handler: 'functions/audit-orders.ts', timeout: '10s' });
    switch (i % 4) {
      case 0: fn.subscribe(bus, { events: [OrderPlaced], via: t.queue(`q-${i}`) }); break;
      case 1: fn.subscribe(bus, { events: [ImageUploaded], where: { contenttype: { prefix: 'image/' } } }); break;
      case 2: fn.subscribe(topic, { events: [PaymentReceived], where: { subject: { prefix: `eu/${i}/` } } }); break;
      default: fn.subscribe(bus, { events: [OrderPlaced], via: t.stream(`s-${i}`, { key: 'data.orderId' }) });
    }
  }
  return t.build();
}

async function main(): Promise<void> {
  const n = Number(process.argv[2]);
  const root = path.resolve(__dirname, '..');
  const t = generate(n);
  const { plan } = await import('../providers/plan.js');
  const started = performance.now();
  const result = await plan({
    cloud: 'aws',
    projectDir: root,
    program: async () => {
      const { providers, readCloud } = await import('../providers/index.js');
      const { realize } = await import('../providers/realize.js');
      const provider: CloudProvider = providers[readCloud()];
      return (await realize(t, provider, { app: { module: path.join(root, 'app/topology.ts'), exportName: 'shop', root }, stack: 'dev' })).outputs;
    },
  });
  const text = JSON.stringify(result.resources);
  const ms = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ functions: n, resources: result.resources.length, ms, bytes: text.length })}\n`);
}

if (require.main === module) main().catch((error) => { process.stderr.write(`${(error as Error).stack}\n`); process.exit(1); });
