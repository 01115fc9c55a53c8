/**
 * bench/coldstart: for each example function, the size of its Lambda bundle and the time from a fresh
 * `node` process to the first handled SQS event (the driver loads the bundle and calls `handler(event)`),
 * against a bare hand-written handler doing the same work (bench/coldstart/bare.ts, bundled the same way,
 * same driver). EventBridge is a local stub, so publishing costs a real SDK call without the network.
 * Runs alternate between the two, several each; medians. The ratio per function is the median of the
 * ratios of adjacent runs (herald run i / bare run i), so a machine that gets busier or calmer during the
 * benchmark shifts both sides of each pair alike; CPU time is shown too, as it barely depends on load. Ends with
 * `bench coldstart: ratio=<x> (herald / bare handler, worst function)`.
 */
import { buildSync } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { appRoot, shop } from '../app/topology';
import { deliveryPlan, runtimeChannels, toMillis, type EventDefinition } from '../contracts';
import { BUNDLE_OPTIONS, bundleHandler } from '../providers/aws/bundle';
import { AWS_DELIVERY } from '../providers/aws/filter';
import { sqs } from '../providers/aws/runtime/sqs';
import { AWS_CONFIG_ENV, type AwsFunctionConfig } from '../providers/aws/runtime/config';
import { newEnvelope } from '../runtime';

const RUNS = Number(process.env.COLDSTART_RUNS ?? 11);
const dir = mkdtempSync(path.join(tmpdir(), 'herald-coldstart-'));
const driver = path.join(__dirname, 'coldstart/driver.js');

/** A valid event for each function: one of the types it reads, with data its schema accepts. */
const samples: Record<string, unknown> = {
  'OrderPlaced.v2': { orderId: 'o-1', amount: 20, currency: 'EUR', customerEmail: 'a@example.com', items: [{ sku: 's', quantity: 1, unitPrice: 20 }], channel: 'web' },
  'PaymentReceived.v1': { orderId: 'o-1', paymentId: 'p-1', amount: 20, currency: 'EUR' },
  'OrderConfirmed.v1': { orderId: 'o-1', paymentId: 'p-1', amount: 20, currency: 'EUR' },
  'CustomerChanged.v1': { table: 'customers', op: 'insert', keys: { customerId: 'c-1' }, newImage: { customerId: 'c-1', email: 'a@example.com' } },
  'ImageUploaded.v1': { bucket: 'media', key: 'uploads/cat.png', size: 10, contentType: 'image/png' },
  'ReportRequested.v1': { date: '2026-03-01' },
};

/** Writes a bundle's files into their own folder, as Lambda unpacks them; returns the path of `index.js`. */
function write(name: string, files: Readonly<Record<string, string>>): string {
  mkdirSync(path.join(dir, name), { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, name, file), text);
  return path.join(dir, name, 'index.js');
}

async function main(): Promise<void> {
  // A stand-in for EventBridge's PutEvents endpoint.
  let puts = 0;
  const server = createServer((req, res) => {
    req.resume().on('end', () => {
      puts++;
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{"FailedEntryCount":0,"Entries":[{"EventId":"stub"}]}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const baseEnv = {
    PATH: process.env.PATH ?? '', NODE_PATH: path.join(appRoot, 'node_modules'),
    AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_ENDPOINT_URL_EVENTBRIDGE: endpoint,
    AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
  };

  const bare = buildSync({ ...BUNDLE_OPTIONS, write: false, entryPoints: [path.join(__dirname, 'coldstart/bare.ts')] }).outputFiles![0]!.text;
  const bareFile = write('bare', { 'index.js': bare });

  const rows: { name: string; heraldKb: number; bareKb: number; herald: number; bare: number; heraldCpu: number; bareCpu: number; ratio: number }[] = [];
  for (const fn of shop.functions) {
    const sub = shop.subscriptions.find((s) => s.function === fn.name)!;
    const definition = shop.events.find((e) => e.wireType === sub.events[0]) as EventDefinition<any>;
    const event = sqs.encode([newEnvelope(definition, samples[definition.wireType] as never, { subject: 'orders/o-1' })]);
    const eventFile = path.join(dir, `${fn.name}.event.json`);
    writeFileSync(eventFile, JSON.stringify(event));
    const bundle = bundleHandler(appRoot, fn);
    const heraldFile = write(fn.name, bundle.files);
    const config: AwsFunctionConfig = {
      kind: 'function', name: fn.name, timeoutMs: toMillis(fn.timeout), allowedPublishes: fn.publishes?.events ?? [],
      channels: runtimeChannels(deliveryPlan(shop, AWS_DELIVERY).channelsOf(fn.name)),
      ...(fn.publishes ? { publishTo: { kind: 'bus', busName: 'shop' } } : {}), sources: {}, deadLetterQueues: {},
    };
    const heraldEnv = { ...baseEnv, [AWS_CONFIG_ENV]: JSON.stringify(config) };
    const bareEnv = { ...baseEnv, BARE_FUNCTION: fn.name };
    const herald: Sample[] = [];
    const base: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      herald.push(await coldStart(heraldFile, eventFile, heraldEnv));
      base.push(await coldStart(bareFile, eventFile, bareEnv));
    }
    rows.push({
      name: fn.name, heraldKb: bundle.bytes / 1024, bareKb: Buffer.byteLength(bare) / 1024,
      herald: median(herald.map((x) => x.ms)), bare: median(base.map((x) => x.ms)),
      heraldCpu: median(herald.map((x) => x.cpuMs)), bareCpu: median(base.map((x) => x.cpuMs)),
      ratio: median(herald.map((x, i) => x.ms / base[i]!.ms)),
    });
  }
  server.close();

  process.stdout.write(`${RUNS} cold starts each; medians; ${puts} PutEvents served by the local stub\n`);
  const head = ['function'.padEnd(18), 'herald KB', 'bare KB', 'herald ms', 'bare ms', 'herald cpu', 'bare cpu', 'ratio'];
  process.stdout.write(`${head.map((h, i) => (i ? h.padStart(10) : h)).join(' ')}\n`);
  for (const r of rows) {
    const cells = [r.heraldKb, r.bareKb, r.herald, r.bare, r.heraldCpu, r.bareCpu].map((x) => x.toFixed(1).padStart(10));
    process.stdout.write(`${r.name.padEnd(18)} ${cells.join(' ')} ${r.ratio.toFixed(2).padStart(10)}\n`);
  }
  const worst = rows.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  process.stdout.write(`bench coldstart: ratio=${worst.ratio.toFixed(2)} (herald / bare handler, worst function: ${worst.name})\n`);
}

/** One cold start: wall and CPU milliseconds from process start to the first handled event. */
interface Sample { readonly ms: number; readonly cpuMs: number }

/** Runs the driver on a bundle in a fresh node process. */
function coldStart(bundle: string, eventFile: string, env: Record<string, string>): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [driver, bundle, eventFile], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c) => { out += String(c); });
    child.on('close', (code) => {
      try {
        const r = JSON.parse(out) as { ms: number; cpuMs: number; result?: { batchItemFailures?: unknown[] }; error?: string };
        if (code !== 0 || r.error || r.result?.batchItemFailures?.length) throw new Error(r.error ?? JSON.stringify(r.result));
        resolve({ ms: r.ms, cpuMs: r.cpuMs });
      } catch (error) {
        reject(new Error(`cold start of ${bundle} failed (exit ${code}): ${out} ${(error as Error).message}`));
      }
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
