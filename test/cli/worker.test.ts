/**
 * `herald worker`'s usage errors: each names its flag or variable, before anything connects (exit 2); and a stop
 * while it connects.
 */
import { expect } from 'chai';
import { runWorker } from '../../cli/commands/worker';
import { memoryIo } from '../../cli/io';

describe('herald worker (usage)', () => {
  const run = async (argv: string[], env: Record<string, string> = {}) => {
    const io = memoryIo();
    const code = await runWorker(argv, io, env);
    return { code, err: io.stderr.join('\n') };
  };

  it('needs brokers, from --brokers or HERALD_KAFKA_BROKERS', async () => {
    const { code, err } = await run([]);
    expect(code).to.equal(2);
    expect(err).to.match(/--brokers \(or HERALD_KAFKA_BROKERS\) is not set/);
  });

  it('refuses a bad concurrency, stack or partitions, naming each', async () => {
    expect((await run(['--brokers', '127.0.0.1:9', '--concurrency', '0'])).err).to.match(/--concurrency must be a whole number ≥ 1, got "0"/);
    expect((await run(['--brokers', '127.0.0.1:9', '--stack', 'a.b'])).err).to.match(/--stack is "a\.b"/);
    expect((await run(['--brokers', '127.0.0.1:9', '--partitions', 'x'])).err).to.match(/--partitions is "x"/);
  });

  it('refuses a function the app does not have, listing those it has', async () => {
    const { code, err } = await run(['--brokers', '127.0.0.1:9', '--functions', 'charge-payment,nope']);
    expect(code).to.equal(2);
    expect(err).to.match(/--functions names nope, not in shop; its functions are charge-payment, /);
  });

  it('stops at once when told to while it connects, not once the connection gives up', async () => {
    const io = memoryIo();
    const started = Date.now();
    // Nothing listens on port 1: kafkajs would retry for about 30 s before giving up.
    const running = runWorker(['--brokers', '127.0.0.1:1'], io, {});
    setTimeout(() => process.emit('SIGTERM', 'SIGTERM'), 300);
    const code = await running;
    expect(code).to.equal(0);
    expect(Date.now() - started, 'ms to stop').to.be.below(3_000);
    expect(io.stdout.join('\n')).to.match(/SIGTERM: stopped while connecting to the cluster, before taking any work/);
  });
});
