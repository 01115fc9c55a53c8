/**
 * `herald invoke --cloud aws --function <name> --event <file.json>`: runs one function of the app through
 * the same Lambda entry its bundle runs (`providers/aws/runtime/entry.ts`, or `ingress.ts` for Herald's
 * ingress functions), with the native Lambda event read from the file. Prints exactly what the handler
 * returns, as JSON, on stdout; the events it publishes go to stderr as JSON lines instead of being sent.
 * The config is the one the deploy side would write, with placeholder resource names.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from '../main';
import { deliveryPlan, runtimeChannels, toMillis, type Envelope, type Topology } from '../../contracts';
import { AWS_DELIVERY } from '../../providers/aws/filter';
import type { AwsFunctionConfig, AwsIngressConfig, AwsPublishTarget } from '../../providers/aws/runtime/config';
import { createLambdaHandler, type LambdaHandler } from '../../providers/aws/runtime/entry';
import { createIngressHandler } from '../../providers/aws/runtime/ingress';
import { loadHandler } from '../../runtime/functions';
import type { Publisher } from '../../runtime/publisher';

const USAGE = `usage: herald invoke --cloud aws --function <name> --event <file.json> [--app <module>[#export]]

Runs one function through its AWS Lambda entry with the native event in <file.json> (an SQS batch, a
Kinesis batch, an EventBridge event, an API Gateway HTTP API request, …). Prints the handler's return
as JSON on stdout; events it publishes are printed to stderr as JSON lines, not sent.

  --function <name>      a function of the app, or an ingress function:
                         webhook:<webhook name>, upload:<bucket name>, change:<table name>
  --event <file.json>    the Lambda event
  --app <module#export>  the topology (default: app/topology.ts#shop)

Exit codes: 0 handled (the answer may still report failed records), 1 the handler threw (stdout has
Lambda's {"errorType","errorMessage"}), 2 bad usage, unknown function, unreadable or non-JSON event file.`;

export const command: Command = {
  summary: 'run one function through its cloud runtime entry with a native event from a file',
  usage: USAGE,
  async run(argv) {
    const args = parseArgs(argv);
    if ('error' in args) return fail(args.error);
    if (args.cloud !== 'aws') return fail(`--cloud ${args.cloud} is not supported; clouds: aws`);
    let event: unknown;
    try {
      event = JSON.parse(readFileSync(args.event, 'utf8'));
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      return fail(e.code ? `cannot read ${args.event}: ${e.message}` : `${args.event} is not JSON: ${e.message}`);
    }
    const [modulePath, exportName = 'shop'] = args.app.split('#') as [string, string?];
    const mod = require(path.resolve(modulePath)) as Record<string, unknown>;
    const topology = mod[exportName] as Topology | undefined;
    if (!topology?.functions) return fail(`${modulePath} exports no topology named ${exportName}`);
    const root = typeof mod.appRoot === 'string' ? mod.appRoot : path.dirname(path.resolve(modulePath, '..'));
    const handler = buildHandler(topology, root, args.function, event, stderrPublisher());
    if (typeof handler === 'string') return fail(handler);
    try {
      const result = await handler(event, {});
      process.stdout.write(`${JSON.stringify(result ?? null)}\n`);
      return 0;
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      process.stdout.write(`${JSON.stringify({ errorType: e.name, errorMessage: e.message })}\n`);
      return 1;
    }
  },
};

interface Args { cloud: string; function: string; event: string; app: string }

function parseArgs(argv: string[]): Args | { error: string } {
  const values: Record<string, string> = { app: path.join(__dirname, '../../app/topology.ts') };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(cloud|function|event|app)(?:=(.*))?$/.exec(argv[i]!);
    if (!m) return { error: `unknown argument ${argv[i]}` };
    const value = m[2] ?? argv[++i];
    if (value === undefined) return { error: `--${m[1]} needs a value` };
    values[m[1]!] = value;
  }
  for (const required of ['cloud', 'function', 'event']) if (!values[required]) return { error: `--${required} is required` };
  return values as unknown as Args;
}

/** Publishes by printing each envelope as one JSON line on stderr. */
function stderrPublisher(): Publisher {
  return {
    async publish(events: readonly Envelope[]) {
      for (const e of events) process.stderr.write(`${JSON.stringify(e)}\n`);
    },
  };
}

