/**
 * Preloaded (`node -r`) into Pulumi's own Node.js language host entry (`@pulumi/pulumi/cmd/run`) by
 * `pulumi-host.ts`, so the program is loaded exactly as `pulumi up` loads it (entry resolution, ts-node
 * registration, tsconfig) but against bare mocks instead of a resource monitor: every resource's outputs
 * equal its inputs, as far as a program may rely on while declaring. Records each registered resource's
 * type and name and writes them, as JSON, to HERALD_HOST_OUT when the process exits. Plain CommonJS:
 * it runs before any TypeScript loader exists.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const out = process.env.HERALD_HOST_OUT;
if (!out) throw new Error('HERALD_HOST_OUT is not set');
const pulumi = require(require.resolve('@pulumi/pulumi', { paths: [process.cwd()] }));

const recorded = [];
pulumi.runtime.setMocks(
  {
    newResource(args) {
      recorded.push({ type: args.type, name: args.name });
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call(args) {
      return args.inputs;
    },
  },
  process.env.PULUMI_NODEJS_PROJECT_NAME,
  process.env.PULUMI_NODEJS_STACK_NAME,
  false,
);
// Pulumi's host signals the monitor once the program is done; the mock monitor of this SDK version lacks it.
const { MockMonitor } = require(require.resolve('@pulumi/pulumi/runtime/mocks', { paths: [process.cwd()] }));
MockMonitor.prototype.signalAndWaitForShutdown ??= (_request, callback) => callback(null, {});

process.on('exit', () => {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(recorded));
});
