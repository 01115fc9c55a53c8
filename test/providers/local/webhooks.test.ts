import { expect } from 'chai';
import { hmacSha256, type WebhookSpec } from '../../../contracts';
import { signatureHeaders } from '../../../runtime';
import { ReplayGuard, acceptWebhook, readWebhook } from '../../../providers/local';
import type { Envelope } from '../../../contracts';
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
    const { envelope: e } = readWebhook(spec, request(body, { ...signatureHeaders('herald', body, 's3cret'), 'x-correlation-id': 'c-9' }), options);
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

  describe('acceptWebhook', () => {
    const body = JSON.stringify({ n: 5 });

    it('publishes a request once; a replay of it is a duplicate with the first event id', async () => {
      const published: Envelope[] = [];
      const accept = { ...options, replays: new ReplayGuard(), publish: (e: Envelope) => void published.push(e) };
      const headers = signatureHeaders('herald', body, 's3cret');
      const first = await acceptWebhook(spec, request(body, headers), accept);
      const replay = await acceptWebhook(spec, request(body, { ...headers, 'idempotency-key': 'forged' }), accept);
      expect(first).to.deep.equal({ id: published[0]!.id, duplicate: false });
      expect(replay).to.deep.equal({ id: first.id, duplicate: true });
      expect(published).to.have.length(1);
    });

    it('does not remember a request whose publish failed, so the retry is published', async () => {
      let fail = true;
      const published: Envelope[] = [];
      const accept = {
        ...options, replays: new ReplayGuard(),
        publish: async (e: Envelope) => { if (fail) throw new Error('stopping'); published.push(e); },
      };
      const headers = signatureHeaders('herald', body, 's3cret');
      const error = await acceptWebhook(spec, request(body, headers), accept).then(() => undefined, (e: Error) => e);
      expect(error?.message).to.equal('stopping');
      fail = false;
      expect(await acceptWebhook(spec, request(body, headers), accept)).to.include({ duplicate: false });
      expect(published).to.have.length(1);
    });
  });
});
