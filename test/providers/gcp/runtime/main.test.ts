/** The Functions Framework adapters: a Herald answer as an HTTP response, and as a CloudEvent function's outcome. */
import { expect } from 'chai';
import type { IngressAnswer } from '../../../../providers/gcp/runtime/ingress';
import { cloudEventFunction, httpFunction } from '../../../../providers/gcp/runtime/main';

/** The parts of Express's response the adapter uses, recording what was sent. */
function response() {
  const sent: { status?: number; json?: unknown; ended?: boolean } = {};
  const res = {
    status(code: number) { sent.status = code; return res; },
    json(body: unknown) { sent.json = body; return res; },
    end() { sent.ended = true; return res; },
  };
  return { sent, res: res as never };
}

const request = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body, rawBody: Buffer.from(JSON.stringify(body)) }) as never;

describe('providers/gcp/runtime/main', () => {
  it('answers 204 with no body, any other status with the answer body or else the outcome and reason', async () => {
    const cases: Array<[IngressAnswer, unknown]> = [
      [{ status: 204, outcome: 'ok' }, undefined],
      [{ status: 202, outcome: 'ok', body: { id: 'e-1' } }, { id: 'e-1' }],
      [{ status: 500, outcome: 'retry', reason: 'boom' }, { outcome: 'retry', reason: 'boom' }],
    ];
    for (const [answer, json] of cases) {
      const { sent, res } = response();
      await httpFunction(async () => answer)(request({}), res);
      expect(sent).to.deep.equal(json === undefined ? { status: 204, ended: true } : { status: answer.status, json });
    }
  });

  it('hands the request over with its raw bytes, and answers 500 with the error when the handler throws', async () => {
    let seen: unknown;
    const { sent, res } = response();
    const errors: string[] = [];
    const log = console.error;
    console.error = (line: string) => void errors.push(line);
    try {
      await httpFunction(async (r) => { seen = r; throw new Error('HERALD_GCP_CONFIG is not set'); })(request({ a: 1 }), res);
    } finally {
      console.error = log;
    }
    expect(seen).to.deep.equal({ method: 'POST', headers: { 'content-type': 'application/json' }, body: { a: 1 }, rawBody: Buffer.from('{"a":1}') });
    expect(sent).to.deep.equal({ status: 500, json: { error: 'HERALD_GCP_CONFIG is not set' } });
    expect(JSON.parse(errors[0]!)).to.deep.include({ level: 'error', error: 'HERALD_GCP_CONFIG is not set' });
  });

  it('makes a CloudEvent function throw on a 5xx answer (the event comes back) and return otherwise', async () => {
    const event = { specversion: '1.0', id: 'x', type: 't', source: 's' } as never;
    let body: unknown;
    await cloudEventFunction(async (r) => { body = (r as { body: unknown }).body; return { status: 204, outcome: 'dead-letter', reason: 'bad' }; })(event);
    expect(body).to.equal(event);
    let error: unknown;
    await Promise.resolve(cloudEventFunction(async () => ({ status: 500, outcome: 'retry', reason: 'UNAVAILABLE' }))(event)).catch((e) => { error = e; });
    expect((error as Error).message).to.equal('UNAVAILABLE');
  });
});
