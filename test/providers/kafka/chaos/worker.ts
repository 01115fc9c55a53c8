/**
 * One chaos worker process: `herald worker` (cli/commands/worker.ts) running the chaos app with its logging
 * handlers, so what is tested is the command users start, flags and all. Started by fleet.ts as
 * `node --import tsx worker.ts <herald worker flags…>`, with the handlers' log file in HERALD_CHAOS_LOG.
 */
import { runWorker } from '../../../../cli/commands/worker';
import { processIo } from '../../../../cli/io';
import { chaosHandlers, chaosTopology } from './app';

async function main(): Promise<void> {
  const logFile = process.env.HERALD_CHAOS_LOG;
  if (!logFile) throw new Error('HERALD_CHAOS_LOG names no log file');
  const code = await runWorker(process.argv.slice(2), processIo, process.env, { topology: chaosTopology(), handlers: chaosHandlers(logFile) });
  // As `herald worker` does: a handler still running past the grace period must not keep the process alive.
  setTimeout(() => process.exit(code), 500).unref();
  process.exitCode = code;
}

main().catch((error: unknown) => {
  process.stderr.write(`chaos worker: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
