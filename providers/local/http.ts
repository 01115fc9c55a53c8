/** Small HTTP helpers for the dev server: JSON answers, bounded bodies, errors that carry a status. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeraldError } from '../../contracts';

/** An error answered as `{"error": message}` with `status`. */
export class HttpError extends HeraldError {
  constructor(readonly status: number, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** Writes a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Reads a whole request body of at most `limit` bytes.
 * @throws HttpError 413 over the limit, after the rest of the body was read and dropped (answering
 *   before the client finished sending would reset the connection under it).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => {
      if (over) reject(new HttpError(413, `the body is ${size} bytes, over the ${limit}-byte limit`));
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/**
 * A percent-encoded part of `pathname`, decoded.
 * @throws HttpError 400 for a malformed escape or escaped bytes that are not UTF-8 (a URIError otherwise)
 */
export function decodePathPart(part: string, pathname: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new HttpError(400, `malformed percent-escape in ${pathname}`);
  }
}

/** The media type of a request, lower-case, without parameters; '' when absent. */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Refuses a request a browser sent from another site's page. A page on any site can POST to 127.0.0.1
 * without a preflight when the request has no body or a form's content type, so every route that acts
 * with no body (a redrive, a purge, a schedule fired, a test webhook signed) checks this. Browsers name the
 * page's origin on every POST; curl and other tools send none.
 * @throws HttpError 403
 */
export function refuseCrossSite(req: IncomingMessage, why: string): void {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host}`) throw new HttpError(403, `refused a request from a page at ${origin}: ${why}`);
}
