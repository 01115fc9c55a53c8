/**
 * The test Pub/Sub itself: a real pstest that @google-cloud/pubsub publishes to and pulls from with
 * `pstestClientOptions`, reaching nothing but the server; stopped for good; and a binary that is missing or
 * does not start fails with the reason. Needs `bash .ci/pstest/setup.sh` (npm's pretest runs it); without it
 * the tests fail, they never skip.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { acceptsConnections } from './kafka-broker';
import { PSTEST_SETUP_COMMAND, pstestClientOptions, startPstest, type Pstest } from './pstest';
import { expectReject } from './reject';

const ROOT = path.resolve(__dirname, '../..');

/** Creates a topic and a subscription, publishes one message and pulls it, in a child process whose every connection and lookup is reported. */
const ROUND_TRIP = `
const { PubSub, v1 } = require('@google-cloud/pubsub');
(async () => {
  const pubsub = new PubSub(JSON.parse(process.env.PSTEST_OPTIONS));
  const [topic] = await pubsub.createTopic('round-trip');
  const [sub] = await topic.createSubscription('round-trip');
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

  it('starts a pstest the Pub/Sub client reaches with pstestClientOptions, and nothing else (no metadata server probe), then stops it for good', async () => {
    // arrange
    server = await startPstest();
    const { host } = server;
    expect(host).to.match(/^127\.0\.0\.1:\d+$/);
    const spy = `--require ${path.join(__dirname, 'network-spy.cjs')}`;
    // No PUBSUB_EMULATOR_HOST: the options alone must reach the server.
    const { PUBSUB_EMULATOR_HOST: _ignored, ...inherited } = process.env;
    const env = { ...inherited, PSTEST_OPTIONS: JSON.stringify(pstestClientOptions(host)), NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${spy}` };

    // act
    const child = spawn(process.execPath, ['-e', ROUND_TRIP], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    const code = await new Promise((exited) => child.on('close', exited));

    // assert
    expect(code, stderr).to.equal(0);
    expect(JSON.parse(stdout)).to.deep.equal({ data: '{"n":1}', attributes: { 'ce-type': 'A.v1' } });
    const network = [...new Set(stderr.split('\n').filter((l) => l.startsWith('NETWORK ')))];
    expect(network).to.deep.equal([`NETWORK connect ${host}`]);

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
