/**
 * The entry of a user function on Cloud Functions gen2: `createPushHandler(definition)` answers the push
 * requests of the function's Pub/Sub subscriptions (main.ts registers it with the Functions Framework's
 * `http()`). Wiring only: per instance it reads the config the deploy side wrote (`HERALD_GCP_CONFIG`) and
 * builds one pipeline per channel; per request it reads the push body (push.ts), finds the channel by the
 * subscription that pushed it, runs the pipeline and answers with a status Pub/Sub understands:
 * - ok, filtered, duplicate: 204, the message is acknowledged;
 * - retry (attempts left) and deferred (another delivery holds the event): 500, the subscription redelivers
 *   it after its retry policy's backoff, which the deploy side set from the plan's backoff;
 * - dead-letter (bad input, NonRetryableError, attempts spent, a stream event older than `maxEventAge`):
 *   the message is published to its subscription's dead-letter topic with the reason, then acknowledged
 *   (204); if that publish fails, 500, so Pub/Sub delivers it again (and dead-letters it itself once
 *   `maxDeliveryAttempts` is reached), the event forgotten by the idempotency store so that delivery is
 *   not taken for a duplicate;
 * - a body that is not a push: 400 (Pub/Sub retries it like any failure; nothing else sends one here).
 */
import { DEFAULT_BACKOFF, type Envelope, type HandlerDefinition, type Logger, type RuntimeChannel } from '../../../contracts';
import { ChannelPipelines } from '../../../runtime/channels';
import type { ClaimCheckStore } from '../../../runtime/claim-check';
import type { IdempotencyStore } from '../../../runtime/idempotency';
import { Pipeline, type Outcome } from '../../../runtime/pipeline';
import type { Publisher } from '../../../runtime/publisher';
import { EventRegistry } from '../../../runtime/registry';
import { GcsClaimCheckStore } from './claim-check';
import { cloudLogger } from './logger';
import { readGcpConfig, type GcpFunctionConfig } from './config';
import { deadLetterOrRedeliver, deadLetterSender, type DeadLetterSender } from './dead-letter';
import { FirestoreIdempotencyStore } from './idempotency';
import { publisherFor } from './publisher';
import { decodePush, pushBodyOf, type PushDelivery } from './push';
import { memo } from '../../../runtime/lazy';
import { newPubSub, type GcpClients } from './sdk';

/** What `herald invoke` reports and a function answers: the HTTP status, and what became of the delivery. */
export interface GcpAnswer {
  readonly status: number;
  readonly outcome: 'ok' | 'retry' | 'dead-letter' | 'filtered' | 'duplicate';
  readonly reason?: string;
}

/** A request as the Functions Framework hands it over (Express's `req`, the parts read here). */
export interface GcpRequest {
  /** The HTTP method, when known (a webhook accepts only its own). */
  readonly method?: string;
  /** Names lower-case. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed body (JSON for a push). */
  readonly body: unknown;
  /** The bytes as received (the framework keeps them as `req.rawBody`). */
  readonly rawBody?: Buffer;
}

/** What a test or `herald invoke` may inject; everything else comes from the config. */
export interface PushHandlerDeps {
  /** @default read from HERALD_GCP_CONFIG on the first request */
  readonly config?: GcpFunctionConfig;
  readonly env?: NodeJS.ProcessEnv;
  /** @default the config's topic over the Pub/Sub client */
  readonly publisher?: Publisher;
  /** Clients for everything not given below. @default each created on first use */
  readonly clients?: GcpClients;
  /** @default the config's Firestore collection */
  readonly idempotency?: IdempotencyStore;
  /** @default the config's Cloud Storage bucket */
  readonly claimCheck?: ClaimCheckStore;
  /** @default Pub/Sub publish to the dead-letter topic */
  readonly deadLetter?: DeadLetterSender;
  /** @default JSON lines on stderr (Cloud Logging) */
  readonly logger?: Logger;
  /** @default Date.now (a stream event's age) */
  readonly now?: () => number;
}

export type PushHandler = (request: GcpRequest) => Promise<GcpAnswer>;

/**
 * Attempts of a function invoked by hand, nothing subscribing it: the fewest a Pub/Sub dead-letter policy
 * allows (5), as for every Herald subscription on GCP.
 */
const BY_HAND_MAX_ATTEMPTS = 5;

interface State {
  readonly config: GcpFunctionConfig;
  readonly logger: Logger;
  readonly pipelines: ChannelPipelines;
  readonly deadLetter: DeadLetterSender;
  /** Push subscription full name → the plan's subscription. */
  readonly channels: Readonly<Record<string, string>>;
}

/** The channels keyed by their plan subscription: on GCP each push subscription is exactly one channel. */
function bySubscription(channels: readonly RuntimeChannel[]): RuntimeChannel[] {
  return channels.map((c) => ({ ...c, sourceKey: c.subscription }));
}

