/** `herald invoke --cloud aws` end to end, as a user runs it: a child process on cli/bin.js. */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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
