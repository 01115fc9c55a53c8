import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { hmacSha256 } from '../../contracts';
import { signatureHeaders, webhookEvent, type WebhookRequestParts } from '../../runtime';
import { PaymentReceived } from '../../app/events';

const secret = 'whsec_test';
const payment = JSON.stringify({ orderId: 'o-1', paymentId: 'p-1', amount: 42, currency: 'EUR' });
const request = (body: string, headers: Record<string, string> = {}, key = secret): WebhookRequestParts => ({
  name: 'payments', verify: hmacSha256('PAYMENTS_WEBHOOK_SECRET'), definition: PaymentReceived,
  headers: { ...signatureHeaders('herald', body, key), ...headers }, body: Buffer.from(body), secret,
});

describe('webhookEvent (shared by every target)', () => {
  it('turns a signed JSON body into the emitted event, with the caller\'s correlation id', () => {
    const verdict = webhookEvent(request(payment, { 'X-Correlation-Id': 'req-1' }));
    expect(verdict.ok).to.equal(true);
    if (!verdict.ok) return;
    expect(verdict.envelope).to.include({ type: 'PaymentReceived.v1', source: 'shop.payments', correlationid: 'req-1' });
  });

  it('gives a redelivered request (same delivery id) the same event id, and other deliveries other ids', () => {
    const id = (delivery: string) => {
      const v = webhookEvent(request(payment, { 'Idempotency-Key': delivery }));
      return v.ok ? v.envelope.id : '';
    };
    expect(id('d-1')).to.equal(id('d-1'));
    expect(id('d-1')).to.not.equal(id('d-2'));
  });

  it('gives a replay of the same signed request the same event id, and a request signed again another', () => {
    const signed = (t: number) => ({ ...request(payment), headers: signatureHeaders('herald', payment, secret, t), now: t });
    const [first, replay, resigned] = [webhookEvent(signed(1_800_000_000)), webhookEvent(signed(1_800_000_000)), webhookEvent(signed(1_800_000_001))];
    if (!first.ok || !replay.ok || !resigned.ok) throw new Error('refused');
    expect(replay.envelope.id).to.equal(first.envelope.id);
    expect(replay.replay).to.deep.equal(first.replay);
    expect(first.replay).to.deep.equal({ signature: createHmac('sha256', secret).update(`1800000000.${payment}`).digest('hex'), until: 1_800_000_300 });
    expect(resigned.envelope.id).to.not.equal(first.envelope.id);
  });

  it('remembers a signature without a signed time (GitHub) for the tolerance from now', () => {
    const github = { ...request(payment), verify: hmacSha256('X', 'github'), headers: signatureHeaders('github', payment, secret), now: 1_800_000_000 };
    const verdict = webhookEvent(github);
    expect(verdict.ok && verdict.replay.until).to.equal(1_800_000_300);
  });

  // Each request is signed when its test runs: signed when the file loads, it could be past the 300 s
  // tolerance by then in a long suite (mocha loads every file before running any).
  const refused: [string, () => WebhookRequestParts, number, RegExp][] = [
    ['a wrong signature', () => request(payment, {}, 'other'), 401, /signature does not match/],
    ['a missing secret', () => ({ ...request(payment), secret: undefined }), 401, /secret is not configured/],
    ['a body that is not JSON', () => request('{nope'), 400, /^malformed JSON: the body is not JSON/],
    ['a body that is not UTF-8', () => ({ ...request(payment), body: Buffer.from([0x7b, 0xff, 0x7d]), headers: signatureHeaders('herald', Buffer.from([0x7b, 0xff, 0x7d]), secret) }), 400, /^malformed JSON: the body is not valid UTF-8$/],
    ['data that does not fit the schema', () => request('{"orderId":"o"}'), 400, /PaymentReceived.v1 data is invalid/],
  ];
  for (const [what, parts, status, error] of refused) {
    it(`refuses ${what} with ${status}`, () => {
      const verdict = webhookEvent(parts());
      expect(verdict.ok).to.equal(false);
      if (verdict.ok) return;
      expect(verdict.status).to.equal(status);
      expect(verdict.error).to.match(error);
    });
  }
});
