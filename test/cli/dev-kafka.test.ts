/**
 * The README's "Run on Kafka" as a user runs it: `herald dev --transport kafka` and a `herald worker`, each a
 * process, on a real broker. The order's trace on the dev server shows every delivery, whichever process made
 * it; each stops on SIGTERM at once, exit 0, having settled what it took (events another worker settled are
 * not waited for), and the banner gives the limits that hold on Kafka.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startKafkaBroker, type KafkaBroker } from '../helpers/kafka-broker';
import { heraldProcess, startDev, until } from './dev-process';
import { order, publish, traceUntil } from './helpers';

/** `herald worker` of the example app as a child process; resolves once it printed its banner (its groups joined). */
async function startWorker(cwd: string, args: string[]) {
  const worker = heraldProcess(cwd, 'worker', args, { HERALD_BACKOFF_BASE_MS: '30' });
  await until(() => (worker.out.stdout.includes('herald worker · shop') ? true : undefined), 60_000, `herald worker to join; stderr:\n${worker.out.stderr}`)
    .catch((error: unknown) => { worker.child.kill('SIGKILL'); throw error; });
  return worker;
}

describe('herald dev --transport kafka and herald worker, as processes on a real broker', function () {
  this.timeout(180_000);
  let broker: KafkaBroker;
  let cwd: string;
  before(async () => {
    broker = await startKafkaBroker();
    cwd = mkdtempSync(path.join(tmpdir(), 'herald-dev-kafka-'));
  });
  after(async () => {
    await broker?.stop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('traces an order across both, and each stops on SIGTERM at once with everything it took settled', async () => {
    const brokers = broker.brokers.join(',');
    const dev = await startDev(cwd, ['--transport', 'kafka', '--brokers', brokers, '--stack', 'readme', '--partitions', '2', '--no-reload'], { HERALD_BACKOFF_BASE_MS: '30' });
    const worker = await startWorker(cwd, ['--brokers', brokers, '--stack', 'readme', '--partitions', '2']);
    try {
      expect(dev.out.stdout).to.match(/^events on Kafka at 127\.0\.0\.1:\d+ \(shop\.readme\.\*\)/m);
      expect(dev.out.stdout).to.match(/· dedupe ≤ 1000000 ids per function, 24 h$/m);

      const orders = ['o-k1', 'o-k2', 'o-k3', 'o-k4'];
      for (const id of orders) expect((await publish(dev.url, { type: 'OrderPlaced.v2', correlationid: id, data: order(id, { channel: 'web' }) })).status).to.equal(202);
      const fns = (trace: any[]) => trace.filter((r) => r.outcome === 'ok').map((r) => r.function).sort();
      const everyOne = ['audit-orders', 'audit-orders', 'charge-payment', 'confirm-order', 'notify-warehouse', 'send-confirmation'];
      for (const id of orders) {
        const trace = await traceUntil(dev.url, id, (t) => fns(t).length === everyOne.length, 30_000);
        expect(fns(trace)).to.deep.equal(everyOne);
      }
      // Both processes consume every subscription: the worker took some of the deliveries.
      expect(worker.out.stdout).to.match(/ #1 {2}ok /);

      const stopping = Date.now();
      dev.child.kill('SIGTERM');
      worker.child.kill('SIGTERM');
      const [devCode, workerCode] = await Promise.all([dev.exited, worker.exited]);
      expect(devCode, `dev stdout:\n${dev.out.stdout}\nstderr:\n${dev.out.stderr}`).to.equal(0);
      expect(workerCode, `worker stdout:\n${worker.out.stdout}\nstderr:\n${worker.out.stderr}`).to.equal(0);
      expect(dev.out.stdout).to.match(/^stopped: every event taken was settled$/m);
      expect(worker.out.stdout).to.match(/^stopped: everything taken was settled$/m);
      // Not the 10 s grace period: nothing another process settled was waited for.
      expect(Date.now() - stopping).to.be.below(9_000);
    } finally {
      dev.child.kill('SIGKILL');
      worker.child.kill('SIGKILL');
    }
  });
});
