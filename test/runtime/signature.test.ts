import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { signatureHeaders, verifySignature } from '../../runtime';

const secret = 'whsec_test';
const body = '{"orderId":"o-1","paymentId":"p-1","amount":42,"currency":"EUR"}';
const now = 1_764_460_800;
const hex = (payload: string, key = secret) => createHmac('sha256', key).update(payload).digest('hex');

describe('webhook signatures', () => {
  describe('herald (Herald-Signature: t=…,v1=…)', () => {
    const header = (t: number, sig = hex(`${t}.${body}`)) => ({ 'Herald-Signature': `t=${t},v1=${sig}` });

    it('accepts a good signature, whatever the header case', () => {
      expect(verifySignature('herald', { headers: header(now), body, secret, now })).to.deep.equal({ ok: true, digest: hex(`${now}.${body}`), timestamp: now });
      expect(verifySignature('herald', { headers: { 'herald-signature': header(now)['Herald-Signature'] }, body, secret, now }).ok).to.equal(true);
    });

    it('signs what it verifies', () => {
      expect(verifySignature('herald', { headers: signatureHeaders('herald', body, secret, now), body, secret, now }).ok).to.equal(true);
    });

    it('accepts any of several v1 values (secret rotation)', () => {
      const headers = { 'Herald-Signature': `t=${now},v1=${hex(`${now}.${body}`, 'old')},v1=${hex(`${now}.${body}`)}` };
      expect(verifySignature('herald', { headers, body, secret, now }).ok).to.equal(true);
    });

    const rejected: [string, Record<string, string>, string, RegExp][] = [
      ['a wrong secret', { 'Herald-Signature': `t=${now},v1=${hex(`${now}.${body}`, 'other')}` }, body, /does not match/],
      ['a tampered body', header(now), body.replace('42', '43'), /does not match/],
      ['a timestamp 301 s old', header(now - 301), body, /outside the 300s tolerance/],
      ['a timestamp 301 s ahead', header(now + 301), body, /outside the 300s tolerance/],
      ['a missing header', {}, body, /missing herald-signature header/],
      ['a header without t', { 'Herald-Signature': `v1=${hex(`${now}.${body}`)}` }, body, /malformed/],
      ['a header without v1', { 'Herald-Signature': `t=${now}` }, body, /malformed/],
      ['a non-hex signature', { 'Herald-Signature': `t=${now},v1=zz` }, body, /malformed/],
      ['a truncated signature', { 'Herald-Signature': `t=${now},v1=${hex(`${now}.${body}`).slice(0, 62)}` }, body, /malformed/],
      ['garbage', { 'Herald-Signature': 'garbage' }, body, /malformed/],
    ];
    for (const [what, headers, payload, reason] of rejected) {
      it(`rejects ${what}`, () => {
        const result = verifySignature('herald', { headers, body: payload, secret, now });
        expect(result.ok).to.equal(false);
        expect(result.ok ? '' : result.reason).to.match(reason);
      });
    }

    it('identifies a request by the signature it computed, however the header spells or repeats it', () => {
      const digest = hex(`${now}.${body}`);
      const spellings = [`t=${now},v1=${digest}`, `t=${now},v1=${digest.toUpperCase()}`, `v1=${hex(`${now}.${body}`, 'old')}, v1=${digest}, t=${now}`];
      for (const h of spellings) expect(verifySignature('herald', { headers: { 'Herald-Signature': h }, body, secret, now }), h).to.deep.include({ digest });
    });

    it('accepts a timestamp exactly at the tolerance', () => {
      expect(verifySignature('herald', { headers: header(now - 300), body, secret, now }).ok).to.equal(true);
    });

    it('rejects everything when the secret is not configured', () => {
      expect(verifySignature('herald', { headers: header(now), body, secret: '', now })).to.deep.equal({ ok: false, reason: 'the webhook secret is not configured' });
    });
  });

  describe('github (X-Hub-Signature-256)', () => {
    it('accepts a good signature and rejects a tampered body', () => {
      const headers = { 'X-Hub-Signature-256': `sha256=${hex(body)}` };
      expect(verifySignature('github', { headers, body, secret })).to.deep.equal({ ok: true, digest: hex(body) });
      expect(verifySignature('github', { headers, body: `${body} `, secret }).ok).to.equal(false);
    });
    it('rejects a malformed header', () => {
      expect(verifySignature('github', { headers: { 'X-Hub-Signature-256': hex(body) }, body, secret })).to.deep.equal({ ok: false, reason: 'malformed signature header: expected sha256=<hex>' });
    });
  });

  describe('stripe (Stripe-Signature)', () => {
    it('accepts a good signature and rejects an expired one', () => {
      const headers = signatureHeaders('stripe', body, secret, now);
      expect(Object.keys(headers)).to.deep.equal(['Stripe-Signature']);
      expect(verifySignature('stripe', { headers, body: Buffer.from(body), secret, now }).ok).to.equal(true);
      expect(verifySignature('stripe', { headers, body, secret, now: now + 1000 }).ok).to.equal(false);
    });
  });
});
