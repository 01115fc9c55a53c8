/**
 * The test Pub/Sub itself: a real pstest that @google-cloud/pubsub publishes to and pulls from with
 * `pstestClientOptions` or under `pstestEnv`, reaching nothing but the server; stopped for good; and a binary that is missing or
 * does not start fails with the reason. Needs `bash .ci/pstest/setup.sh` (npm's pretest runs it); without it
 * the tests fail, they never skip.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { acceptsConnections } from './kafka-broker';
import { PSTEST_SETUP_COMMAND, pstestClientOptions, pstestEnv, startPstest, type Pstest } from './pstest';
import { expectReject } from './reject';

const ROOT = path.resolve(__dirname, '../..');

/** Creates a topic and a subscription, publishes one message and pulls it, in a child process whose every connection and lookup is reported. */
const ROUND_TRIP = `
const { PubSub, v1 } = require('@google-cloud/pubsub');
(async () => {
  const pubsub = new PubSub(process.env.PSTEST_OPTIONS ? JSON.parse(process.env.PSTEST_OPTIONS) : undefined);
  const [topic] = await pubsub.createTopic('round-trip-' + process.pid);
  const [sub] = await topic.createSubscription('round-trip-' + process.pid);
  await topic.publishMessage({ data: Buffer.from('{"n":1}'), attributes: { 'ce-type': 'A.v1' } });
  const config = await pubsub.getClientConfig();
  const subscriber = new v1.SubscriberClient({ ...config, port: Number(config.port) });
  const [response] = await subscriber.pull({ subscription: sub.name, maxMessages: 10, returnImmediately: true });
  const m = response.receivedMessages[0].message;
  process.stdout.write(JSON.stringify({ data: Buffer.from(m.data).toString(), attributes: m.attributes }));
  await subscriber.close();
  await pubsub.close();
})().catch((e) => { process.stderr.write(String(e.stack)); process.exit(1); });
`;

describe('test Pub/Sub (startPstest)', function () {
  this.timeout(30_000);
  let server: Pstest | undefined;
  after(async () => server?.stop());

  /** Runs ROUND_TRIP in a child with the network spy; resolves to its exit code, output and distinct NETWORK lines. */
  async function roundTrip(extraEnv: Record<string, string>) {
    const spy = `--require ${path.join(__dirname, 'network-spy.cjs')}`;
    // Only what the case gives: no Pub/Sub or metadata settings inherited from the test's own environment.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PUBSUB_|METADATA_SERVER_DETECTION$|GCE_METADATA_)/.test(k)));
    const env = { ...inherited, ...extraEnv, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${spy}` };
    const child = spawn(process.execPath, ['-e', ROUND_TRIP], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    const code = await new Promise((exited) => child.on('close', exited));
    return { code, stdout, stderr, network: [...new Set(stderr.split('\n').filter((l) => l.startsWith('NETWORK ')))] };
  }

  it('starts a pstest the Pub/Sub client reaches with pstestClientOptions or pstestEnv, and nothing else (no metadata server probe), then stops it for good', async () => {
    // arrange
    server = await startPstest();
    const { host } = server;
    expect(host).to.match(/^127\.0\.0\.1:\d+$/);

    for (const [how, env] of [['options', { PSTEST_OPTIONS: JSON.stringify(pstestClientOptions(host)) }], ['environment', pstestEnv(host)]] as const) {
      // act
      const { code, stdout, stderr, network } = await roundTrip(env);

      // assert
      expect(code, `${how}: ${stderr}`).to.equal(0);
      expect(JSON.parse(stdout), how).to.deep.equal({ data: '{"n":1}', attributes: { 'ce-type': 'A.v1' } });
      expect(network, how).to.deep.equal([`NETWORK connect ${host}`]);
    }

    // act: stop, twice
    const port = Number(host.split(':')[1]);
    expect(await acceptsConnections(port)).to.equal(true);
    await server.stop();
    await server.stop();
    expect(await acceptsConnections(port)).to.equal(false);
  });

  describe('a start that cannot finish', () => {
    let dir: string;
    before(() => { dir = mkdtempSync(path.join(tmpdir(), 'herald-pstest-')); });
    after(() => rmSync(dir, { recursive: true, force: true }));
    const script = (name: string, body: string) => {
      const file = path.join(dir, name);
      writeFileSync(file, `#!/bin/sh\n${body}\n`);
      chmodSync(file, 0o755);
      return file;
    };

    it('names the setup command when the binary is not built', async () => {
      const missing = path.join(dir, 'nowhere', 'pstest');
      const error = await expectReject(startPstest({ binary: missing }), Error, /pstest is not built/);
      expect(error.message).to.include(PSTEST_SETUP_COMMAND);
    });

    it('says how it ended, with its stderr, when it exits before it is ready', async () => {
      const error = await expectReject(startPstest({ binary: script('exits', 'echo "listen tcp: address already in use" >&2; exit 3') }), Error, /exited \(3\) before it was ready/);
      expect(error.message).to.include('address already in use');
    });

    it('stops it and says what it printed when its first line is not the ready line', async () => {
      const pidFile = path.join(dir, 'pid');
      await expectReject(startPstest({ binary: script('talks', `echo $$ > ${pidFile}; echo hello; exec sleep 30`) }), Error, /unexpected first line: hello/);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      expect(() => process.kill(pid, 0)).to.throw(Error, /ESRCH/);
    });
  });
});
