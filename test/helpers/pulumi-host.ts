/**
 * Loads a Pulumi program the way `pulumi up` does, in a child process: Pulumi's own Node.js language host
 * entry (`@pulumi/pulumi/cmd/run`, what the CLI's language plugin spawns) with the environment and flags
 * the plugin gives it (`PULUMI_NODEJS_TYPESCRIPT`, `PULUMI_CONFIG`, `PULUMI_CONFIG_SECRET_KEYS`,
 * `--project`, `--stack`, `--root-directory`, the entry from `Pulumi.yaml` `main` or `.`). So the entry is
 * resolved, ts-node registered and tsconfig read by Pulumi's code, not by a copy of it. The only
 * difference is the monitor: bare mocks (`pulumi-host-preload.cjs`), where outputs equal inputs.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { projectConfigDefaults, readStackConfig } from '../../providers/plan';

export interface HostOptions {
  readonly projectDir: string;
  readonly stack: string;
  /** `PULUMI_NODEJS_TRANSPILE_ONLY=true` (the README's fast path) or Pulumi's default, type-checked. */
  readonly transpileOnly: boolean;
  /** Extra environment (e.g. `PULUMI_NODEJS_TSCONFIG_PATH`). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface HostRun {
  /** Every resource the program registered, stack included, in registration order. */
  readonly resources: { readonly type: string; readonly name: string }[];
  readonly stderr: string;
}

/** What the CLI's language plugin passes as the program: `Pulumi.yaml`'s `main`, else `.` (the host then reads package.json). */
export function programArgument(projectDir: string): string {
  const yaml = require('js-yaml') as { load(text: string): unknown };
  const doc = yaml.load(readFileSync(path.join(projectDir, 'Pulumi.yaml'), 'utf8')) as { main?: string } | null;
  return doc?.main ?? '.';
}

/**
 * Runs the program under Pulumi's host. @throws Error with the host's stderr when it exits non-zero (a
 * TypeScript error, a program exception, a missing tsconfig named by `PULUMI_NODEJS_TSCONFIG_PATH`).
 */
export async function runLikePulumi(options: HostOptions): Promise<HostRun> {
  const { projectDir, stack } = options;
  const yaml = require('js-yaml') as { load(text: string): unknown };
  const project = String((yaml.load(readFileSync(path.join(projectDir, 'Pulumi.yaml'), 'utf8')) as { name?: string }).name);
  const stackConfig = readStackConfig(projectDir, project, stack);
  const config = { ...projectConfigDefaults(projectDir), ...stackConfig.config };
  const dir = mkdtempSync(path.join(tmpdir(), 'herald-host-'));
  const out = path.join(dir, 'resources.json');
  const host = require.resolve('@pulumi/pulumi/cmd/run/index.js', { paths: [projectDir] });
  try {
    const stderr = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [
        '-r', path.join(__dirname, 'pulumi-host-preload.cjs'), host,
        '--monitor=mock', `--project=${project}`, `--stack=${stack}`, `--root-directory=${projectDir}`, `--pwd=${projectDir}`,
        programArgument(projectDir),
      ], {
        cwd: projectDir,
        // Only what the language plugin sets, on top of a clean environment (no tsx loader from the test runner).
        env: {
          PATH: process.env.PATH, HOME: process.env.HOME,
          PULUMI_NODEJS_TYPESCRIPT: 'true',
          PULUMI_NODEJS_TRANSPILE_ONLY: String(options.transpileOnly),
          PULUMI_CONFIG: JSON.stringify(config),
          PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(stackConfig.secretKeys),
          PULUMI_NODEJS_PROJECT_NAME: project, PULUMI_NODEJS_STACK_NAME: stack,
          HERALD_HOST_OUT: out,
          ...options.env,
        },
        maxBuffer: 16 * 1024 * 1024,
        timeout: 120_000,
      }, (error, _stdout, stderr) => {
        if (error) reject(new Error(`pulumi's host exited with ${error.code ?? error.signal} on stack ${stack}:\n${stderr}`));
        else resolve(stderr);
      });
    });
    return { resources: JSON.parse(readFileSync(out, 'utf8')) as HostRun['resources'], stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
