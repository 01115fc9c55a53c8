#!/usr/bin/env node
// The `herald` command. Handlers and topologies are TypeScript, so the CLI runs through tsx's require hook.
require('tsx/cjs/api').register();
require('./main.ts');