/** The push handler running `definition` as configured by the deploy side. */
export function createPushHandler(definition: HandlerDefinition, deps: PushHandlerDeps = {}): PushHandler {
  let state: State | undefined;
  const now = deps.now ?? Date.now;
  const init = (): State => {
    const config = deps.config ?? readGcpConfig(deps.env);
    if (config.kind !== 'function') throw new Error(`HERALD_GCP_CONFIG is for a ${config.kind} ingress, not a function`);
    const logger = deps.logger ?? cloudLogger({ fields: { function: config.name } });
    const clients = deps.clients ?? {};
    // One client (one gRPC channel) for publishing and dead-lettering alike.
    const pubsub = memo(clients.pubsub ?? (() => newPubSub(config.project)));
    const idempotency = deps.idempotency ?? (config.idempotency
      ? new FirestoreIdempotencyStore({
        ...config.idempotency, project: config.project,
        inProgressSeconds: Math.ceil(config.timeoutMs / 1000) + 5,
        ...(clients.firestore ? { client: clients.firestore } : {}),
      })
      : undefined);
    const claimCheck = deps.claimCheck ?? (config.claimCheckBucket ? new GcsClaimCheckStore(config.claimCheckBucket, config.project, clients.storage) : undefined);
    const shared = {
      functionName: config.name,
      handler: definition,
      registry: new EventRegistry(definition.events),
      publisher: deps.publisher ?? publisherFor(config.publishTo, config.project, pubsub),
      timeoutMs: config.timeoutMs,
      allowedPublishes: config.allowedPublishes,
      logger,
      ...(idempotency ? { idempotency } : {}),
      ...(claimCheck ? { claimCheck } : {}),
    };
    const pipelines = new ChannelPipelines(
      bySubscription(config.channels),
      (c) => new Pipeline({ ...shared, maxAttempts: c.maxAttempts, residual: c.residual, backoff: c.backoff }),
      { subscription: config.name, sourceKey: config.name, types: [], maxAttempts: BY_HAND_MAX_ATTEMPTS, residual: [], backoff: DEFAULT_BACKOFF },
    );
    const channels = Object.fromEntries(Object.entries(config.subscriptions).map(([name, s]) => [name, s.channel]));
    return { config, logger, pipelines, channels, deadLetter: deps.deadLetter ?? deadLetterSender(pubsub) };
  };

  return async (request) => {
    state ??= init();
    const body = pushBodyOf(request.body);
    if (!body) {
      state.logger.error('not a Pub/Sub push', { keys: Object.keys((request.body as object) ?? {}).slice(0, 10) });
      return { status: 400, outcome: 'retry', reason: 'the request body is not a Pub/Sub push' };
    }
    const delivery = decodePush(body, state.channels);
    const tooOld = staleReason(state.config, delivery, now());
    if (delivery.unreadable !== undefined || tooOld !== undefined) {
      return deadLetter(state, delivery, (delivery.unreadable ?? tooOld)!, undefined);
    }
    const { record } = delivery;
    const pipeline = state.pipelines.forDelivery(record.channel, record.payload);
    return answer(state, delivery, await pipeline.process(record.payload, { attempt: record.attempt }), pipeline);
  };
}

/** Why a stream delivery is past its stream's `maxEventAge` (by publish time), or undefined. */
function staleReason(config: GcpFunctionConfig, delivery: PushDelivery, now: number): string | undefined {
  const maxAge = config.subscriptions[delivery.subscription]?.maxEventAgeMs;
  if (maxAge === undefined || delivery.publishedAt === undefined) return undefined;
  const age = now - delivery.publishedAt;
  return age > maxAge ? `EventTooOldError: published ${Math.round(age / 1000)} s ago, past the stream's maxEventAge of ${Math.round(maxAge / 1000)} s` : undefined;
}

async function answer(state: State, delivery: PushDelivery, outcome: Outcome, pipeline: Pipeline): Promise<GcpAnswer> {
  const fields = { messageId: delivery.messageId, subscription: delivery.subscription, eventId: outcome.envelope?.id, type: outcome.envelope?.type };
  switch (outcome.kind) {
    case 'ok': case 'filtered': case 'duplicate':
      return { status: 204, outcome: outcome.kind };
    case 'deferred':
      state.logger.info('delivery deferred; another delivery of its event is in flight', { ...fields, reason: outcome.reason });
      return { status: 500, outcome: 'retry', reason: outcome.reason };
    case 'retry':
      state.logger.warn('delivery failed; Pub/Sub redelivers it after the backoff', { ...fields, attempt: outcome.attempt ?? delivery.record.attempt, reason: outcome.reason });
      return { status: 500, outcome: 'retry', reason: outcome.reason };
    case 'dead-letter': {
      const answered = await deadLetter(state, delivery, outcome.reason, outcome.envelope?.id);
      // The store already records the event as given up on, so its redelivery would be acknowledged as a
      // duplicate and never reach the dead-letter topic: forget it, and the redelivery gives up again.
      if (answered.status >= 500 && outcome.envelope) await forget(state, pipeline, outcome.envelope);
      return answered;
    }
  }
}

async function forget(state: State, pipeline: Pipeline, envelope: Envelope): Promise<void> {
  try {
    await pipeline.forget(envelope);
  } catch (error) {
    state.logger.error('could not forget the event after its dead letter failed; its redelivery may be taken for a duplicate', { eventId: envelope.id, error: (error as Error).message });
  }
}

/** Publishes the message to its subscription's dead-letter topic, then acknowledges it. */
function deadLetter(state: State, delivery: PushDelivery, reason: string, eventId: string | undefined): Promise<GcpAnswer> {
  const topic = state.config.subscriptions[delivery.subscription]?.deadLetterTopic;
  const fields = { messageId: delivery.messageId, subscription: delivery.subscription, eventId, reason };
  return deadLetterOrRedeliver(state.deadLetter, state.logger, topic, delivery.message, { reason, functionName: state.config.name, source: delivery.subscription }, 'delivery', fields);
}
