/**
 * `herald init` end to end, as a new user runs it: this repository packed (`npm pack`, what the registry
 * would serve), a project made with `herald init` depending on that tarball, `npm install`, `npm test` and
 * the type-check in it, its index.ts under Pulumi's own host (as `pulumi up` loads it), and `npm start` long
 * enough to publish an event over HTTP and see its function handle it.
 *
 * The install is the cost: a cold one takes about 6 minutes here (most of it building better-sqlite3 from
 * source). So the project's node_modules is kept between runs in the system's temporary folder
 * (herald-init-cache, keyed by the dependencies), moved into the new project before `npm install` and back
 * after: a warm run reinstalls only Herald from the new tarball (seconds). The move is a rename, so two runs
 * never share one tree. Not under .ci/cache: the repository's tsconfig includes .ci/**, and a tree of
 * packages whose folder is not named node_modules would be type-checked whole.
 */
import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { runInit } from '../../cli/commands/init';
import { memoryIo } from '../../cli/io';
import { pinnedVersions } from '../../cli/scaffold';
import { runLikePulumi } from '../helpers/pulumi-host';

const ROOT = path.resolve(__dirname, '../..');
const CACHE = path.join(tmpdir(), 'herald-init-cache');
const run = promisify(execFile);

/** The environment of a user's shell: none of the npm or loader variables of the `npm test` running this. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|NODE_OPTIONS$|INIT_CWD$|TSX_)/i.test(k)));
  return { ...env, NO_COLOR: '1', ...extra };
}

/** The cached tree for these dependencies (Herald's and the project's pins): a change makes a new one. */
function cachedModules(): string {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const key = createHash('sha256').update(JSON.stringify([pkg.dependencies, pinnedVersions(pkg as never)])).digest('hex').slice(0, 16);
  return path.join(CACHE, `node_modules-${key}`);
}

describe('a project made by herald init, installed from this package', function () {
  // A cold install is bounded at 15 minutes; a warm run takes well under a minute.
  this.timeout(20 * 60_000);
  let work: string;
  let project: string;
  let modules: string;
  let tarball: string;
  let packed: string[];
  let installed = false;

  before(async () => {
    mkdirSync(CACHE, { recursive: true });
    work = mkdtempSync(path.join(CACHE, 'run-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, env: userEnv(), maxBuffer: 16 * 1024 * 1024 });
    const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(work, info!.filename);
    packed = info!.files.map((f) => f.path);
    expect(await runInit(['new-app', '--herald', `file:${tarball}`], memoryIo(), work)).to.equal(0);
    project = path.join(work, 'new-app');
    modules = cachedModules();
    try {
      renameSync(modules, path.join(project, 'node_modules'));
    } catch {
      // No cached tree (first run, or another run holds it): a cold install.
    }
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: project, env: userEnv(), timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 });
    installed = true;
  });

  after(() => {
    // Only a complete install is kept: a cut-short one is not worth reusing.
    if (installed && !existsSync(modules)) renameSync(path.join(project, 'node_modules'), modules);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('packs what a project runs (the CLI, providers, contracts, runtime) and nothing of tests, bench, .ci or the example app', () => {
    for (const file of ['cli/bin.js', 'cli/node-flags.js', 'cli/main.ts', 'exports/index.js', 'exports/program.types.d.ts', 'providers/program.ts', 'contracts/index.ts', 'runtime/index.ts', 'package.json']) {
      expect(packed, file).to.include(file);
    }
    expect(packed.filter((f) => /^(test|bench|\.ci|app|functions)\//.test(f))).to.deep.equal([]);
  });

  it('passes its own tests: the handler through the pipeline, and the AWS plan under Pulumi mocks', async () => {
    const { stdout } = await run('npm', ['test'], { cwd: project, env: userEnv(), timeout: 5 * 60_000 });
    expect(stdout).to.match(/3 passing/);
    expect(stdout).to.not.match(/failing/);
  });

  it('type-checks against the package’s types', async () => {
    await run('npm', ['run', 'typecheck'], { cwd: project, env: userEnv(), timeout: 5 * 60_000 });
  });

  it('loads under Pulumi’s own Node.js host as pulumi up loads it (ts-node, both modes), Herald’s sources in node_modules included', async () => {
    for (const transpileOnly of [true, false]) {
      const { resources } = await runLikePulumi({ projectDir: project, stack: 'dev', transpileOnly });
      const names = resources.map((r) => `${r.type} ${r.name}`);
      expect(names, `transpileOnly ${transpileOnly}`).to.include.members(['pulumi:pulumi:Stack new-app-dev', 'herald:aws:Function send-welcome', 'aws:lambda/function:Function send-welcome', 'herald:aws:Bus new-app']);
    }
  });

  it('npm start serves the app: an event published over HTTP is handled by its function', async () => {
    const child = spawn('npm', ['start'], { cwd: project, env: userEnv({ PORT: '0' }), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c; });
    child.stderr.on('data', (c: Buffer) => { out += c; });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const waitFor = async (pattern: RegExp, ms: number) => {
      for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
        const m = pattern.exec(out);
        if (m) return m;
      }
      throw new Error(`timed out waiting for ${pattern}; output:\n${out}`);
    };
    try {
      const url = (await waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 60_000))[1]!;
      const response = await fetch(`${url}/events`, {
        method: 'POST', headers: { 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify({ specversion: '1.0', type: 'UserSignedUp.v1', source: 'new-app.accounts', data: { userId: 'u-1', email: 'ada@example.com' } }),
      });
      expect(response.status).to.equal(202);
      const { ids } = await response.json() as { ids: string[] };
      await waitFor(new RegExp(`send-welcome +UserSignedUp\\.v1 +${ids[0]} +#1 +ok`), 20_000);
      expect(out).to.match(/welcome sent userId=u-1 to=ada@example\.com/);
      expect(out).to.match(/^herald dev · new-app$/m);
    } finally {
      // npm, its shell and herald dev are one process group: stop them together.
      process.kill(-child.pid!, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    }
  });
});
