/**
 * `herald invoke --cloud azure` end to end on the example app (app/topology.ts), through the command
 * itself (`runInvoke`): samples piped back in, failures, ingress functions. Nothing reaches Azure: what
 * would be sent is on stderr.
 */
import { expect } from 'chai';
import { shop } from '../../../app/topology';
import { memoryIo } from '../../../cli/io';
import { runInvoke } from '../../../cli/commands/invoke';
import { signatureHeaders } from '../../../runtime/signature';
import { invokeConfig } from '../../../providers/azure/invoke';
import { invokeNames } from '../../../providers/azure/invoke-target';

/** `herald invoke --cloud azure …`, the event on stdin when given. */
async function herald(args: string[], stdin?: unknown) {
  const io = memoryIo();
  const code = await runInvoke(['--cloud', 'azure', ...args], io, async () => (typeof stdin === 'string' ? stdin : JSON.stringify(stdin)));
  const json = (lines: string[]) => lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  return { code, stdout: io.stdout, outcomes: json(io.stdout), effects: json(io.stderr), stderr: io.stderr };
}

/** A sample of `kind` for `fn`, piped back into invoke. */
async function sampleRun(fn: string, kind: string) {
  const sample = await herald(['--function', fn, '--sample', kind]);
  expect(sample.code, sample.stderr.join('\n')).to.equal(0);
  return { sample: JSON.parse(sample.stdout.join('\n')), run: await herald(['--function', fn, '--event', '-'], sample.stdout.join('\n')) };
}

const published = (effects: any[]) => effects.filter((e) => e.specversion === '1.0');
const calls = (effects: any[]) => effects.filter((e) => e.sdk);

