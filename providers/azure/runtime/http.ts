/**
 * HTTP requests to a function (`app.http`), in the plain form the entry works with and a `herald invoke`
 * event file holds: `{ method, url, headers, body }`, the body exactly as sent (signatures are computed
 * over these bytes). The host's `HttpRequest` is read into it once (`fromHttpRequest`); the answer goes
 * back as a JSON body and status.
 * @see https://learn.microsoft.com/azure/azure-functions/functions-reference-node?pivots=nodejs-model-v4#http-request
 */
import type { HttpRequest as AzureHttpRequest, HttpResponseInit } from '@azure/functions';
import type { HttpBinding } from '../../../runtime/http';

/** A request as the entry reads it. */
export interface PlainHttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Text, or the bytes as the host received them. */
  readonly body: string | Uint8Array;
  /** The host's id of the invocation, for logs. @default none */
  readonly requestId?: string;
}

/** The plain form of the host's request. */
export async function fromHttpRequest(request: AzureHttpRequest, invocationId?: string): Promise<PlainHttpRequest> {
  return {
    method: request.method, url: request.url,
    headers: Object.fromEntries([...request.headers.entries()].map(([k, v]) => [k.toLowerCase(), v])),
    body: new Uint8Array(await request.arrayBuffer()),
    ...(invocationId ? { requestId: invocationId } : {}),
  };
}

/** Whether an input is a plain request (what `herald invoke` reads from an event file). */
function isPlain(input: unknown): input is PlainHttpRequest {
  const r = input as Partial<PlainHttpRequest> | null;
  return typeof r === 'object' && r !== null && typeof r.method === 'string' && typeof r.url === 'string';
}

export const http: HttpBinding<PlainHttpRequest, HttpResponseInit> = {
  name: 'http',
  detect: isPlain,
  decode: (r) => ({
    method: r.method.toUpperCase(),
    path: new URL(r.url, 'https://localhost').pathname,
    headers: Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)])),
    body: typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : Buffer.from(r.body ?? new Uint8Array()),
    requestId: r.requestId ?? 'unknown',
  }),
  /** A request to a function app's host name (tests, `herald invoke` samples). */
  encode: (r) => ({
    method: r.method ?? 'POST',
    url: `https://herald.azurewebsites.net${r.path}`,
    headers: { 'content-type': 'application/json', ...r.headers },
    body: r.body,
  }),
  respond: (answer) => ({ status: answer.status, jsonBody: answer.body }),
};
