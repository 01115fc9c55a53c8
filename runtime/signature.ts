/**
 * Webhook signature verification, with constant-time comparison.
 * - herald: `Herald-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, 300 s tolerance
 * - stripe: `Stripe-Signature`, the same construction
 * - github: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>` (no timestamp)
 * @see https://docs.stripe.com/webhooks#verify-manually
 * @see https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SIGNATURE_TOLERANCE_SECONDS, type SignatureScheme } from '../contracts';

/**
 * A verified request carries `digest`, the signature that matched as lower-case hex: the same for every
 * replay of that request however its header is spelled (it is computed, not copied), so it identifies the
 * request for replay detection. `timestamp` is the signed time, for the schemes that sign one.
 */
export type VerifyResult =
  | { readonly ok: true; readonly digest: string; readonly timestamp?: number }
  | { readonly ok: false; readonly reason: string };

export interface VerifyInput {
  /** Header names in any case. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The body exactly as received. */
  readonly body: string | Buffer;
  readonly secret: string;
  /** Unix seconds. @default now */
  readonly now?: number;
  /** @default 300 */
  readonly toleranceSeconds?: number;
}

/** The header each scheme signs with. */
export const SIGNATURE_HEADERS: Record<SignatureScheme, string> = {
  herald: 'herald-signature',
  stripe: 'stripe-signature',
  github: 'x-hub-signature-256',
};

/** Checks a request's signature; the reason says what is wrong (never the expected value). */
export function verifySignature(scheme: SignatureScheme, input: VerifyInput): VerifyResult {
  if (!input.secret) return { ok: false, reason: 'the webhook secret is not configured' };
  const header = headerValue(input.headers, SIGNATURE_HEADERS[scheme]);
  if (!header) return { ok: false, reason: `missing ${SIGNATURE_HEADERS[scheme]} header` };
  const body = typeof input.body === 'string' ? Buffer.from(input.body) : input.body;
  if (scheme === 'github') {
    const m = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
    if (!m) return { ok: false, reason: 'malformed signature header: expected sha256=<hex>' };
    const digest = hmac(input.secret, body);
    return sameHex(m[1]!, digest) ? { ok: true, digest } : { ok: false, reason: 'signature does not match' };
  }
  const parts = parseTimestamped(header);
  if (!parts) return { ok: false, reason: 'malformed signature header: expected t=<unix seconds>,v1=<hex>' };
  const now = input.now ?? Math.floor(Date.now() / 1000);
  const tolerance = input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS;
  if (Math.abs(now - parts.t) > tolerance) return { ok: false, reason: `timestamp is outside the ${tolerance}s tolerance` };
  const expected = hmac(input.secret, Buffer.concat([Buffer.from(`${parts.t}.`), body]));
  // Several v1 values are allowed while a secret is rotated; any match is enough.
  return parts.v1.some((v) => sameHex(v, expected)) ? { ok: true, digest: expected, timestamp: parts.t } : { ok: false, reason: 'signature does not match' };
}

/** The headers that sign `body` (for clients, the CLI and tests). */
export function signatureHeaders(scheme: SignatureScheme, body: string | Buffer, secret: string, now = Math.floor(Date.now() / 1000)): Record<string, string> {
  const raw = typeof body === 'string' ? Buffer.from(body) : body;
  if (scheme === 'github') return { 'X-Hub-Signature-256': `sha256=${hmac(secret, raw)}` };
  const v1 = hmac(secret, Buffer.concat([Buffer.from(`${now}.`), raw]));
  return { [scheme === 'herald' ? 'Herald-Signature' : 'Stripe-Signature']: `t=${now},v1=${v1}` };
}

function hmac(secret: string, payload: Buffer): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

function sameHex(given: string, expected: string): boolean {
  const a = Buffer.from(given.toLowerCase(), 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseTimestamped(header: string): { t: number; v1: string[] } | undefined {
  let t: number | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 1) return undefined;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') t = /^\d{1,12}$/.test(value) ? Number(value) : NaN;
    else if (key === 'v1') v1.push(value);
  }
  if (t === undefined || Number.isNaN(t) || v1.length === 0 || !v1.every((v) => /^[0-9a-fA-F]{64}$/.test(v))) return undefined;
  return { t, v1 };
}

/** A header's first value, whatever the case of its name. */
export function headerValue(headers: VerifyInput['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : (value as string | undefined);
  }
  return undefined;
}
