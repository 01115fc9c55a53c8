import { expect } from 'chai';
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

  const refused: [string, WebhookRequestParts, number, RegExp][] = [
    ['a wrong signature', request(payment, {}, 'other'), 401, /signature does not match/],
    ['a missing secret', { ...request(payment), secret: undefined }, 401, /secret is not configured/],
    ['a body that is not JSON', request('{nope'), 400, /^malformed JSON: the body is not JSON/],
    ['data that does not fit the schema', request('{"orderId":"o"}'), 400, /PaymentReceived.v1 data is invalid/],
  ];
  for (const [what, parts, status, error] of refused) {
    it(`refuses ${what} with ${status}`, () => {
      const verdict = webhookEvent(parts);
      expect(verdict.ok).to.equal(false);
      if (verdict.ok) return;
      expect(verdict.status).to.equal(status);
      expect(verdict.error).to.match(error);
    });
  }
});
