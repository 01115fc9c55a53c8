/**
 * `herald init <dir>`: a new Herald project in an empty (or new) folder: package.json depending on Herald,
 * Pulumi.yaml, Pulumi.dev.yaml, tsconfig.json, .mocharc.json, index.ts, one event, one function and one
 * test (cli/scaffold.ts). Then `npm install && npm start && npm test` works in it.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from '../main';
import { processIo, type Io } from '../io';
import { pinnedVersions, projectName, scaffold } from '../scaffold';

/** This package's folder: a checkout of the repository, or node_modules/herald. */
const HERALD_ROOT = path.resolve(__dirname, '../..');

const USAGE = `usage: herald init <dir> [--name <name>] [--herald <npm spec>]

Makes a new Herald project in <dir> (created if missing; it must be empty): one event, one function, one
test, the Pulumi program and its dev stack. Then: cd <dir> && npm install && npm start (npm test, npm run plan).
  --name    the project's name (default: the folder's name, in lower-case kebab-case)
  --herald  the Herald dependency, as npm takes it (default: this Herald's folder, file:<path>, when it
            runs from a checkout of the repository; else ^<its version> from the registry)`;

/** The Herald dependency of a new project: given, or this Herald's checkout, or its registry version. */
export function heraldSpec(given: string | undefined, root = HERALD_ROOT): { spec: string; installLinks: boolean } {
  if (given !== undefined) return { spec: given, installLinks: given.startsWith('file:') && !/\.t(ar\.)?gz$/.test(given) };
  // A checkout has its .git; an installed package (node_modules/herald) has none.
  if (existsSync(path.join(root, '.git'))) return { spec: `file:${root}`, installLinks: true };
  const { version } = require(path.join(root, 'package.json')) as { version: string };
  return { spec: `^${version}`, installLinks: false };
}

/** Runs `herald init`; 0 made, 2 usage (no folder, a folder not empty, no usable name). */
export async function runInit(argv: string[], io: Io = processIo, cwd = process.cwd()): Promise<number> {
  let values, positionals;
  try {
    ({ values, positionals } = parseArgs({ args: argv, strict: true, allowPositionals: true, options: { name: { type: 'string' }, herald: { type: 'string' } } }));
  } catch (error) {
    io.err(`herald init: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (positionals.length !== 1) {
    io.err(`herald init: give one folder\n${USAGE}`);
    return 2;
  }
  const dir = path.resolve(cwd, positionals[0]!);
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length)) {
    io.err(`herald init: ${dir} is ${statSync(dir).isDirectory() ? 'not empty' : 'not a folder'}; give a new or empty folder`);
    return 2;
  }
  let name;
  try {
    name = projectName(values.name ?? path.basename(dir));
  } catch (error) {
    io.err(`herald init: ${(error as Error).message}`);
    return 2;
  }
  const { spec, installLinks } = heraldSpec(values.herald);
  const files = scaffold({ name, herald: spec, installLinks, versions: pinnedVersions(require(path.join(HERALD_ROOT, 'package.json'))) });
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  io.out(`made ${name} in ${dir} (herald ${spec}):`);
  for (const file of Object.keys(files).sort()) io.out(`  ${file}`);
  io.out(`\nnext:\n  cd ${path.relative(cwd, dir) || '.'}\n  npm install\n  npm start        # herald dev on http://127.0.0.1:4000\n  npm test`);
  return 0;
}

export const command: Command = {
  summary: 'make a new Herald project in an empty folder (one event, one function, one test)',
  usage: USAGE,
  run: (argv) => runInit(argv),
};
