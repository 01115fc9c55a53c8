/** `herald worker`'s usage errors: each names its flag or variable, before anything connects (exit 2). */
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
});
