/**
 * `herald dev` keeps its state in a file (`--state`, default .herald/state.db under the app root) or
 * nowhere (`--memory`): the options, and a real process killed with SIGKILL and started again on its file.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runDev } from '../../cli/commands/dev';
import { openState } from '../../providers/local';
import { sleep, startDev, traceOf, until } from './dev-process';
import { http, order, publish } from './helpers';

describe('herald dev state (--state, --memory)', function () {
  this.timeout(60_000);

  it('refuses --state together with --memory, and an empty --state, before starting anything', async () => {
    for (const argv of [['--state', 'x.db', '--memory'], ['--state', '']]) {
      const err: string[] = [];
      const code = await runDev(argv, { out: () => {}, err: (line) => err.push(line) }, {});
      expect(code, argv.join(' ')).to.equal(2);
      expect(err.join('\n')).to.match(/--state and --memory exclude each other|--state needs a file/);
    }
  });

  it('--memory runs with state in this process, and says so at start', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'herald-dev-state-'));
    let dev: Awaited<ReturnType<typeof startDev>> | undefined;
    try {
      dev = await startDev(cwd, ['--memory'], {});
      expect(dev.out.stdout).to.match(/^state in memory \(--memory\): what is accepted and not yet handled is lost when this process stops$/m);
      expect((await publish(dev.url, { type: 'OrderPlaced.v2', data: order('o-mem', { channel: 'web' }) })).status).to.equal(202);
    } finally {
      dev?.child.kill('SIGKILL');
      await dev?.exited;
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('refuses to start on a state file another runtime has open, naming it', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'herald-dev-state-'));
    const file = path.join(cwd, 'state.db');
    const held = openState(file);
    try {
      const err: string[] = [];
      const code = await runDev(['--state', file, '--port', '0'], { out: () => {}, err: (line) => err.push(line) }, {});
      expect(code).to.equal(1);
      expect(err.join('\n')).to.equal(`herald dev: ${file} is in use by another process (another herald dev?); stop it, or start with another --state file or --memory`);
    } finally {
      held.close();
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('after kill -9, starts again on its state file and delivers what was owed to the subscription that owed it, attempts kept', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'herald-dev-state-'));
    const state = path.join(cwd, 'state.db');
    let first: Awaited<ReturnType<typeof startDev>> | undefined;
    let second: Awaited<ReturnType<typeof startDev>> | undefined;
    try {
      // arrange: a good order handled everywhere, a poison order waiting (up to 5 s, the backoff's full jitter) to retry charge-payment
      first = await startDev(cwd, ['--state', state], { HERALD_BACKOFF_BASE_MS: '5000' });
      expect(first.out.stdout).to.contain(`state in ${state}: every accepted event is kept until handled`);
      const good = (await publish(first.url, { type: 'OrderPlaced.v2', data: order('o-good', { channel: 'web' }) })).body.ids[0];
      const poison = (await publish(first.url, { type: 'OrderPlaced.v2', data: order('o-poison', { channel: 'web', customerEmail: 'x@fail.example' }) })).body.ids[0];
      const f = first;
      const oks = (trace: any[], fn: string) => trace.filter((e) => e.function === fn && e.outcome === 'ok').length;
      const settled = (trace: any[]) => oks(trace, 'send-confirmation') === 1 && oks(trace, 'notify-warehouse') === 1 && oks(trace, 'audit-orders') === 2;
      await until(async () => (settled(await traceOf(f.url, good)) ? true : undefined), 10_000, 'the good order to be handled everywhere');
      const waiting = (trace: any[]) => oks(trace, 'audit-orders') === 1 && trace.some((e) => e.function === 'charge-payment' && e.outcome === 'retry');
      await until(async () => (waiting(await traceOf(f.url, poison)) ? true : undefined), 10_000, 'the poison order to be audited and retrying');
      const [goodBefore, poisonBefore] = [await traceOf(f.url, good), await traceOf(f.url, poison)];
      // Settlements are committed within a turn of the event loop after their outcome; leave a margin.
      await sleep(100);

      // act
      first.child.kill('SIGKILL');
      await first.exited;
      second = await startDev(cwd, ['--state', state], { HERALD_BACKOFF_BASE_MS: '10' });
      const s = second;
      const letter = await until(async () => (await http(`${s.url}/dlq`)).body.find((l: any) => l.id === poison), 15_000, 'the poison order in /dlq');

      // assert
      // The jitter may have let a retry or two run before the kill: whatever attempts ran were retries, from 1 on.
      const triedBefore = poisonBefore.filter((e) => e.function === 'charge-payment').map((e) => `${e.attempt}:${e.outcome}`);
      expect(triedBefore).to.deep.equal(triedBefore.map((_, i) => `${i + 1}:retry`)).and.to.have.length.within(1, 3);
      expect(second.out.stdout).to.match(/^resuming \d+ deliver(y|ies) owed from the last run$/m);
      expect(letter).to.include({ function: 'charge-payment', attempts: 5 });
      // The traces outlived the kill. Only charge-payment owed the poison order: nothing else ran it again,
      // and it went on from the attempt after the last one before the kill, up to the 5th.
      const poisonAfter = await traceOf(s.url, poison);
      expect(poisonAfter.slice(0, poisonBefore.length)).to.deep.equal(poisonBefore);
      const next = triedBefore.length + 1;
      expect(poisonAfter.slice(poisonBefore.length).map((e) => `${e.function} ${e.attempt}:${e.outcome}`)).to.deep.equal(
        [...Array.from({ length: 5 - next }, (_, i) => `charge-payment ${next + i}:retry`), 'charge-payment 5:dead-letter'],
      );
      // The good order was settled before the kill: its trace is as it was, and nothing ran it again.
      expect(goodBefore.length).to.be.greaterThan(3);
      expect(await traceOf(s.url, good)).to.deep.equal(goodBefore);
      // Its handlers remember it: a copy posted again is a duplicate to each of them.
      expect((await publish(s.url, { id: good, type: 'OrderPlaced.v2', data: order('o-good', { channel: 'web' }) })).status).to.equal(202);
      const again = await until(async () => {
        const trace = await traceOf(s.url, good);
        return trace.length >= goodBefore.length + 2 ? trace.slice(goodBefore.length) : undefined;
      }, 10_000, 'the copy to reach the functions that read orders');
      expect(again.map((e) => `${e.function} ${e.outcome}`).sort()).to.deep.equal(['audit-orders duplicate', 'charge-payment duplicate']);
    } finally {
      first?.child.kill('SIGKILL');
      second?.child.kill('SIGKILL');
      await Promise.all([first?.exited, second?.exited]);
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
