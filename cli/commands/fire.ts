/** `herald fire <schedule>`: runs one of the app's schedules now on a running dev server, rather than waiting for its cron. */
import { parseArgs } from 'node:util';
import type { Command } from '../main';
import { DevClient, RejectedError, defaultUrl } from '../client';
import { processIo, type Io } from '../io';

const USAGE = `usage: herald fire <schedule> [--url http://127.0.0.1:4000]

Runs a schedule of the app a running \`herald dev\` serves, now: publishes the event it emits, built as a
timed run builds it ({{scheduledTime}} is now; the id is <schedule>@<time>), to its bus or topic.
  herald fire nightly-report`;

/** Runs `herald fire`; 0 fired, 1 no such schedule or no server, 2 usage. */
export async function runFire(argv: string[], io: Io = processIo, env = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { url: { type: 'string' } } });
  } catch (error) {
    io.err(`herald fire: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [schedule, ...extra] = parsed.positionals;
  if (!schedule || extra.length) {
    io.err(`herald fire: name one schedule\n${USAGE}`);
    return 2;
  }
  const client = new DevClient(parsed.values.url ?? defaultUrl(env));
  try {
    const { id, type } = await client.fire(schedule);
    io.out(`fired ${schedule}: ${type} ${id}`);
    io.out(`trace: curl -s ${client.url}/traces/${encodeURIComponent(id)}`);
    return 0;
  } catch (error) {
    io.err(`herald fire: ${error instanceof RejectedError && error.status === 404 ? error.reason : (error as Error).message}`);
    return 1;
  }
}

export const command: Command = {
  summary: 'run one of the app\'s schedules now on a running dev server',
  usage: USAGE,
  run: (argv) => runFire(argv),
};
