/**
 * `--app`, shared by every command that loads an app (dev, worker, invoke, dlq --brokers): the usage
 * line and the loading, whose failures (exit code 1: understood, but the module cannot be used) name the
 * module and what is wrong.
 */
import { AppModuleError, cliApp, DEFAULT_APP, type CliAppOptions, type LoadedApp } from '../providers/app-module';
import type { Io } from './io';

export const APP_USAGE = `  --app              the app: <module>[#<export>] (default: herald:app of Pulumi.yaml or
                     Pulumi.<stack>.yaml, else ${DEFAULT_APP}, its topology export found by type)`;

/** What a command was told about its app: `--app`, the stack, where it runs. */
export interface AppOptionValues {
  readonly flag?: string | undefined;
  readonly stack?: string | undefined;
  readonly cwd?: string;
}

/** The values as cliApp takes them (unset ones left out). */
export function cliAppOptions({ flag, stack, cwd }: AppOptionValues): CliAppOptions {
  return { ...(flag !== undefined ? { flag } : {}), ...(stack !== undefined ? { stack } : {}), ...(cwd !== undefined ? { cwd } : {}) };
}

/**
 * The app of a command (see providers/app-module.ts cliApp), or undefined after printing why it cannot
 * be loaded as `herald <command>: …`.
 * @throws what is not an AppModuleError (a bug, not the user's module)
 */
export function loadCliApp(command: string, io: Io, options: AppOptionValues): LoadedApp | undefined {
  try {
    return cliApp(cliAppOptions(options));
  } catch (error) {
    if (!(error instanceof AppModuleError)) throw error;
    io.err(`herald ${command}: ${error.message}`);
    return undefined;
  }
}
