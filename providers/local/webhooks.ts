/**
 * Webhook routes of the topology: the signature is verified with the secret from the environment
 * variable the webhook names (401 with the reason when it is missing, wrong or expired, and nothing is
 * published), then the JSON body becomes the data of the event the webhook emits, checked against its
 * schema (400 when it does not fit). A replay of a request already accepted, while its signature still
 * verifies, is answered with the first one's event id as a duplicate and published nothing.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { MAX_EVENT_BYTES, type Envelope, type EventDefinition, type WebhookSpec } from '../../contracts';
import { webhookEvent, type ReplayKey } from '../../runtime';
import { HttpError } from './http';
import type { ReplayGuard } from './replays';

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

/** A verified, checked webhook request: its event, and what identifies it against replays. */
export interface WebhookRead {
  readonly envelope: Envelope;
  readonly replay: ReplayKey;
}

/** What `acceptWebhook` did: the event id, and whether the request was a replay (nothing published then). */
export interface WebhookAccepted {
  readonly id: string;
  readonly duplicate: boolean;
}

export interface AcceptOptions extends WebhookOptions {
  readonly replays: ReplayGuard;
  /** Publishes the event to the webhook's target. */
  readonly publish: (envelope: Envelope) => void | Promise<void>;
}

/**
 * Reads a webhook request and publishes its event, unless it replays one already published.
 * @throws HttpError as readWebhook; whatever `publish` throws (the request is then not remembered)
 */
export async function acceptWebhook(spec: WebhookSpec, request: WebhookRequest, options: AcceptOptions): Promise<WebhookAccepted> {
  const { envelope, replay } = readWebhook(spec, request, options);
  const first = options.replays.claim(spec.name, replay.signature, replay.until, envelope.id);
  if (first !== undefined) return { id: first, duplicate: true };
  try {
    await options.publish(envelope);
  } catch (error) {
    options.replays.release(spec.name, replay.signature);
    throw error;
  }
  return { id: envelope.id, duplicate: false };
}

/**
 * The event a webhook request carries, once verified and checked.
 * @throws HttpError 405 wrong method, 401 bad signature, 400 malformed or schema-invalid body
 */
export function readWebhook(spec: WebhookSpec, request: WebhookRequest, options: WebhookOptions): WebhookRead {
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
  return { envelope: verdict.envelope, replay: verdict.replay };
}