/** The Lambda handler of a function or ingress of the topology, or why there is none. */
function buildHandler(t: Topology, root: string, name: string, event: unknown, publisher: Publisher): LambdaHandler | string {
  const [kind, ingressName] = name.includes(':') ? name.split(':', 2) as [string, string] : [undefined, name];
  const target = (to: { kind: 'bus' | 'topic'; name: string }): AwsPublishTarget =>
    to.kind === 'bus' ? { kind: 'bus', busName: to.name } : { kind: 'topic', topicArn: `arn:aws:sns:us-east-1:000000000000:${to.name}` };
  if (kind === 'webhook') {
    const w = t.webhooks.find((x) => x.name === ingressName);
    if (!w) return unknown(t, name);
    const config: AwsIngressConfig = { kind: 'webhook', name: w.name, verify: w.verify, emits: w.emits, publishTo: target(w.to) };
    return createIngressHandler(t, { config, publisher });
  }
  if (kind === 'upload') {
    const b = t.buckets.find((x) => x.name === ingressName && x.onUpload);
    if (!b?.onUpload) return unknown(t, name);
    // The event names the physical bucket; offline, the content type is guessed from the key instead of HeadObject.
    const bucket = String((event as { detail?: { bucket?: { name?: unknown } } })?.detail?.bucket?.name ?? b.name);
    const config: AwsIngressConfig = { kind: 'upload', bucket, prefix: b.onUpload.prefix, emits: b.onUpload.emits, publishTo: target(b.onUpload.to) };
    const s3 = { send: async (c: { input: { Key: string } }) => ({ ContentType: guessContentType(c.input.Key) }) };
    return createIngressHandler(t, { config, publisher, clients: { s3: s3 as never } });
  }
  if (kind === 'change') {
    const table = t.tables.find((x) => x.name === ingressName && x.onChange);
    if (!table?.onChange) return unknown(t, name);
    return createIngressHandler(t, { config: { kind: 'change', table: table.name, emits: table.onChange.emits, publishTo: target(table.onChange.to) }, publisher });
  }
  if (kind !== undefined) return unknown(t, name);
  const fn = t.functions.find((f) => f.name === name);
  if (!fn) return unknown(t, name);
  const config: AwsFunctionConfig = {
    kind: 'function', name: fn.name, timeoutMs: toMillis(fn.timeout), allowedPublishes: fn.publishes?.events ?? [],
    channels: runtimeChannels(deliveryPlan(t, AWS_DELIVERY).channelsOf(fn.name)),
    ...(fn.publishes ? { publishTo: target(fn.publishes.to) } : {}), sources: {}, deadLetterQueues: {},
  };
  return createLambdaHandler(loadHandler(root, fn), { config, publisher });
}

function unknown(t: Topology, name: string): string {
  const names = [
    ...t.functions.map((f) => f.name), ...t.webhooks.map((w) => `webhook:${w.name}`),
    ...t.buckets.filter((b) => b.onUpload).map((b) => `upload:${b.name}`), ...t.tables.filter((x) => x.onChange).map((x) => `change:${x.name}`),
  ];
  return `no function "${name}" in ${t.name}; functions: ${names.join(', ')}`;
}

function guessContentType(key: string): string {
  const ext = path.extname(key).toLowerCase();
  return ({ '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp', '.json': 'application/json', '.txt': 'text/plain' } as Record<string, string>)[ext] ?? 'application/octet-stream';
}

function fail(message: string): number {
  process.stderr.write(`herald invoke: ${message}\n`);
  return 2;
}
