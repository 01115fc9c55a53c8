#!/usr/bin/env node
// The `herald` command. Handlers and topologies are TypeScript, so the CLI runs under tsx's hooks:
// `--import tsx` covers both require() and the dynamic import() main.ts loads commands with (tsx's
// require-only hook does not, and its in-process ESM register fails on Node 20). Signals are forwarded,
// so SIGTERM to this process stops `herald dev` gracefully too. Some commands get Node flags (node-flags.js).
const { spawn } = require('node:child_process');
const path = require('node:path');
const { nodeFlagsFor } = require('./node-flags.js');

// tsx is resolved from this package, not the working directory, so `herald` works from anywhere.
const tsx = require('node:url').pathToFileURL(require.resolve('tsx')).href;
const argv = process.argv.slice(2);
const child = spawn(process.execPath, [...nodeFlagsFor(argv), '--import', tsx, path.join(__dirname, 'main.ts'), ...argv], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (require('node:os').constants.signals[signal] ?? 0) : 1)));
