/**
 * `herald <command>`: dispatches to cli/commands/<command>.ts, loaded on demand so `herald dev`
 * never pays for Pulumi and `herald plan` never starts a server.
 */
export interface Command {
  /** One line for `herald --help`. */
  readonly summary: string;
  /** Full usage, printed by `herald <command> --help`. */
  readonly usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  dev: () => import('./commands/dev.js'),
  publish: () => import('./commands/publish.js'),
  fire: () => import('./commands/fire.js'),
  dlq: () => import('./commands/dlq.js'),
  plan: () => import('./commands/plan.js'),
  invoke: () => import('./commands/invoke.js'),
  worker: () => import('./commands/worker.js'),
  init: () => import('./commands/init.js'),
};

/**
 * The exit-code rule every command keeps: 0 done; 1 the command was understood but could not be done (a
 * file or server missing, a name the app does not have, a cloud not built yet, a bad topology, a handler
 * that threw, work left unsettled at a stop); 2 the command line is wrong (an unknown command or option, a
 * missing argument, a value outside an option's fixed set).
 */
const EXIT_CODES = 'exit codes: 0 done · 1 understood but could not be done · 2 the command line is wrong';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    process.stdout.write(`herald ${(require('../package.json') as { version: string }).version}\n`);
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const lines = await Promise.all(Object.entries(COMMANDS).map(async ([n, load]) => {
      try {
        return `  ${n.padEnd(8)} ${(await load()).command.summary}`;
      } catch {
        return `  ${n.padEnd(8)} (not available in this build)`;
      }
    }));
    process.stdout.write(`usage: herald <command> [options]\n       herald --version\n\ncommands:\n${lines.join('\n')}\n\nherald <command> --help shows a command's options.\n${EXIT_CODES}.\n`);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`herald: unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    return 2;
  }
  const { command } = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    process.stderr.write(`herald: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
