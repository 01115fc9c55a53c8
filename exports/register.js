'use strict';
// Herald ships its TypeScript sources, with no build step. Its package entries are these small CommonJS
// files: each registers tsx's require hook (once per process; tsx is a dependency) and loads the source.
// The hook is global, not namespaced: a namespaced one loads a second copy of every dependency
// (@pulumi/pulumi among them, whose state must be one per process). Under `pulumi up` it also compiles the
// sources in node_modules, which the Pulumi host's ts-node skips.
require('tsx/cjs/api').register();