describe('herald invoke --cloud azure (example app)', function () {
  this.timeout(60_000);
  const level = process.env.HERALD_LOG_LEVEL;
  const secret = process.env.PAYMENTS_WEBHOOK_SECRET;
  before(() => {
    process.env.HERALD_LOG_LEVEL = 'error';
    process.env.PAYMENTS_WEBHOOK_SECRET = 'whsec_test';
  });
  after(() => {
    if (level === undefined) delete process.env.HERALD_LOG_LEVEL; else process.env.HERALD_LOG_LEVEL = level;
    if (secret === undefined) delete process.env.PAYMENTS_WEBHOOK_SECRET; else process.env.PAYMENTS_WEBHOOK_SECRET = secret;
  });

  const kinds: Record<string, string> = {
    'charge-payment': 'servicebus', 'confirm-order': 'eventgrid', 'send-confirmation': 'servicebus', 'notify-warehouse': 'servicebus',
    'make-thumbnail': 'eventgrid', 'index-metadata': 'eventgrid', 'sync-customer': 'eventgrid', 'build-report': 'eventgrid', 'audit-orders': 'eventhub',
  };
  for (const fn of shop.functions.map((f) => f.name)) {
    it(`runs ${fn} on its own ${kinds[fn]} sample: one ok outcome on stdout`, async () => {
      const { run } = await sampleRun(fn, kinds[fn]!);
      expect(run.code, run.stderr.join('\n')).to.equal(0);
      expect(run.outcomes).to.deep.equal([{ outcome: 'ok', attempt: 1 }]);
    });
  }

  it('prints what charge-payment publishes to the bus on stderr, never sending it', async () => {
    const { run } = await sampleRun('charge-payment', 'servicebus');
    expect(published(run.effects).map((e) => [e.type, e.source])).to.deep.equal([['PaymentReceived.v1', 'shop.payments']]);
    expect(calls(run.effects)).to.deep.equal([]);
  });

  it('answers a failing message with its retry, and prints the scheduled resend it would send', async () => {
    const { sample } = await sampleRun('charge-payment', 'servicebus');
    sample.input.data.customerEmail = 'x@fail.example';
    const run = await herald(['--function', 'charge-payment', '--event', '-'], sample);
    expect(run.code).to.equal(0);
    expect(run.outcomes).to.have.length(1);
    expect(run.outcomes[0]).to.include({ outcome: 'retry', attempt: 1 });
    expect(run.outcomes[0].retryAfterMs).to.be.a('number');
    const [resend] = calls(run.effects);
    expect(resend).to.include({ sdk: 'serviceBus', call: 'scheduleMessages', target: 'shop-bus.servicebus.windows.net/payments' });
    expect(JSON.parse(resend.input.messages.body)).to.deep.equal(sample.input);
  });

  it('dead-letters bad input at once, with the reason, and prints the dead-letter blob', async () => {
    const { sample } = await sampleRun('charge-payment', 'servicebus');
    const run = await herald(['--function', 'charge-payment', '--event', '-'], { ...sample, input: 'not a herald event' });
    expect(run.outcomes).to.have.length(1);
    expect(run.outcomes[0]).to.include({ outcome: 'dead-letter', attempt: 1 });
    expect(run.outcomes[0].reason).to.match(/EnvelopeDecodeError/);
    const [upload] = calls(run.effects);
    expect(upload).to.include({ sdk: 'blob', call: 'upload' });
    expect(upload.target).to.match(/^https:\/\/shopherald\.blob\.core\.windows\.net\/dead-letters\/herald\/charge-payment\//);
    expect(JSON.parse(upload.input.body)).to.include({ body: 'not a herald event', reason: run.outcomes[0].reason });
  });

  it('filters what a subscription does not want: make-thumbnail reads images only', async () => {
    const { sample } = await sampleRun('make-thumbnail', 'eventgrid');
    const run = await herald(['--function', 'make-thumbnail', '--event', '-'], { ...sample, input: { ...sample.input, contenttype: 'text/plain' } });
    expect(run.outcomes).to.deep.equal([{ outcome: 'filtered' }]);
  });

  it('answers a webhook with its HTTP response, publishing the verified event', async () => {
    const { run } = await sampleRun('webhook:payments', 'http');
    expect(run.outcomes).to.have.length(1);
    expect(run.outcomes[0]).to.have.property('status', 202);
    expect(published(run.effects).map((e) => e.type)).to.deep.equal(['PaymentReceived.v1']);
    const body = '{"orderId":"o","paymentId":"p","amount":1,"currency":"EUR"}';
    const forged = await herald(['--function', 'webhook:payments', '--event', '-'], {
      method: 'POST', url: 'https://shop.azurewebsites.net/webhooks/payments', headers: signatureHeaders('herald', body, 'wrong'), body,
    });
    expect(forged.outcomes[0]).to.have.property('status', 401);
    expect(published(forged.effects)).to.deep.equal([]);
  });

  it('turns a BlobCreated event under the prefix into ImageUploaded, and ignores one outside it', async () => {
    const { sample, run } = await sampleRun('upload:media', 'upload');
    expect(run.outcomes).to.deep.equal([{ outcome: 'ok' }]);
    const [event] = published(run.effects);
    expect(event).to.deep.include({ type: 'ImageUploaded.v1', subject: 'uploads/example.png', contenttype: 'image/png' });
    expect(event.data).to.deep.include({ bucket: 'media', key: 'uploads/example.png', contentType: 'image/png' });
    const outside = await herald(['--function', 'upload:media', '--event', '-'], {
      ...sample, input: { ...sample.input, subject: '/blobServices/default/containers/media/blobs/other/x.png' },
    });
    expect(outside.outcomes[0]).to.include({ outcome: 'filtered' });
    expect(published(outside.effects)).to.deep.equal([]);
  });

  it('turns a change feed document into CustomerChanged, keyed by the table\'s partition key', async () => {
    const { run } = await sampleRun('change:customers', 'change');
    expect(run.outcomes).to.deep.equal([{ outcome: 'ok' }]);
    const [event] = published(run.effects);
    expect(event.type).to.equal('CustomerChanged.v1');
    expect(event.data).to.deep.include({ table: 'customers', op: 'modify' });
    expect(event.subject).to.equal(String(event.data.keys.customerId));
  });

  it('runs the schedule\'s latest run: its event id and time are the cron\'s time at or before now', async () => {
    const { run } = await sampleRun('schedule:nightly-report', 'timer');
    expect(run.outcomes).to.deep.equal([{ outcome: 'ok' }]);
    const [event] = published(run.effects);
    expect(event.id).to.match(/^nightly-report@\d{4}-\d{2}-\d{2}T02:00:00Z$/);
    expect(Date.parse(event.time)).to.be.at.most(Date.now());
    expect(event.data).to.deep.equal({ date: event.time });
  });

  it('refuses an unknown function, a sample kind its trigger does not take, and an event that is not {input, triggerMetadata}', async () => {
    const unknown = await herald(['--function', 'nope', '--event', '-'], {});
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr.join('\n')).to.contain(`functions: ${invokeNames(shop).join(', ')}`);
    expect(invokeNames(shop)).to.include('schedule:nightly-report');
    const kind = await herald(['--function', 'charge-payment', '--sample', 'eventhub']);
    expect([kind.code, kind.stderr.join('\n')]).to.deep.equal([2, 'herald invoke: no eventhub sample for charge-payment; its trigger takes: servicebus']);
    const shape = await herald(['--function', 'charge-payment', '--event', '-'], { messageId: 'x' });
    expect(shape.code).to.equal(2);
    expect(shape.stderr.join('\n')).to.match(/\{"input": …, "triggerMetadata": \{…\}\}/);
  });

  it('runs each function with the config deploy writes: its channels from the Azure delivery plan', () => {
    expect(invokeConfig(shop, 'audit-orders').channels.map((c) => [c.sourceKey, c.orderKey])).to.deep.equal([['stream:order-audit', 'data.orderId']]);
    expect(() => invokeConfig(shop, 'nope')).to.throw(Error, 'no function "nope" in shop');
  });
});
