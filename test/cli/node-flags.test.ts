/**
 * cli/bin.js starts each command in a child process with that command's Node flags (cli/node-flags.js):
 * `herald worker` with a larger young generation, the other commands with none. Observed in the child itself,
 * through a preload that records its execArgv.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../..');
const { WORKER_FLAGS } = require('../../cli/node-flags.js') as { WORKER_FLAGS: string[] };

describe('herald (cli/bin.js): the Node flags of each command', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => { dir = mkdtempSync(path.join(tmpdir(), 'herald-node-flags-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The execArgv of every Node process and thread `herald <argv>` ran (bin.js's own first, then the command's). */
  const execArgvOf = (argv: string[]) => {
    const log = path.join(dir, `${argv[0]}.log`);
    const preload = path.join(dir, 'record-exec-argv.cjs');
    writeFileSync(preload, `require('node:fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.execArgv) + '\\n');`);
    writeFileSync(log, '');
    const r = spawnSync(process.execPath, [path.join(REPO, 'cli/bin.js'), ...argv], { env: { ...process.env, NODE_OPTIONS: `--require ${preload}` }, encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(2); // both commands below stop at their usage error
    return readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[]);
  };

  it('starts herald worker with the worker flags, and other commands without them', () => {
    expect(WORKER_FLAGS).to.deep.equal(['--max-semi-space-size=64']);
    const [launcher, ...worker] = execArgvOf(['worker']);
    expect(launcher).to.deep.equal([]);
    expect(worker.filter((argv) => argv.includes('--import'))).to.have.length.at.least(1);
    for (const argv of worker.filter((a) => a.includes('--import'))) expect(argv).to.include.members(WORKER_FLAGS);
    const publish = execArgvOf(['publish']).flat();
    expect(publish).to.include('--import');
    expect(publish).to.not.include.members(WORKER_FLAGS);
  });

  it('starts herald dev with the worker flags on Kafka only, where it is a worker too', () => {
    const withFlags = (argv: string[]) => execArgvOf(argv).filter((a) => a.includes('--import'));
    for (const argv of [['dev', '--transport', 'kafka', '--bogus'], ['dev', '--transport=local', '--transport=kafka', '--bogus']]) {
      const started = withFlags(argv);
      expect(started, argv.join(' ')).to.have.length.at.least(1);
      for (const a of started) expect(a, argv.join(' ')).to.include.members(WORKER_FLAGS);
    }
    for (const argv of [['dev', '--bogus'], ['dev', '--transport', 'local', '--bogus'], ['dev', '--transport=kafka', '--transport', 'local', '--bogus']]) {
      const started = withFlags(argv);
      expect(started, argv.join(' ')).to.have.length.at.least(1);
      for (const a of started) expect(a, argv.join(' ')).to.not.include.members(WORKER_FLAGS);
    }
  });
});
