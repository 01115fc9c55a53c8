/**
 * `herald plan --cloud <aws|azure|gcp|kafka> [--stack dev] [--json]`: the resources `pulumi up` would create,
 * computed offline by running the Pulumi program under Pulumi's mock engine with the stack's config.
 */
import { parseArgs } from 'node:util';
import type { Command } from '../main';
import { processIo, type Io } from '../io';
import { loadCliApp } from '../app-option';
import { CLOUD_NAMES, type CloudName } from '../../contracts';

const USAGE = `usage: herald plan --cloud <aws|azure|gcp|kafka> [--stack <name>] [--app <module>[#<export>]] [--json]

Runs the project's Pulumi program (Pulumi.yaml's main, index.ts) under Pulumi's mock engine with Pulumi.<stack>.yaml's config and
herald:cloud set to --cloud, and prints where the stack goes (the region or location in its config) and
every resource it would create: an indented tree by parent, then the stack outputs; or with --json an
array of {urn, type, name, parent, inputs, outputs}. No Pulumi CLI, no credentials; ids, ARNs and URLs
are made up deterministically by the cloud's mock target (on AWS: account 123456789012, aws:region;
on Kafka: the brokers in herald:kafkaBrokers).
  --stack   the stack whose config to use (default: dev for aws, dev-<cloud> for any other cloud)
  --app     the app, over the stack's herald:app (default: herald:app of Pulumi.yaml or the stack's
            file, else app/topology.ts, its topology export found by type)`;

/** Runs `herald plan`; 0 planned, 1 the program failed (a bad topology, a cloud not built, a stack file lacking its region, an app that cannot be loaded), 2 usage. */
export async function runPlan(argv: string[], io: Io = processIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: { cloud: { type: 'string' }, stack: { type: 'string' }, json: { type: 'boolean' }, app: { type: 'string' } },
    }));
  } catch (error) {
    io.err(`herald plan: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!values.cloud) {
    io.err(`herald plan: --cloud is required\n${USAGE}`);
    return 2;
  }
  if (!(CLOUD_NAMES as readonly string[]).includes(values.cloud)) {
    io.err(`herald plan: --cloud ${values.cloud} is not a cloud; clouds: ${CLOUD_NAMES.join(', ')}`);
    return 2;
  }
  // Loaded here, so `herald --help` never pays for Pulumi.
  const { plan, formatPlan, defaultStack } = await import('../../providers/plan.js');
  // The app is checked first, as every command checks it; the program then loads the same module and export.
  const loaded = loadCliApp('plan', io, { flag: values.app, stack: values.stack ?? defaultStack(values.cloud as CloudName) });
  if (!loaded) return 1;
  let result;
  try {
    result = await plan({ cloud: values.cloud, ...(values.stack ? { stack: values.stack } : {}), app: `${loaded.app.module}#${loaded.app.exportName}` });
  } catch (error) {
    io.err(`herald plan: ${(error as Error).message}`);
    return 1;
  }
  for (const d of result.diagnostics) io.err(d);
  io.out(values.json ? JSON.stringify(result.resources, null, 2) : formatPlan(result));
  return 0;
}

export const command: Command = {
  summary: 'list the resources `pulumi up` would create, offline (Pulumi mocks)',
  usage: USAGE,
  run: (argv) => runPlan(argv),
};
