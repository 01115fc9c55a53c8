/**
 * `herald dlq list|redrive|purge`: inspect, replay or delete the dead letters of a running dev server, or,
 * with `--brokers`, those on a Kafka cluster, read straight from the app's dead-letter topics (no server
 * needed: the workers may run anywhere).
 */
import { parseArgs } from 'node:util';
import { deliveryPlan, type Topology } from '../../contracts';
import { KAFKA_DELIVERY } from '../../providers/kafka/delivery';
import { kafkaNames } from '../../providers/kafka/topics';
import { kafkaClient } from '../../providers/kafka/transport/connection';
import { MissingTopicsError, purge, readDeadLetters, redrive } from '../../providers/kafka/transport/dead-letter-view';
import type { DeadLetterQuery } from '../../providers/local/dead-letters';
import { EventRegistry } from '../../runtime';
import { kafkaConnectionFrom } from '../kafka-options';
import type { Command } from '../main';
import { DevClient, defaultUrl, type DeadLetterFilter } from '../client';
import { table } from '../format';
import { processIo, type Io } from '../io';
import { loadCliApp } from '../app-option';

const USAGE = `usage: herald dlq list [filters] [--json] [--url http://127.0.0.1:4000 | --brokers host:port[,…] [--stack dev] [--app m#e]]
       herald dlq redrive [filters] [--url http://127.0.0.1:4000 | --brokers host:port[,…] [--stack dev] [--app m#e]]
       herald dlq purge [filters] [--url http://127.0.0.1:4000 | --brokers host:port[,…] [--stack dev] [--app m#e]]

list     the dead letters: event id, type, function, attempts, reason
redrive  sends each back to the subscription it was dead-lettered from (and no other), from attempt 1
purge    deletes them for good

--url      the dev server to ask (default http://127.0.0.1:$PORT, PORT 4000)
--brokers  go straight to a Kafka cluster instead: the app's dead-letter topics, no server needed
--stack    with --brokers, the stack whose topics to read (default $HERALD_STACK, else dev)
--app      with --brokers, the app whose topics to read (default: herald:app of Pulumi.yaml or
           Pulumi.<stack>.yaml, else app/topology.ts, its topology export found by type)
           SASL and TLS come from the HERALD_KAFKA_* variables, as for herald worker

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

/** Runs `herald dlq`; 0 done, 1 rejected, no server or no topics, 2 usage. */
export async function runDlq(argv: string[], io: Io = processIo, env = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: {
        id: { type: 'string' }, function: { type: 'string' }, type: { type: 'string' }, url: { type: 'string' }, json: { type: 'boolean' },
        brokers: { type: 'string' }, stack: { type: 'string' }, app: { type: 'string' },
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
  if ((stack ?? parsed.values.app) !== undefined && brokers === undefined) {
    io.err('herald dlq: --stack and --app go with --brokers (a dev server knows its app)');
    return 2;
  }
  if (brokers !== undefined) {
    let cluster: KafkaCluster;
    try {
      cluster = kafkaCluster(brokers, stack, env);
    } catch (error) {
      io.err(`herald dlq: ${(error as Error).message}`);
      return 2;
    }
    // The app names the dead-letter topics: the one herald dev and the workers run (herald:app of the stack), or --app.
    const loaded = loadCliApp('dlq', io, { flag: parsed.values.app, stack: cluster.stack });
    if (!loaded) return 1;
    return onKafka(action, filter, cluster, parsed.values.json === true, io, loaded.topology);
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

/** The cluster `--brokers` names, with its SASL/TLS settings from the environment (as `herald worker` reads them). */
interface KafkaCluster {
  readonly kafka: ReturnType<typeof kafkaClient>;
  readonly brokers: readonly string[];
  readonly stack: string;
}

/** @throws Error naming the flag or variable at fault */
function kafkaCluster(brokers: string, stack: string | undefined, env: NodeJS.ProcessEnv): KafkaCluster {
  const connection = kafkaConnectionFrom({ brokers }, env);
  const name = stack ?? env.HERALD_STACK ?? 'dev';
  if (!/^[a-zA-Z0-9-]+$/.test(name)) throw new Error(`--stack is "${name}"; a stack name has letters, digits and -`);
  // A short retry: a one-shot command reports an unreachable cluster in seconds; a worker's client rides
  // out a broker restart (connection.ts CLIENT_RETRY) because it has work in flight.
  return { kafka: kafkaClient(connection, 'herald-dlq', { retries: 3 }), brokers: connection.brokers, stack: name };
}

/** `--brokers`: the dead letters on the cluster, read, redriven or purged by the dead-letter view. */
async function onKafka(action: 'list' | 'redrive' | 'purge', query: DeadLetterQuery, cluster: KafkaCluster, json: boolean, io: Io, app: Topology): Promise<number> {
  const view = { kafka: cluster.kafka, names: kafkaNames(app.name, cluster.stack), plan: deliveryPlan(app, KAFKA_DELIVERY), registry: new EventRegistry(app.events) };
  try {
    const found = await readDeadLetters(view, query);
    if (action === 'list') {
      // What the dev server's /dlq answers, without the raw record (its Buffers are no JSON anyone reads).
      printLetters(found.map(({ record: _record, ...letter }) => letter), json, io);
      return 0;
    }
    if (!found.length && query.id !== undefined) {
      io.err(`herald dlq: no dead letter with id ${JSON.stringify(query.id)}`);
      return 1;
    }
    const done = action === 'redrive' ? await redrive(view, found) : await purge(view, found);
    io.out(`${action === 'redrive' ? 'redriven' : 'purged'} ${letters(done)}`);
    return 0;
  } catch (error) {
    if (error instanceof MissingTopicsError) io.err(`herald dlq: ${error.message}`);
    else io.err(`herald dlq: on the cluster at ${cluster.brokers.join(',')} (stack ${cluster.stack}): ${(error as Error).message}`);
    return 1;
  }
}

export const command: Command = {
  summary: 'list, redrive or purge the dead letters of a running dev server or a Kafka cluster',
  usage: USAGE,
  run: (argv) => runDlq(argv),
};
