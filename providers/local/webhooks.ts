/**
 * Webhook routes of the topology: the signature is verified with the secret from the environment
 * variable the webhook names (401 with the reason when it is missing, wrong or expired, and nothing is
 * published), then the JSON body becomes the data of the event the webhook emits, checked against its
 * schema (400 when it does not fit).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { MAX_EVENT_BYTES, type Envelope, type EventDefinition, type WebhookSpec } from '../../contracts';
import { webhookEvent } from '../../runtime';
import { HttpError } from './http';

/** Webhook bodies are event data, so they are held to the event size limit. */
export const MAX_WEBHOOK_BYTES = MAX_EVENT_BYTES;

export interface WebhookRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface WebhookOptions {
  /** Where secrets are read from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly definition: (wireType: string) => EventDefinition<any>;
  /** Unix seconds, for the timestamp tolerance. @default now */
  readonly now?: () => number;
}

/**
 * The event a webhook request carries, once verified and checked.
 * @throws HttpError 405 wrong method, 401 bad signature, 400 malformed or schema-invalid body
 */
export function readWebhook(spec: WebhookSpec, request: WebhookRequest, options: WebhookOptions): Envelope {
  if (request.method !== spec.method) throw new HttpError(405, `${spec.path} takes ${spec.method}, not ${request.method}`);
  const verdict = webhookEvent({
    name: spec.name, verify: spec.verify, definition: options.definition(spec.emits),
    headers: request.headers, body: request.body, secret: options.env[spec.verify.secretEnv],
    ...(options.now ? { now: options.now() } : {}),
  });
  if (!verdict.ok) {
    // The dev server names the missing variable; a deployed endpoint does not tell strangers its configuration.
    const hint = verdict.status === 401 && !options.env[spec.verify.secretEnv] ? ` (set ${spec.verify.secretEnv})` : '';
    throw new HttpError(verdict.status, `${verdict.error}${hint}`);
  }
  return verdict.envelope;
}
