/**
 * `herald dev`'s hot reload on a real project folder: its files are edited while a session runs, and the
 * watcher (fs.watch) reloads them. Handlers swap in place (a waiting retry, the dead letters, the traces
 * and the dedupe state survive); a topology change re-plans and restarts with the difference printed; a
 * change that fails to load keeps the old code running.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadApp } from '../../providers/app-module';
import { startHotReload, type HotReload } from '../../cli/hot-reload';
import { paintFor } from '../../cli/format';
import { devSession, http, publish } from './helpers';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { until } from './dev-process';

const REPO = path.resolve(__dirname, '../..');

const EVENTS = `import { z } from 'zod';
import { defineEvent } from ${JSON.stringify(path.join(REPO, 'contracts'))};
export const Greeted = defineEvent({ type: 'Greeted', version: 1, source: 'tests.reload', schema: z.object({ name: z.string() }) });
`;

/** The app: one function behind a queue (5 attempts), plus whatever `more` declares. */
const topology = (more = '') => `import { topology } from ${JSON.stringify(path.join(REPO, 'contracts'))};
import { Greeted } from './events';
const t = topology('reload').event(Greeted);
const bus = t.bus('main');
const greetings = t.queue('greetings', { maxAttempts: 5 });
t.fn('greet', { handler: 'functions/greet.ts', timeout: '5s' }).subscribe(bus, { events: [Greeted], via: greetings });
${more}
export const app = t.build();
`;

/** A handler logging `greeted` with its version; version 1 refuses the name "poison" and, once, "retry". */
const greet = (version: number) => `import { on } from ${JSON.stringify(path.join(REPO, 'contracts'))};
import { Greeted } from '../app/events';
export const handler = on(Greeted, async (event, ctx) => {
  if (${version} === 1 && (event.data.name === 'poison' || event.data.name === 'retry')) throw new Error('v1 refuses ' + event.data.name);
  ctx.log.info('greeted', { version: ${version}, name: event.data.name });
});
`;

const audit = `import { on } from ${JSON.stringify(path.join(REPO, 'contracts'))};
import { Greeted } from '../app/events';
export const handler = on(Greeted, async (event, ctx) => { ctx.log.info('audited', { name: event.data.name }); });
`;

