import { expect } from 'chai';
import { runFire } from '../../cli/commands/fire';
import { memoryIo } from '../../cli/io';
import { devSession, http, traceUntil } from './helpers';

describe('herald fire', () => {
  let dev: Awaited<ReturnType<typeof devSession>>;
  before(async () => { dev = await devSession(); });
  after(async () => { await dev.session.stop(1000); });

  it('runs the nightly schedule now: its event, built for this time, reaches its subscriber', async () => {
    const io = memoryIo();
    const before = Date.now();
    expect(await runFire(['nightly-report', '--url', dev.url], io), io.stderr.join('\n')).to.equal(0);
    const [, id] = /^fired nightly-report: ReportRequested\.v1 (nightly-report@\S+)$/.exec(io.stdout[0]!) ?? [];
    expect(id).to.be.a('string');
    expect(Date.parse(id!.slice('nightly-report@'.length))).to.be.within(before - 1000, Date.now());
    expect(io.stdout[1]).to.equal(`trace: curl -s ${dev.url}/traces/${encodeURIComponent(id!)}`);
    const trace = await traceUntil(dev.url, id!, (t) => t.some((e) => e.outcome === 'ok'));
    expect(trace.map((e) => [e.function, e.outcome])).to.deep.include(['build-report', 'ok']);
  });

  it('names the schedules for an unknown one (exit 1), and refuses a missing name (exit 2)', async () => {
    const io = memoryIo();
    expect(await runFire(['nightly', '--url', dev.url], io)).to.equal(1);
    expect(io.stderr).to.deep.equal(['herald fire: no schedule "nightly"; schedules: nightly-report']);
    expect(await runFire([], memoryIo())).to.equal(2);
    expect((await http(`${dev.url}/schedules/nightly-report/fire`)).status).to.equal(405);
  });
});
