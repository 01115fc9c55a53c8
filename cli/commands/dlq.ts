/** `herald dlq list|redrive`: inspect and replay the dead letters of a running dev server. */
import { parseArgs } from 'node:util';
import type { Command } from '../main';
import { DevClient, defaultUrl } from '../client';
import { table } from '../format';
import { processIo, type Io } from '../io';

const USAGE = `usage: herald dlq list [--json] [--url http://127.0.0.1:4000]
       herald dlq redrive [--id <event id>] [--url http://127.0.0.1:4000]

list     the dead letters: event id, type, function, attempts, reason
redrive  sends them (all, or one event's) back to their function, from attempt 1`;

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
      options: { id: { type: 'string' }, url: { type: 'string' }, json: { type: 'boolean' } },
    });
  } catch (error) {
    io.err(`herald dlq: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [action, ...extra] = parsed.positionals;
  if ((action !== 'list' && action !== 'redrive') || extra.length) {
    io.err(`herald dlq: say list or redrive\n${USAGE}`);
    return 2;
  }
  if (action === 'list' && parsed.values.id !== undefined) {
    io.err('herald dlq: --id goes with redrive');
    return 2;
  }
  const client = new DevClient(parsed.values.url ?? defaultUrl(env));
  try {
    if (action === 'redrive') {
      const n = await client.redrive(parsed.values.id);
      io.out(`redriven ${n} dead letter${n === 1 ? '' : 's'}`);
      return 0;
    }
    const letters = await client.deadLetters<Letter>();
    if (parsed.values.json) io.out(JSON.stringify(letters, null, 2));
    else if (!letters.length) io.out('no dead letters');
    else {
      for (const line of table(['ID', 'TYPE', 'FUNCTION', 'ATTEMPTS', 'AT', 'REASON'],
        letters.map((l) => [l.id, l.type, l.function, String(l.attempts), l.at ?? '', l.reason]))) io.out(line);
    }
    return 0;
  } catch (error) {
    io.err(`herald dlq: ${(error as Error).message}`);
    return 1;
  }
}

export const command: Command = {
  summary: 'list or redrive the dead letters of a running dev server',
  usage: USAGE,
  run: (argv) => runDlq(argv),
};