describe('herald dev hot reload (a project folder edited while it runs)', function () {
  this.timeout(30_000);
  let dir: string;
  let hot: HotReload | undefined;
  let stop: (() => Promise<unknown>) | undefined;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'herald-reload-'));
    // The project's packages are Herald's (zod): one copy of each, as in a project that installed them.
    symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
    for (const sub of ['app', 'functions']) mkdirSync(path.join(dir, sub));
    writeFileSync(path.join(dir, 'app/events.ts'), EVENTS);
    writeFileSync(path.join(dir, 'app/topology.ts'), topology());
    writeFileSync(path.join(dir, 'functions/greet.ts'), greet(1));
  });

  afterEach(async () => {
    hot?.close();
    await stop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A session on the project; retries wait exactly `backoffMs` × 2^(attempt-1) (long enough to edit a file before one runs, by default). */
  async function start(backoffMs = 2_000) {
    const load = () => loadApp('app/topology.ts', dir).topology;
    const dev = await devSession({ topology: load(), root: dir, backoff: { baseMs: backoffMs, random: () => 1 } });
    stop = () => dev.session.stop(1_000);
    const out: string[] = [];
    hot = startHotReload({ session: dev.session, projectDir: dir, load, out: (line) => out.push(line), paint: paintFor({}), debounceMs: 50 });
    const greeted = () => dev.logs.filter((l) => l.message === 'greeted').map((l) => `v${l.fields.version} ${l.fields.name}`);
    /** Writes a file and resolves to the reload's outcome line (the first new line saying how it ended). */
    const edit = async (file: string, text: string) => {
      const seen = out.length;
      writeFileSync(path.join(dir, file), text);
      return until(() => out.slice(seen).find((l) => /reloaded|restarted|reload failed/.test(l)), 10_000, `a reload after editing ${file}; printed:\n${out.join('\n')}`);
    };
    return { ...dev, out, greeted, edit };
  }

  const greeting = (name: string, id?: string) => ({ type: 'Greeted.v1', data: { name }, ...(id ? { id } : {}) });

  it('swaps a handler in place: new events, a waiting retry and a redriven dead letter run the new code; traces, dead letters and dedupe are kept', async () => {
    const { url, out, greeted, edit, records } = await start();
    expect((await publish(url, greeting('poison'))).status).to.equal(202);
    const a = greeting('a', 'event-a');
    expect((await publish(url, a)).status).to.equal(202);
    // poison is retried (its next attempt in 2 s): wait for its first failure.
    await until(() => (greeted().includes('v1 a') && records.some((r) => r.outcome === 'retry') ? true : undefined), 5_000, 'a greeted, poison retried');
    const retry = await publish(url, greeting('retry'));
    expect(retry.status).to.equal(202);
    await until(() => (records.filter((r) => r.outcome === 'retry').length >= 2 ? true : undefined), 5_000, 'retry failing once');

    const line = await edit('functions/greet.ts', greet(2));
    expect(line).to.match(/reloaded in \d+ ms: handlers swapped, topology unchanged/);
    expect(out.join('\n')).to.contain('functions/greet.ts changed: reloading');

    // A new event runs v2; the event waiting for its retry (queued under v1) runs v2 when its backoff ends; so does poison's next attempt.
    await publish(url, greeting('b'));
    await until(() => (['v2 b', 'v2 retry', 'v2 poison'].every((g) => greeted().includes(g)) ? true : undefined), 10_000, `v2 greetings; greeted: ${greeted().join(', ')}`);
    expect(greeted()).to.not.include('v1 retry');
    // The same event again is a duplicate: the claims of before the swap are kept.
    await publish(url, a);
    await until(() => (records.some((r) => r.id === 'event-a' && r.outcome === 'duplicate') ? true : undefined), 5_000, 'event-a answered as a duplicate');
    expect(greeted().filter((g) => g.endsWith(' a'))).to.deep.equal(['v1 a']);
    // Traces of before the swap are still there.
    const trace = await http(`${url}/traces/event-a`);
    expect(trace.body.map((r: { outcome: string }) => r.outcome)).to.include.members(['ok', 'duplicate']);
  });

  it('keeps the dead letters across a swap, and a redrive runs them on the new code', async () => {
    const { url, greeted, edit, records } = await start(10);
    await publish(url, greeting('poison', 'event-poison'));
    await until(() => (records.some((r) => r.outcome === 'dead-letter') ? true : undefined), 5_000, 'poison dead-lettered after 5 attempts');
    const line = await edit('functions/greet.ts', greet(2));
    expect(line).to.match(/handlers swapped/);
    const dlq = await http(`${url}/dlq`);
    expect(dlq.body.map((l: { event: { id: string } }) => l.event.id)).to.deep.equal(['event-poison']);
    const redriven = await http(`${url}/dlq/redrive?id=event-poison`, { method: 'POST' });
    expect(redriven.body).to.deep.equal({ redriven: 1 });
    await until(() => (greeted().includes('v2 poison') ? true : undefined), 5_000, 'the redriven poison greeted by v2');
  });

  it('keeps the old code running when a change fails to load, then reloads the fixed file', async () => {
    const { url, out, greeted, edit } = await start();
    const failed = await edit('functions/greet.ts', `${greet(2)}\nexport const broken = (;\n`);
    expect(failed).to.contain('reload failed; the previous code keeps running');
    expect(out.join('\n')).to.contain('greet.ts');
    await publish(url, greeting('c'));
    await until(() => (greeted().includes('v1 c') ? true : undefined), 5_000, 'c greeted by v1');

    const invalid = await edit('app/topology.ts', topology(`t.fn('Bad Name', { handler: 'functions/greet.ts' }).subscribe(bus, { events: [Greeted] });`));
    expect(invalid).to.contain('reload failed');
    expect(out.join('\n')).to.match(/Bad Name/);

    const fixed = await edit('functions/greet.ts', greet(3));
    // The topology file still holds the invalid function: the reload fails again, naming it, until that is fixed too.
    expect(fixed).to.contain('reload failed');
    const back = await edit('app/topology.ts', topology());
    expect(back).to.match(/handlers swapped/);
    await publish(url, greeting('d'));
    await until(() => (greeted().includes('v3 d') ? true : undefined), 5_000, 'd greeted by v3');
  });

  it('re-plans a topology change, prints what changed, and runs it on the same stores', async () => {
    const { url, out, greeted, edit, logs, session } = await start();
    await publish(url, greeting('before', 'event-before'));
    await until(() => (greeted().includes('v1 before') ? true : undefined), 5_000, 'before greeted');
    writeFileSync(path.join(dir, 'functions/audit.ts'), audit);
    const line = await edit('app/topology.ts', topology(`t.fn('audit', { handler: 'functions/audit.ts', timeout: '5s' }).subscribe(bus, { events: [Greeted] });`));
    expect(line).to.match(/topology changed: re-planned and restarted in \d+ ms/);
    const printed = out.join('\n');
    expect(printed).to.contain('+ subscription audit-main');
    expect(printed).to.contain('+ function audit');
    expect(session.runtime.topology.functions.map((f) => f.name)).to.deep.equal(['greet', 'audit']);

    await publish(url, greeting('after'));
    await until(() => (greeted().includes('v1 after') && logs.some((l) => l.message === 'audited' && l.fields.name === 'after') ? true : undefined), 5_000, 'after greeted and audited');
    // What the first runtime recorded is still there: its trace, and its claim (the same event again is a duplicate).
    expect((await http(`${url}/traces/event-before`)).body.map((r: { function: string }) => r.function)).to.deep.equal(['greet']);
    await publish(url, greeting('before', 'event-before'));
    await until(() => (greeted().filter((g) => g === 'v1 before').length === 1 && logs.some((l) => l.message === 'audited' && l.fields.name === 'before') ? true : undefined), 5_000, 'before audited once, greeted once');

    // A change to a queue's settings shows on the subscription reading it.
    const changed = await edit('app/topology.ts', topology(`t.fn('audit', { handler: 'functions/audit.ts', timeout: '5s' }).subscribe(bus, { events: [Greeted] });`).replace('maxAttempts: 5', 'maxAttempts: 6'));
    expect(changed).to.match(/restarted/);
    expect(out.join('\n')).to.contain('~ subscription greet-main: maxAttempts');
    expect(out.join('\n')).to.contain('~ queue greetings: maxAttempts');
  });

  it('is what `herald dev` does: it watches the app it runs and says so, and --no-reload turns it off', async () => {
    const run = (...args: string[]) => {
      const child = spawn(process.execPath, ['--import', pathToFileURL(path.join(REPO, 'node_modules/tsx/dist/loader.mjs')).href, path.join(REPO, 'cli/main.ts'), 'dev', '--app', 'app/topology.ts', '--memory', ...args], {
        cwd: dir, env: { ...process.env, PORT: '0', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out = { text: '' };
      child.stdout.on('data', (c: Buffer) => { out.text += c; });
      child.stderr.on('data', (c: Buffer) => { out.text += c; });
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      stop = async () => { child.kill('SIGTERM'); await exited; };
      return out;
    };
    const out = run();
    const url = await until(() => (out.text.includes('Ctrl-C to stop') ? /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out.text)?.[1] : undefined), 20_000, `herald dev to start:\n${out.text}`);
    await until(() => (out.text.includes("watching the app's files") ? true : undefined), 5_000, 'the watch line');
    writeFileSync(path.join(dir, 'functions/greet.ts'), greet(2));
    await until(() => (/reloaded in \d+ ms: handlers swapped/.test(out.text) ? true : undefined), 10_000, `the reload line:\n${out.text}`);
    await publish(url, greeting('cli'));
    await until(() => (/greet\s+greeted version=2 name=cli/.test(out.text) ? true : undefined), 5_000, `v2's log line:\n${out.text}`);
    await stop!();

    const quiet = run('--no-reload');
    await until(() => (quiet.text.includes('Ctrl-C to stop') ? true : undefined), 20_000, `herald dev --no-reload to start:\n${quiet.text}`);
    writeFileSync(path.join(dir, 'functions/greet.ts'), greet(3));
    await new Promise((r) => setTimeout(r, 500));
    expect(quiet.text).to.not.contain('watching');
    expect(quiet.text).to.not.contain('reloading');
  });
});
