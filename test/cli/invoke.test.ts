/** `herald invoke` end to end, as a user runs it: a child process on cli/bin.js. */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { signatureHeaders } from '../../runtime';
import { envelope, eventBridgeOf, httpApiEvent, s3ObjectCreated, sqsEvent, sqsRecord } from '../fixtures/aws';

const ROOT = path.resolve(__dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'herald-invoke-'));

function invoke(fn: string, event: unknown | string, env: Record<string, string> = {}) {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof event === 'string' ? event : JSON.stringify(event));
  const r = spawnSync(process.execPath, ['cli/bin.js', 'invoke', '--cloud', 'aws', '--function', fn, '--event', file], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env, HERALD_LOG_LEVEL: 'error' },
  });
  const published = r.stderr.split('\n').filter((l) => l.startsWith('{') && l.includes('"specversion"')).map((l) => JSON.parse(l));
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, published };
}

/** `herald <args>` as a child process, with `input` on its stdin. */
function herald(args: string[], options: { env?: Record<string, string>; input?: string } = {}) {
  const r = spawnSync(process.execPath, ['cli/bin.js', ...args], {
    cwd: ROOT, encoding: 'utf8', input: options.input ?? '', env: { ...process.env, HERALD_LOG_LEVEL: 'error', ...options.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lines: jsonLines(r.stderr) };
}

/** The JSON lines of a stderr (published events, recorded SDK calls, logs). */
function jsonLines(stderr: string): any[] {
  return stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

const order = (id: string, email = 'a@example.com') => envelope({
  id, type: 'OrderPlaced.v2',
  data: { orderId: id, amount: 20, currency: 'EUR', customerEmail: email, items: [{ sku: 's', quantity: 1, unitPrice: 20 }], channel: 'web' },
});

describe('herald invoke --cloud aws', function () {
  this.timeout(60_000);

  it('runs charge-payment on an SQS batch: stdout is exactly the batch response, stderr has the published events', () => {
    const event = sqsEvent(
      sqsRecord(JSON.stringify(order('o-1')), { messageId: 'm-ok' }),
      sqsRecord('not a herald event', { messageId: 'm-bad' }),
      sqsRecord(JSON.stringify(order('o-2', 'x@fail.example')), { messageId: 'm-fails' }),
    );
    const r = invoke('charge-payment', event);
    expect(r.stdout).to.equal('{"batchItemFailures":[{"itemIdentifier":"m-bad"},{"itemIdentifier":"m-fails"}]}\n');
    expect(r.code).to.equal(0);
    expect(r.published).to.have.length(1);
    expect(r.published[0]).to.deep.include({ type: 'PaymentReceived.v1', source: 'shop.payments', subject: 'orders/o-1', causationid: 'o-1' });
  });

  it('runs a direct EventBridge subscription, and answers Lambda\'s error shape with exit 1 when it fails', () => {
    const ok = invoke('confirm-order', eventBridgeOf(envelope({ type: 'PaymentReceived.v1', source: 'shop.payments', data: { orderId: 'o', paymentId: 'p', amount: 1, currency: 'EUR' } })));
    expect([ok.stdout, ok.code]).to.deep.equal(['{"status":"ok"}\n', 0]);
    const bad = invoke('confirm-order', eventBridgeOf(envelope({ type: 'PaymentReceived.v1', source: 'shop.payments', data: {} })));
    expect(bad.code).to.equal(1);
    expect(JSON.parse(bad.stdout)).to.deep.include({ errorType: 'EventBridgeDeliveryError' });
    expect(JSON.parse(bad.stdout).errorMessage).to.match(/SchemaValidationError/);
  });

  it('runs the webhook ingress (webhook:<name>) with the secret from the environment', () => {
    const body = JSON.stringify({ orderId: 'o-1', paymentId: 'p-1', amount: 5, currency: 'EUR' });
    const r = invoke('webhook:payments', httpApiEvent({ path: '/webhooks/payments', body, headers: signatureHeaders('herald', body, 'shh') }), { PAYMENTS_WEBHOOK_SECRET: 'shh' });
    const answer = JSON.parse(r.stdout);
    expect(answer.statusCode).to.equal(202);
    expect(JSON.parse(answer.body)).to.deep.equal({ id: r.published[0].id });
    expect(r.published[0].type).to.equal('PaymentReceived.v1');
  });

  it('runs the upload ingress offline, guessing the content type from the key', () => {
    const r = invoke('upload:media', s3ObjectCreated('shop-media-123', 'uploads/cat.png', 10));
    expect(JSON.parse(r.stdout)).to.deep.include({ status: 'ok' });
    expect(r.published[0]).to.deep.include({ type: 'ImageUploaded.v1', contenttype: 'image/png' });
  });

  it('never opens a network connection: retries, dead letters and publishes are printed, not sent', async () => {
    // A local port standing in for every AWS endpoint, counting who connects (credentials set, so an SDK call would).
    let connections = 0;
    const server = createServer((socket) => { connections++; socket.destroy(); });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const queue = 'payments'; // the queue's offline ARN, as `herald invoke` configures it: its dead-letter queue is known
    const event = sqsEvent(
      { ...sqsRecord(JSON.stringify(order('o-1')), { messageId: 'm-ok' }), eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queue}` },
      { ...sqsRecord(JSON.stringify(order('o-2', 'x@fail.example')), { messageId: 'm-retry' }), eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queue}` },
      { ...sqsRecord('not a herald event', { messageId: 'm-bad' }), eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queue}` },
    );
    // SQS sends to a QueueUrl's own host whatever AWS_ENDPOINT_URL says: the spy reports any connection or lookup at all.
    const spy = `--require ${path.join(__dirname, '../helpers/network-spy.cjs')}`;
    const env = {
      ...process.env, AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'AKIAOFFLINE', AWS_SECRET_ACCESS_KEY: 'offline', AWS_REGION: 'us-east-1',
      HERALD_LOG_LEVEL: 'error', NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${spy}`,
    };
    const child = spawn(process.execPath, ['cli/bin.js', 'invoke', '--cloud', 'aws', '--function', 'charge-payment', '--event', '-'], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.stdin.end(JSON.stringify(event));
    const code = await new Promise((exited) => child.on('close', exited));
    await new Promise((closed) => server.close(closed));
    expect(connections).to.equal(0);
    expect(stderr.split('\n').filter((l) => l.startsWith('NETWORK '))).to.deep.equal([]);
    expect([code, stdout]).to.deep.equal([0, '{"batchItemFailures":[{"itemIdentifier":"m-retry"}]}\n']);
    // Records run concurrently: find each call by its command.
    const calls = jsonLines(stderr).filter((l) => l.sdk);
    expect(calls.map((c) => `${c.sdk}.${c.command}`).sort()).to.deep.equal(['sqs.ChangeMessageVisibility', 'sqs.SendMessage']);
    const call = (command: string) => calls.find((c) => c.command === command).input;
    expect(call('ChangeMessageVisibility')).to.deep.include({ QueueUrl: `https://sqs.us-east-1.amazonaws.com/000000000000/${queue}`, ReceiptHandle: event.Records[1]!.receiptHandle });
    expect(call('SendMessage')).to.deep.include({ QueueUrl: `https://sqs.us-east-1.amazonaws.com/000000000000/${queue}-dlq`, MessageBody: 'not a herald event' });
    expect(jsonLines(stderr).filter((l) => l.specversion).map((e) => e.type)).to.deep.equal(['PaymentReceived.v1']);
  });

  // `--sample <kind> | --event -`, end to end: the sample carries an event its function handles.
  const samples: Array<[string, string, Record<string, string>, (r: ReturnType<typeof herald>) => void]> = [
    ['charge-payment', 'sqs', {}, (r) => {
      expect(r.stdout).to.equal('{"batchItemFailures":[]}\n');
      expect(r.lines.filter((l) => l.specversion).map((e) => e.type)).to.deep.equal(['PaymentReceived.v1']);
    }],
    ['audit-orders', 'kinesis', { HERALD_LOG_LEVEL: 'info' }, (r) => {
      expect(r.stdout).to.equal('{"batchItemFailures":[]}\n');
      expect(r.lines.some((l) => l.message === 'order audited')).to.equal(true);
    }],
    ['make-thumbnail', 'eventbridge', { HERALD_LOG_LEVEL: 'info' }, (r) => {
      expect(r.stdout).to.equal('{"status":"ok"}\n');
      expect(r.lines.some((l) => l.message === 'thumbnail made')).to.equal(true);
    }],
    ['webhook:payments', 'http', { PAYMENTS_WEBHOOK_SECRET: 'shh' }, (r) => {
      expect(JSON.parse(r.stdout).statusCode).to.equal(202);
      expect(r.lines.filter((l) => l.specversion).map((e) => e.type)).to.deep.equal(['PaymentReceived.v1']);
    }],
    ['upload:media', 'upload', {}, (r) => {
      expect(JSON.parse(r.stdout)).to.deep.include({ status: 'ok' });
      expect(r.lines.find((l) => l.specversion)).to.deep.include({ type: 'ImageUploaded.v1', contenttype: 'image/png' });
    }],
  ];
  for (const [fn, kind, env, check] of samples) {
    it(`pipes --sample ${kind} for ${fn} into --event -`, () => {
      const sample = herald(['invoke', '--cloud', 'aws', '--function', fn, '--sample', kind], { env });
      expect([sample.code, sample.stderr]).to.deep.equal([0, '']);
      const r = herald(['invoke', '--cloud', 'aws', '--function', fn, '--event', '-'], { env, input: sample.stdout });
      expect(r.code, r.stderr).to.equal(0);
      check(r);
    });
  }

  const usage: Array<[string, string[], string, RegExp]> = [
    ['a cloud not built yet', ['--cloud', 'kafka', '--function', 'charge-payment', '--event', '-'], '', /--cloud kafka is not built yet; built: aws, azure/],
    ['a name that is no cloud', ['--cloud', 'oracle', '--function', 'charge-payment', '--event', '-'], '', /--cloud oracle is not a cloud; clouds: aws, azure, gcp, kafka/],
    ['a sample its trigger does not take', ['--cloud', 'aws', '--function', 'charge-payment', '--sample', 'kinesis'], '', /no kinesis sample for charge-payment; its trigger takes: sqs/],
    ['both --event and --sample', ['--cloud', 'aws', '--function', 'charge-payment', '--event', '-', '--sample', 'sqs'], '', /give one of --event and --sample/],
    ['stdin that is not JSON', ['--cloud', 'aws', '--function', 'charge-payment', '--event', '-'], '{oops', /stdin is not JSON/],
  ];
  for (const [what, args, input, message] of usage) {
    it(`exits 2 on ${what}`, () => {
      const r = herald(['invoke', ...args], { input });
      expect([r.code, r.stdout]).to.deep.equal([2, '']);
      expect(r.stderr).to.match(message);
    });
  }

  const errors: Array<[string, () => ReturnType<typeof invoke>, RegExp]> = [
    ['an unknown function', () => invoke('no-such-fn', sqsEvent()), /no function "no-such-fn" in shop; functions: charge-payment, .*webhook:payments, upload:media/],
    ['an event file that is not JSON', () => invoke('charge-payment', '{oops'), /is not JSON/],
    ['an unreadable event file', () => {
      const r = spawnSync(process.execPath, ['cli/bin.js', 'invoke', '--cloud', 'aws', '--function', 'charge-payment', '--event', '/nonexistent/e.json'], { cwd: ROOT, encoding: 'utf8' });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr, published: [] };
    }, /cannot read \/nonexistent\/e\.json: ENOENT/],
  ];
  for (const [what, run, message] of errors) {
    it(`fails clearly on ${what}`, () => {
      const r = run();
      expect(r.code).to.equal(2);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.match(message);
    });
  }
});
