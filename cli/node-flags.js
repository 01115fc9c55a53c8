// Node flags of the processes `herald` starts, by command (cli/bin.js starts every command in a child process).
// Plain CommonJS: bin.js reads it before tsx is loaded, and bench/kafka/processes.ts gives its consumers the same.
const { parseArgs } = require('node:util');

/**
 * `herald worker`: a young generation of up to 64 MB a half instead of 16. A worker allocates about twice what a
 * bare consumer does per event, while each young collection copies about the same few megabytes still alive (the
 * fetched batches in flight), so with the default size it collected twice as often for the same work. Measured
 * with `npm run bench -- kafka` (every side given the same flags): herald/bare throughput 0.46–0.57 without it,
 * 0.64–0.67 with it; 128 MB gave 0.69 but a p99 latency 1.6 times the bare one.
 */
const WORKER_FLAGS = ['--max-semi-space-size=64'];

/** The flags for `herald <argv>`: the worker's for a worker (`herald dev` on Kafka is one too), or none. */
function nodeFlagsFor(argv) {
  return argv[0] === 'worker' || (argv[0] === 'dev' && transportOf(argv.slice(1)) === 'kafka') ? WORKER_FLAGS : [];
}

/** The `--transport` of a command line, read as the command reads it (the last one given counts), whatever else it holds. */
function transportOf(args) {
  return parseArgs({ args, strict: false, allowPositionals: true, options: { transport: { type: 'string' } } }).values.transport;
}

module.exports = { WORKER_FLAGS, nodeFlagsFor };
