#!/usr/bin/env node
// The `herald` command. Handlers and topologies are TypeScript, so the CLI runs under tsx's hooks.
// `--import tsx` covers both require() and the dynamic import() main.ts loads commands with; tsx's
// require-only hook (tsx/cjs/api) does not, and its in-process ESM register fails on Node 20.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(child.status ?? 1);
