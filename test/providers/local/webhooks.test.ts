import { expect } from 'chai';
import { hmacSha256, type WebhookSpec } from '../../../contracts';
import { signatureHeaders } from '../../../runtime';
import { readWebhook } from '../../../providers/local';
import { Tock, refused } from './fixtures';

const spec: WebhookSpec = {
  kind: 'webhook', name: 'w', path: '/webhooks/w', method: 'POST', verify: hmacSha256('W_SECRET'), emits: 'Tock.v1', to: { kind: 'bus', name: 'b' },
};
const options = { env: { W_SECRET: 's3cret' }, definition: () => Tock };

function request(body: string, headers: Record<string, string>, method = 'POST') {
  return { method, body: Buffer.from(body), headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])) };
}

describe('local webhooks', () => {
  it('turns a signed JSON body into the event the webhook emits', () => {
    const body = JSON.stringify({ n: 5 });
    const e = readWebhook(spec, request(body, { ...signatureHeaders('herald', body, 's3cret'), 'x-correlation-id': 'c-9' }), options);
    expect(e).to.include({ type: 'Tock.v1', source: 'test.ticks', correlationid: 'c-9' });
    expect(e.data).to.deep.equal({ n: 5 });
  });

  it('answers 401 with the reason for a missing, wrong or expired signature', () => {
    const body = JSON.stringify({ n: 5 });
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{}, /^missing herald-signature header$/],
      [signatureHeaders('herald', body, 'wrong'), /^signature does not match$/],
      [signatureHeaders('herald', body, 's3cret', Math.floor(Date.now() / 1000) - 3600), /^timestamp is outside the 300s tolerance$/],
      [signatureHeaders('herald', '{"n":6}', 's3cret'), /^signature does not match$/],
    ];
    for (const [headers, reason] of cases) {
      const e = refused(() => readWebhook(spec, request(body, headers), options));
      expect(e.status).to.equal(401);
      expect(e.message).to.match(reason);
    }
  });

  it('says which variable to set when the secret is not configured', () => {
    const body = '{"n":1}';
    const e = refused(() => readWebhook(spec, request(body, signatureHeaders('herald', body, 'x')), { ...options, env: {} }));
    expect([e.status, e.message]).to.deep.equal([401, 'the webhook secret is not configured (set W_SECRET)']);
  });

  it('answers 400 for a body that is not JSON or does not fit the schema, and 405 for another method', () => {
    for (const [body, message] of [['{nope', /^malformed JSON/], ['{"n":"x"}', /^Tock\.v1 data is invalid/]] as const) {
      const e = refused(() => readWebhook(spec, request(body, signatureHeaders('herald', body, 's3cret')), options));
      expect([e.status, message.test(e.message)]).to.deep.equal([400, true]);
    }
    expect(refused(() => readWebhook(spec, request('{}', {}, 'PUT'), options)).status).to.equal(405);
  });
});
