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
  dlq: () => import('./commands/dlq.js'),
  plan: () => import('./commands/plan.js'),
  invoke: () => import('./commands/invoke.js'),
  worker: () => import('./commands/worker.js'),
  init: () => import('./commands/init.js'),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const lines = await Promise.all(Object.entries(COMMANDS).map(async ([n, load]) => {
      try {
        return `  ${n.padEnd(8)} ${(await load()).command.summary}`;
      } catch {
        return `  ${n.padEnd(8)} (not available in this build)`;
      }
    }));
    process.stdout.write(`usage: herald <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nherald <command> --help shows a command's options.\n`);
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
