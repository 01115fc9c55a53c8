import { expect } from 'chai';
import { http } from '../../../../providers/aws/runtime/http';
import { httpApiEvent, sqsEvent, sqsRecord } from '../../../fixtures/aws';

describe('providers/aws/runtime/http', () => {
  it('detects HTTP API payload 2.0 and function URL requests, and nothing else', () => {
    expect(http.detect(httpApiEvent())).to.equal(true);
    expect(http.detect(httpApiEvent({ functionUrl: true }))).to.equal(true);
    expect(http.detect(sqsEvent(sqsRecord('x')))).to.equal(false);
  });

  it('reads method, path, lower-case headers and the raw body, base64-decoded when encoded', () => {
    const plain = http.decode(httpApiEvent({ path: '/webhooks/payments', body: '{"a":1}', headers: { 'Herald-Signature': 't=1,v1=x' } }));
    expect(plain).to.deep.include({ method: 'POST', path: '/webhooks/payments', requestId: 'JKJaXmPLvHcESHA=' });
    expect(plain.headers['herald-signature']).to.equal('t=1,v1=x');
    expect(plain.body.toString()).to.equal('{"a":1}');
    expect(http.decode(httpApiEvent({ body: 'ü{"a":1}', base64: true, functionUrl: true })).body.toString()).to.equal('ü{"a":1}');
  });

  it('round-trips a request and answers JSON', () => {
    const r = http.decode(http.encode({ path: '/x', body: '{}', headers: { 'x-a': 'b' } }));
    expect(r).to.deep.include({ method: 'POST', path: '/x' });
    expect(r.headers['x-a']).to.equal('b');
    expect(http.respond({ status: 202, body: { id: 'e-1' } })).to.deep.equal({ statusCode: 202, headers: { 'content-type': 'application/json' }, body: '{"id":"e-1"}' });
  });
});
