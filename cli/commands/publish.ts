/** `herald publish <Type.vN> '<json data>'`: publishes one event to a running dev server. */
import { parseArgs } from 'node:util';
import type { Command } from '../main';
import { DevClient, defaultUrl } from '../client';
import { processIo, type Io } from '../io';
import { EventRegistry } from '../../runtime';
import { loadCliApp } from '../app-option';

const USAGE = `usage: herald publish <Type.vN> '<json data>' [--source s] [--subject s] [--correlation-id c] [--url http://127.0.0.1:4000] [--app module[#export]]

Publishes one event to a running \`herald dev\` (npm start). id and time are filled in by the server; source
is the event definition's (of the app: --app, else herald:app, else app/topology.ts), unless --source gives another.
  herald publish OrderPlaced.v2 '{"orderId":"o-1","amount":42,"currency":"EUR","customerEmail":"ada@example.com","items":[{"sku":"book","quantity":1,"unitPrice":42}],"channel":"web"}'`;

const WIRE_TYPE = /^[A-Z][A-Za-z0-9]*\.v[1-9][0-9]*$/;

/** Runs `herald publish`; 0 published, 1 rejected or no server, 2 usage. */
export async function runPublish(argv: string[], io: Io = processIo, env = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: { source: { type: 'string' }, subject: { type: 'string' }, 'correlation-id': { type: 'string' }, url: { type: 'string' }, app: { type: 'string' } },
    });
  } catch (error) {
    io.err(`herald publish: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [type, json, ...extra] = parsed.positionals;
  if (!type || json === undefined || extra.length) {
    io.err(`herald publish: give the event type and its data as JSON\n${USAGE}`);
    return 2;
  }
  if (!WIRE_TYPE.test(type)) {
    io.err(`herald publish: "${type}" is not a wire type such as OrderPlaced.v2`);
    return 2;
  }
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    io.err(`herald publish: the data is not valid JSON: ${(error as Error).message}\n  (quote it in single quotes: '{"orderId":"o-1"}')`);
    return 2;
  }
  const { subject, 'correlation-id': correlationId, url = defaultUrl(env) } = parsed.values;
  // The server requires a source (CloudEvents does); the app's definition names where its events come from.
  let source = parsed.values.source;
  if (source === undefined) {
    const loaded = loadCliApp('publish', io, { flag: parsed.values.app });
    if (!loaded) return 1;
    const definitions = new EventRegistry(loaded.topology.events);
    source = definitions.has(type) ? definitions.get(type).source : undefined;
  }
  const client = new DevClient(url);
  try {
    const id = await client.publish({
      specversion: '1.0', type, data,
      ...(source !== undefined ? { source } : {}),
      ...(subject !== undefined ? { subject } : {}),
      ...(correlationId !== undefined ? { correlationid: correlationId } : {}),
    });
    io.out(`published ${type} ${id}`);
    io.out(`trace: curl -s ${client.url}/traces/${encodeURIComponent(correlationId ?? id)}`);
    return 0;
  } catch (error) {
    io.err(`herald publish: ${(error as Error).message}`);
    return 1;
  }
}

export const command: Command = {
  summary: 'publish one event to a running dev server',
  usage: USAGE,
  run: (argv) => runPublish(argv),
};
