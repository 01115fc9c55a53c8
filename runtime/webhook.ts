/**
 * A webhook request made an event, the same way on every target: verify the signature (secret from the
 * environment variable the webhook names), read the JSON body as the emitted event's data, check it
 * against the schema. A refusal carries its status and reason, and nothing is published.
 * - `X-Correlation-Id` becomes the event's correlation id;
 * - the sender's delivery id (`Idempotency-Key`, `X-GitHub-Delivery`) fixes the event id, so a
 *   redelivered request publishes the same event (consumers deduplicate);
 * - without one, the signature fixes it: a replay of the same signed request is the same event.
 */
import type { Envelope } from '../contracts/envelope';
import { SchemaValidationError } from '../contracts/errors';
import { SIGNATURE_TOLERANCE_SECONDS } from '../contracts/limits';
import type { EventDefinition } from '../contracts/events';
import type { VerifySpec } from '../contracts/topology';
import { newEnvelope } from './envelopes';
import { derivedEventId } from './ids';
import { JsonTextError, parseJsonBytes } from './json-text';
import { headerValue, verifySignature, type VerifyInput } from './signature';

export interface WebhookRequestParts {
  /** The webhook's logical name (it scopes derived event ids). */
  readonly name: string;
  readonly verify: VerifySpec;
  /** The event the webhook emits. */
  readonly definition: EventDefinition<any>;
  readonly headers: VerifyInput['headers'];
  /** The body exactly as received. */
  readonly body: Buffer;
  /** The secret's value (read from `verify.secretEnv`); missing means every request is refused. */
  readonly secret: string | undefined;
  /** Unix seconds. @default now */
  readonly now?: number;
}

/**
 * What identifies a verified request against replays: its signature (see VerifyResult.digest), and until
 * when (unix seconds) a replay of it would still be accepted. A signature without a signed time (GitHub's)
 * verifies forever; it is remembered for the tolerance from now.
 */
export interface ReplayKey {
  readonly signature: string;
  readonly until: number;
}

export type WebhookVerdict =
  | { readonly ok: true; readonly envelope: Envelope; readonly replay: ReplayKey }
  | { readonly ok: false; readonly status: 400 | 401; readonly error: string };

/** The event a webhook request carries, or why it is refused. Never throws for a bad request. */
export function webhookEvent(r: WebhookRequestParts): WebhookVerdict {
  const verdict = verifySignature(r.verify.scheme, { headers: r.headers, body: r.body, secret: r.secret ?? '', ...(r.now !== undefined ? { now: r.now } : {}) });
  if (!verdict.ok) return { ok: false, status: 401, error: verdict.reason };
  const replay = { signature: verdict.digest, until: (verdict.timestamp ?? r.now ?? Math.floor(Date.now() / 1000)) + SIGNATURE_TOLERANCE_SECONDS };
  let data: unknown;
  try {
    data = parseJsonBytes(r.body);
  } catch (error) {
    if (!(error instanceof JsonTextError)) throw error;
    return { ok: false, status: 400, error: `malformed JSON: ${error.message}` };
  }
  const correlationId = headerValue(r.headers, 'x-correlation-id');
  const delivery = headerValue(r.headers, 'idempotency-key') ?? headerValue(r.headers, 'x-github-delivery');
  try {
    const envelope = newEnvelope(r.definition, data as never, {
      ...(correlationId ? { correlationId } : {}),
      id: delivery ? derivedEventId(delivery, `webhook:${r.name}`, 0) : derivedEventId(verdict.digest, `webhook:${r.name}:signature`, 0),
    });
    return { ok: true, envelope, replay };
  } catch (error) {
    if (error instanceof SchemaValidationError) return { ok: false, status: 400, error: error.message };
    throw error;
  }
}
