import { expect } from 'chai';
import { runDlq } from '../../cli/commands/dlq';
import { memoryIo } from '../../cli/io';
import { devSession, order, publish } from './helpers';

describe('herald dlq', () => {
  let dev: Awaited<ReturnType<typeof devSession>>;
  let poison: string[];
  before(async () => {
    dev = await devSession({ backoff: { baseMs: 1, capMs: 2 } });
    poison = [];
    for (const who of ['eve', 'mallory']) {
      const r = await publish(dev.url, { type: 'OrderPlaced.v2', data: order(`o-${who}`, { channel: 'web', customerEmail: `${who}@fail.example` }) });
      poison.push(r.body.ids[0]);
    }
    await dev.session.runtime.idle();
  });
  after(async () => { await dev.session.stop(1000); });

  it('lists the dead letters as a table', async () => {
    const io = memoryIo();
    expect(await runDlq(['list', '--url', dev.url], io)).to.equal(0);
    expect(io.stdout[0]).to.match(/^ID\s+TYPE\s+FUNCTION\s+ATTEMPTS\s+AT\s+REASON$/);
    expect(io.stdout).to.have.length(3);
    for (const id of poison) {
      const row = io.stdout.find((l) => l.startsWith(id));
      expect(row).to.match(/OrderPlaced\.v2\s+charge-payment\s+5\s+\S+\s+gave up after 5 attempts: Error: payment processor unavailable/);
    }
  });

  it('lists them as JSON with --json', async () => {
    const io = memoryIo();
    expect(await runDlq(['list', '--json', '--url', dev.url], io)).to.equal(0);
    const letters = JSON.parse(io.stdout.join('\n'));
    expect(letters.map((l: { id: string }) => l.id).sort()).to.deep.equal([...poison].sort());
  });

  it('redrives one by id, then all, and says when there are none', async () => {
    let io = memoryIo();
    expect(await runDlq(['redrive', '--id', poison[0]!, '--url', dev.url], io)).to.equal(0);
    expect(io.stdout).to.deep.equal(['redriven 1 dead letter']);
    await dev.session.runtime.idle();
    const attempts = dev.records.filter((r) => r.id === poison[0] && r.function === 'charge-payment').map((r) => r.attempt);
    expect(attempts).to.deep.equal([1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);
    io = memoryIo();
    expect(await runDlq(['redrive', '--url', dev.url], io)).to.equal(0);
    expect(io.stdout).to.deep.equal(['redriven 2 dead letters']);
    await dev.session.runtime.idle();
    io = memoryIo();
    expect(await runDlq(['redrive', '--id', 'nope', '--url', dev.url], io)).to.equal(1);
    expect(io.stderr).to.deep.equal(['herald dlq: rejected (404): no dead letter with id "nope"']);
  });

  it('says "no dead letters" for an empty list', async () => {
    const empty = await devSession();
    try {
      const io = memoryIo();
      expect(await runDlq(['list', '--url', empty.url], io)).to.equal(0);
      expect(io.stdout).to.deep.equal(['no dead letters']);
    } finally {
      await empty.session.stop(100);
    }
  });

  it('exits 1 when no server runs, and 2 on bad usage', async () => {
    let io = memoryIo();
    expect(await runDlq(['list', '--url', 'http://127.0.0.1:9'], io)).to.equal(1);
    expect(io.stderr[0]).to.match(/^herald dlq: no herald dev server at http:\/\/127\.0\.0\.1:9/);
    for (const argv of [[], ['drop'], ['redrive', '--json'], ['list', 'extra']]) {
      io = memoryIo();
      expect(await runDlq(argv, io), argv.join(' ')).to.equal(2);
      expect(io.stderr[0]).to.match(/^herald dlq: /);
    }
  });

  it('filters by function and type, and purges what a filter matches for good', async () => {
    await dev.session.runtime.idle();
    let io = memoryIo();
    expect(await runDlq(['list', '--json', '--function', 'charge-payment', '--type', 'OrderPlaced.v2', '--url', dev.url], io)).to.equal(0);
    expect(JSON.parse(io.stdout.join('\n')).map((l: { id: string }) => l.id).sort()).to.deep.equal([...poison].sort());
    io = memoryIo();
    expect(await runDlq(['list', '--function', 'audit-orders', '--url', dev.url], io)).to.equal(0);
    expect(io.stdout).to.deep.equal(['no dead letters']);
    io = memoryIo();
    expect(await runDlq(['purge', '--id', poison[0]!, '--url', dev.url], io)).to.equal(0);
    expect(io.stdout).to.deep.equal(['purged 1 dead letter']);
    io = memoryIo();
    expect(await runDlq(['purge', '--type', 'OrderPlaced.v2', '--url', dev.url], io)).to.equal(0);
    expect(io.stdout).to.deep.equal(['purged 1 dead letter']);
    expect(dev.session.runtime.deadLetters.size).to.equal(0);
  });
});
