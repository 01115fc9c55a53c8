/**
 * `--app`, shared by every command that loads an app (dev, worker, invoke, dlq --brokers): the usage
 * line and the loading, whose failures (exit code 1: understood, but the module cannot be used) name the
 * module and what is wrong.
 */
import { AppModuleError, cliApp, DEFAULT_APP, type CliAppOptions, type LoadedApp } from '../providers/app-module';
import type { Io } from './io';

export const APP_USAGE = `  --app              the app: <module>[#<export>] (default: herald:app of Pulumi.yaml or
                     Pulumi.<stack>.yaml, else ${DEFAULT_APP}, its topology export found by type)`;

/**
 * The app of a command (see providers/app-module.ts cliApp), or undefined after printing why it cannot
 * be loaded as `herald <command>: …`.
 * @throws what is not an AppModuleError (a bug, not the user's module)
 */
export function loadCliApp(command: string, io: Io, options: { readonly flag?: string | undefined; readonly stack?: string | undefined; readonly cwd?: string }): LoadedApp | undefined {
  const { flag, stack, cwd } = options;
  const cli: CliAppOptions = { ...(flag !== undefined ? { flag } : {}), ...(stack !== undefined ? { stack } : {}), ...(cwd !== undefined ? { cwd } : {}) };
  try {
    return cliApp(cli);
  } catch (error) {
    if (!(error instanceof AppModuleError)) throw error;
    io.err(`herald ${command}: ${error.message}`);
    return undefined;
  }
}
