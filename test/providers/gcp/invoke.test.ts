/**
 * `herald invoke --cloud gcp` end to end on the example app: the CLI's `runInvoke` in process (samples
 * piped back in, stdout, stderr, exit codes), and once as a child process watched for any network use.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { shop } from '../../../app/topology';
import { memoryIo } from '../../../cli/io';
import { runInvoke } from '../../../cli/commands/invoke';
import { invokeConfig } from '../../../providers/gcp/invoke';
import { invokeNames } from '../../../providers/gcp/invoke-target';
import { offlineChannel } from '../../../providers/gcp/offline';
import { encodePush } from '../../../providers/gcp/runtime/push';
import { envelope } from '../../fixtures/aws';

const ROOT = path.resolve(__dirname, '../../..');
const SECRET = 'shh';

/** `herald invoke --cloud gcp …` in process, `input` on its stdin; the JSON lines of its stderr parsed. */
async function herald(args: string[], input = '') {
  const io = memoryIo();
  const before = { secret: process.env.PAYMENTS_WEBHOOK_SECRET, level: process.env.HERALD_LOG_LEVEL };
  process.env.PAYMENTS_WEBHOOK_SECRET = SECRET;
  process.env.HERALD_LOG_LEVEL = 'error';
  try {
    const code = await runInvoke(['--cloud', 'gcp', ...args], io, async () => input);
    const lines = io.stderr.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
    return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n'), events: lines.filter((l) => l.specversion), calls: lines.filter((l) => l.sdk) };
  } finally {
    for (const [name, value] of [['PAYMENTS_WEBHOOK_SECRET', before.secret], ['HERALD_LOG_LEVEL', before.level]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

const item = { sku: 'sku-1', quantity: 1, unitPrice: 20 };
const order = (id: string, email = 'a@example.com') => envelope({
  id, type: 'OrderPlaced.v2', subject: `orders/${id}`,
  data: { orderId: id, amount: 20, currency: 'EUR', customerEmail: email, items: [item], channel: 'web' },
});
const paymentsSubscription = offlineChannel({ subscription: invokeConfig(shop, 'charge-payment').channels[0]!.subscription });
const pushRequest = (body: unknown) => JSON.stringify({ headers: { 'content-type': 'application/json' }, body });

describe('herald invoke --cloud gcp', function () {
  this.timeout(60_000);

  // `--sample <kind> | --event -`, for every kind of function the example app has.
  const samples: Array<[string, string, string, string[]]> = [
    ['charge-payment', 'push', '{"status":204,"outcome":"ok"}', ['PaymentReceived.v1']],
    ['audit-orders', 'push', '{"status":204,"outcome":"ok"}', []],
    ['make-thumbnail', 'push', '{"status":204,"outcome":"ok"}', []],
    ['webhook:payments', 'http', '{"status":202,"outcome":"ok"}', ['PaymentReceived.v1']],
    ['upload:media', 'upload', '{"status":204,"outcome":"ok"}', ['ImageUploaded.v1']],
    ['change:customers', 'change', '{"status":204,"outcome":"ok"}', ['CustomerChanged.v1']],
    ['schedule:nightly-report', 'schedule', '{"status":200,"outcome":"ok"}', ['ReportRequested.v1']],
  ];
  for (const [fn, kind, stdout, published] of samples) {
    it(`pipes --sample ${kind} for ${fn} into --event -: ${stdout}`, async () => {
      const sample = await herald(['--function', fn, '--sample', kind]);
      expect([sample.code, sample.stderr]).to.deep.equal([0, '']);
      const r = await herald(['--function', fn, '--event', '-'], sample.stdout);
      expect([r.code, r.stdout], r.stderr).to.deep.equal([0, stdout]);
      expect(r.events.map((e) => e.type)).to.deep.equal(published);
    });
  }

  it('prints the dead letter it would publish, and answers 204 dead-letter, for a push that is no CloudEvent', async () => {
    const r = await herald(['--function', 'charge-payment', '--event', '-'], pushRequest({
      subscription: paymentsSubscription.subscription, message: { data: Buffer.from('not a herald event').toString('base64'), messageId: 'm-bad' },
    }));
    expect(r.code).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.include({ status: 204, outcome: 'dead-letter' });
    expect(r.calls).to.have.length(1);
    expect(r.calls[0]).to.deep.include({ sdk: 'pubsub', call: 'publishMessage', topic: paymentsSubscription.deadLetterTopic, data: 'not a herald event' });
    expect(r.calls[0]!.attributes).to.deep.include({ herald_function: 'charge-payment', herald_source: paymentsSubscription.subscription });
    expect(r.events).to.deep.equal([]);
  });

  it('answers 500 retry with the reason for a handler that fails with attempts left', async () => {
    const r = await herald(['--function', 'charge-payment', '--event', '-'], pushRequest(encodePush(order('o-1', 'x@fail.example'), { subscription: paymentsSubscription.subscription })));
    expect(JSON.parse(r.stdout)).to.deep.equal({ status: 500, outcome: 'retry', reason: 'Error: payment processor unavailable for x@fail.example' });
    expect(r.calls).to.deep.equal([]);
  });

  it('refuses a webhook request signed with another secret: 401 refused, nothing published', async () => {
    const sample = await herald(['--function', 'webhook:payments', '--sample', 'http']);
    const request = JSON.parse(sample.stdout) as { headers: Record<string, string>; body: unknown };
    const r = await herald(['--function', 'webhook:payments', '--event', '-'], JSON.stringify({ ...request, body: { ...(request.body as object), amount: 2 } }));
    expect(JSON.parse(r.stdout)).to.deep.include({ status: 401, outcome: 'refused' });
    expect(r.events).to.deep.equal([]);
  });

  const refusals: Array<[string, string[], string, RegExp]> = [
    ['an unknown function, naming every one', ['--function', 'nope', '--event', '-'], '{"body":{}}', new RegExp(`no function "nope" in shop; functions: ${invokeNames(shop).join(', ')}`)],
    ['a file that is not a request', ['--function', 'charge-payment', '--event', '-'], '{"message":{}}', /the event file is the HTTP request the function receives: \{"headers": \{\.\.\.\}, "body": \.\.\.\}/],
    ['a sample its trigger does not take', ['--function', 'charge-payment', '--sample', 'upload'], '', /no upload sample for charge-payment; its trigger takes: push/],
  ];
  for (const [what, args, input, message] of refusals) {
    it(`exits 1 on ${what}`, async () => {
      const r = await herald(args, input);
      expect([r.code, r.stdout]).to.deep.equal([1, '']);
      expect(r.stderr).to.match(message);
    });
  }

  it('never opens a network connection, with PUBSUB_EMULATOR_HOST set and a dead letter to publish', async () => {
    const spy = `--require ${path.join(ROOT, 'test/helpers/network-spy.cjs')}`;
    const env = { ...process.env, PUBSUB_EMULATOR_HOST: '127.0.0.1:9', HERALD_LOG_LEVEL: 'error', NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${spy}` };
    const child = spawn(process.execPath, ['cli/bin.js', 'invoke', '--cloud', 'gcp', '--function', 'charge-payment', '--event', '-'], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.stdin.end(pushRequest(encodePush({ ...order('o-2'), data: { orderId: 'o-2' } }, { subscription: paymentsSubscription.subscription })));
    const code = await new Promise((exited) => child.on('close', exited));
    expect(stderr.split('\n').filter((l) => l.startsWith('NETWORK '))).to.deep.equal([]);
    expect(code).to.equal(0);
    expect(JSON.parse(stdout)).to.deep.include({ status: 204, outcome: 'dead-letter' });
    expect(stderr).to.include('"call":"publishMessage"');
  });
});
