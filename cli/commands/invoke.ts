/**
 * `herald invoke --cloud <cloud> --function <name> --event <file.json|->`: runs one function of the app
 * through its cloud's real runtime entry with a native event, fully offline (providers/invokers.ts, and
 * the cloud's providers/<cloud>/invoke.ts). `--sample <kind>` prints a native event for the function's
 * trigger instead, which `--event -` reads back from stdin. This file only parses, reads and prints.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CLOUD_NAMES, type Topology } from '../../contracts';
import { INVOKERS, type CloudInvoker, type InvokeApp } from '../../providers/invokers';
import { processIo, type Io } from '../io';
import type { Command } from '../main';

const USAGE = `usage: herald invoke --cloud <aws|azure> --function <name> --event <file.json | -> [--app <module>[#export]]
       herald invoke --cloud <aws|azure> --function <name> --sample <kind> [--app <module>[#export]]

Runs one function through its cloud's runtime entry (on AWS, the Lambda entry its bundle runs; on Azure,
the functions its bundle registers with the Functions host) with the native event in <file.json>, or on
stdin with --event -. Nothing is sent: the events it publishes and every SDK call it makes (a retry's
visibility change or scheduled resend, a dead letter) are printed to stderr as JSON lines instead.

  --function <name>      a function of the app, or an ingress function:
                         webhook:<webhook name>, upload:<bucket name>, change:<table name>,
                         and on Azure schedule:<schedule name>
  --event <file.json|->  the native event, from a file or from stdin
  --sample <kind>        print a native sample event for the function's trigger instead, carrying a valid
                         example of the event it reads; pipe it into --event -
  --app <module#export>  the topology (default: app/topology.ts#shop)

AWS: the event is what Lambda hands the handler (an SQS batch, a Kinesis batch, an EventBridge event, an
API Gateway HTTP API request, …); stdout is the entry's answer as JSON. Sample kinds: sqs, kinesis,
eventbridge, http (a webhook), upload, change.

Azure: the event is what the Functions host hands the handler, {"input": …, "triggerMetadata": {…}}: a
Service Bus message (input = its body, triggerMetadata = messageId, deliveryCount, applicationProperties,
…), an Event Hubs batch, the CloudEvent Event Grid pushes, a change feed batch, a timer's schedule
information; for a webhook, the request {"method","url","headers","body"}. stdout is one JSON line per
message, {"outcome": "ok"|"retry"|"dead-letter"|"filtered"|"duplicate", "reason"?, "retryAfterMs"?,
"attempt"?}, or for a webhook the response {"status","body"}. Sample kinds: servicebus, eventhub,
eventgrid, http, upload, change, timer.

Exit codes: 0 handled (the answer may still report failed records, or outcomes other than ok) or sample
printed, 1 the handler threw (stdout has the cloud's error answer), 2 bad usage, a cloud not built, an
unknown function or sample kind, or an unreadable or non-JSON event.`;

/** Runs `herald invoke`; see USAGE for the exit codes. */
export async function runInvoke(argv: string[], io: Io = processIo, stdin: () => Promise<string> = readStdin): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: { cloud: { type: 'string' }, function: { type: 'string' }, event: { type: 'string' }, sample: { type: 'string' }, app: { type: 'string' } },
    }));
  } catch (error) {
    return usage(io, (error as Error).message);
  }
  for (const required of ['cloud', 'function'] as const) if (!values[required]) return usage(io, `--${required} is required`);
  if ((values.event === undefined) === (values.sample === undefined)) return usage(io, 'give one of --event and --sample');
  const cloud = values.cloud!;
  if (!(CLOUD_NAMES as readonly string[]).includes(cloud)) return fail(io, `--cloud ${cloud} is not a cloud; clouds: ${CLOUD_NAMES.join(', ')}`);
  const load = (INVOKERS as Partial<Record<string, () => Promise<CloudInvoker>>>)[cloud];
  if (!load) return fail(io, `--cloud ${cloud} is not built yet; built: ${Object.keys(INVOKERS).join(', ')}`);
  const app = loadApp(values.app ?? path.join(__dirname, '../../app/topology.ts'));
  if (typeof app === 'string') return fail(io, app);
  const invoker = await load();

  if (values.sample !== undefined) {
    const sample = invoker.sample(app, values.function!, values.sample);
    if (sample.kind === 'refused') return fail(io, sample.reason);
    for (const note of sample.notes) io.err(`herald invoke: ${note}`);
    io.out(JSON.stringify(sample.event, null, 2));
    return 0;
  }
  const from = values.event!;
  let event: unknown;
  try {
    event = JSON.parse(from === '-' ? await stdin() : await readFile(from, 'utf8'));
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return fail(io, e.code ? `cannot read ${from}: ${e.message}` : `${from === '-' ? 'stdin' : from} is not JSON: ${e.message}`);
  }
  const result = await invoker.invoke(app, values.function!, event, (line) => io.err(line));
  if (result.kind === 'refused') return fail(io, result.reason);
  if (result.kind === 'answers') {
    for (const answer of result.answers) io.out(JSON.stringify(answer));
    return 0;
  }
  io.out(JSON.stringify(result.kind === 'answered' ? result.answer : result.output));
  return result.kind === 'answered' ? 0 : 1;
}

export const command: Command = {
  summary: 'run one function through its cloud runtime entry with a native event, offline; or print a sample event',
  usage: USAGE,
  run: (argv) => runInvoke(argv),
};

/** The app a `--app <module>[#export]` names, or why it cannot be used. */
function loadApp(spec: string): InvokeApp | string {
  const [modulePath, exportName = 'shop'] = spec.split('#') as [string, string?];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.resolve(modulePath)) as Record<string, unknown>;
  const topology = mod[exportName] as Topology | undefined;
  if (!topology?.functions) return `${modulePath} exports no topology named ${exportName}`;
  const root = typeof mod.appRoot === 'string' ? mod.appRoot : path.dirname(path.resolve(modulePath, '..'));
  return { topology, root, env: process.env };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function usage(io: Io, message: string): number {
  io.err(`herald invoke: ${message}\n${USAGE}`);
  return 2;
}

function fail(io: Io, message: string): number {
  io.err(`herald invoke: ${message}`);
  return 2;
}
