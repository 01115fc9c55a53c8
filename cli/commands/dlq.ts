/**
 * `herald dlq list|redrive|purge`: inspect, replay or delete the dead letters of a running dev server, or,
 * with `--brokers`, those on a Kafka cluster, read straight from the app's dead-letter topics (no server
 * needed: the workers may run anywhere).
 */
import { parseArgs } from 'node:util';
import type { Topology } from '../../contracts';
import type { DeadLetterQuery } from '../../providers/local/dead-letters';
import type { Command } from '../main';
import { DevClient, defaultUrl, type DeadLetterFilter } from '../client';
import { table } from '../format';
import { processIo, type Io } from '../io';

const USAGE = `usage: herald dlq list [filters] [--json] [--url http://127.0.0.1:4000 | --brokers host:port[,…] [--stack dev]]
       herald dlq redrive [filters] [--url http://127.0.0.1:4000 | --brokers host:port[,…] [--stack dev]]
       herald dlq purge [filters] [--url http://127.0.0.1:4000 | --brokers host:port[,…] [--stack dev]]

list     the dead letters: event id, type, function, attempts, reason
redrive  sends each back to the subscription it was dead-lettered from (and no other), from attempt 1
purge    deletes them for good

--url      the dev server to ask (default http://127.0.0.1:$PORT, PORT 4000)
--brokers  go straight to a Kafka cluster instead: the app's dead-letter topics on stack --stack (default dev)

filters (all given must match; none: every dead letter):
  --id <event id>   --function <name>   --type <Type.vN>`;

interface Letter {
  id: string;
  type: string;
  function: string;
  attempts: number;
  reason: string;
  at?: string;
}

/** Loads the app whose dead letters `--brokers` reads: the example app, as `herald dev` loads it. */
export type AppLoader = () => Promise<Topology>;
const exampleApp: AppLoader = async () => (await import('../../app/topology.js')).shop;

/** Runs `herald dlq`; 0 done, 1 rejected, no server or no topics, 2 usage. */
export async function runDlq(argv: string[], io: Io = processIo, env = process.env, loadApp: AppLoader = exampleApp): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: {
        id: { type: 'string' }, function: { type: 'string' }, type: { type: 'string' }, url: { type: 'string' }, json: { type: 'boolean' },
        brokers: { type: 'string' }, stack: { type: 'string' },
      },
    });
  } catch (error) {
    io.err(`herald dlq: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [action, ...extra] = parsed.positionals;
  if ((action !== 'list' && action !== 'redrive' && action !== 'purge') || extra.length) {
    io.err(`herald dlq: say list, redrive or purge\n${USAGE}`);
    return 2;
  }
  if (action !== 'list' && parsed.values.json) {
    io.err('herald dlq: --json goes with list');
    return 2;
  }
  const { id, function: fn, type } = parsed.values;
  const filter: DeadLetterFilter = { ...(id !== undefined ? { id } : {}), ...(fn !== undefined ? { function: fn } : {}), ...(type !== undefined ? { type } : {}) };
  const { brokers, stack, url } = parsed.values;
  if (brokers !== undefined && url !== undefined) {
    io.err(`herald dlq: --url and --brokers exclude each other: ask the dev server, or the cluster\n${USAGE}`);
    return 2;
  }
  if (stack !== undefined && brokers === undefined) {
    io.err('herald dlq: --stack goes with --brokers');
    return 2;
  }
  if (brokers !== undefined) {
    const list = brokers.split(',').map((b) => b.trim()).filter(Boolean);
    if (!list.length || !list.every((b) => /^[^:\s]+:[0-9]{1,5}$/.test(b))) {
      io.err(`herald dlq: --brokers takes host:port[,host:port…], not ${JSON.stringify(brokers)}`);
      return 2;
    }
    return onKafka(action, filter, { brokers: list, stack: stack ?? 'dev', json: parsed.values.json === true }, io, loadApp);
  }
  const client = new DevClient(url ?? defaultUrl(env));
  try {
    if (action === 'redrive') {
      io.out(`redriven ${letters(await client.redrive(filter))}`);
      return 0;
    }
    if (action === 'purge') {
      io.out(`purged ${letters(await client.purge(filter))}`);
      return 0;
    }
    const found = await client.deadLetters<Letter>(filter);
    printLetters(found, parsed.values.json === true, io);
    return 0;
  } catch (error) {
    io.err(`herald dlq: ${(error as Error).message}`);
    return 1;
  }
}

const letters = (n: number) => `${n} dead letter${n === 1 ? '' : 's'}`;

function printLetters(found: readonly Letter[], json: boolean, io: Io): void {
  if (json) io.out(JSON.stringify(found, null, 2));
  else if (!found.length) io.out('no dead letters');
  else {
    for (const line of table(['ID', 'TYPE', 'FUNCTION', 'ATTEMPTS', 'AT', 'REASON'],
      found.map((l) => [l.id, l.type, l.function, String(l.attempts), l.at ?? '', l.reason]))) io.out(line);
  }
}

/**
 * `--brokers`: the dead letters on the cluster, read, redriven or purged by the dead-letter view. Loaded
 * only here, so the dev-server path never loads kafkajs.
 */
async function onKafka(action: 'list' | 'redrive' | 'purge', query: DeadLetterQuery, options: { brokers: string[]; stack: string; json: boolean }, io: Io, loadApp: AppLoader): Promise<number> {
  const [{ Kafka, logLevel }, view, { deliveryPlan }, { EventRegistry }, { KAFKA_DELIVERY }, { kafkaNames }, app] = await Promise.all([
    import('kafkajs'), import('../../providers/kafka/transport/dead-letter-view.js'), import('../../contracts/index.js'), import('../../runtime/index.js'),
    import('../../providers/kafka/delivery.js'), import('../../providers/kafka/topics.js'), loadApp(),
  ]);
  // A short retry: an unreachable cluster is reported in seconds, not after kafkajs' default half minute.
  const kafka = new Kafka({ clientId: 'herald-dlq', brokers: options.brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3_000, retry: { retries: 3 } });
  const context = { kafka, names: kafkaNames(app.name, options.stack), plan: deliveryPlan(app, KAFKA_DELIVERY), registry: new EventRegistry(app.events) };
  try {
    const found = await view.readDeadLetters(context, query);
    if (action === 'list') {
      // What the dev server's /dlq answers, without the raw record (its Buffers are no JSON anyone reads).
      printLetters(found.map(({ record: _record, ...letter }) => letter), options.json, io);
      return 0;
    }
    if (!found.length && query.id !== undefined) {
      io.err(`herald dlq: no dead letter with id ${JSON.stringify(query.id)}`);
      return 1;
    }
    const done = action === 'redrive' ? await view.redrive(context, found) : await view.purge(context, found);
    io.out(`${action === 'redrive' ? 'redriven' : 'purged'} ${letters(done)}`);
    return 0;
  } catch (error) {
    if (error instanceof view.MissingTopicsError) io.err(`herald dlq: ${error.message}`);
    else io.err(`herald dlq: on the cluster at ${options.brokers.join(',')} (stack ${options.stack}): ${(error as Error).message}`);
    return 1;
  }
}

export const command: Command = {
  summary: 'list, redrive or purge the dead letters of a running dev server or a Kafka cluster',
  usage: USAGE,
  run: (argv) => runDlq(argv),
};
