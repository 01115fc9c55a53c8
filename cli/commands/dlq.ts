/** `herald dlq list|redrive|purge`: inspect, replay or delete the dead letters of a running dev server. */
import { parseArgs } from 'node:util';
import type { Command } from '../main';
import { DevClient, defaultUrl, type DeadLetterFilter } from '../client';
import { table } from '../format';
import { processIo, type Io } from '../io';

const USAGE = `usage: herald dlq list [filters] [--json] [--url http://127.0.0.1:4000]
       herald dlq redrive [filters] [--url http://127.0.0.1:4000]
       herald dlq purge [filters] [--url http://127.0.0.1:4000]

list     the dead letters: event id, type, function, attempts, reason
redrive  sends each back to the subscription it was dead-lettered from (and no other), from attempt 1
purge    deletes them for good

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

/** Runs `herald dlq`; 0 done, 1 rejected or no server, 2 usage. */
export async function runDlq(argv: string[], io: Io = processIo, env = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: {
        id: { type: 'string' }, function: { type: 'string' }, type: { type: 'string' }, url: { type: 'string' }, json: { type: 'boolean' },
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
  const client = new DevClient(parsed.values.url ?? defaultUrl(env));
  const letters = (n: number) => `${n} dead letter${n === 1 ? '' : 's'}`;
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
    if (parsed.values.json) io.out(JSON.stringify(found, null, 2));
    else if (!found.length) io.out('no dead letters');
    else {
      for (const line of table(['ID', 'TYPE', 'FUNCTION', 'ATTEMPTS', 'AT', 'REASON'],
        found.map((l) => [l.id, l.type, l.function, String(l.attempts), l.at ?? '', l.reason]))) io.out(line);
    }
    return 0;
  } catch (error) {
    io.err(`herald dlq: ${(error as Error).message}`);
    return 1;
  }
}

export const command: Command = {
  summary: 'list, redrive or purge the dead letters of a running dev server',
  usage: USAGE,
  run: (argv) => runDlq(argv),
};
