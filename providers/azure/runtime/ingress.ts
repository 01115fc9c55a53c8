/**
 * Herald's own ingress functions on Azure, one bundle per kind, each turning something that happened
 * outside into the declared event and publishing it to the bus (Event Grid) or topic (Service Bus):
 * - webhook (`app.http`, anonymous at the platform: Herald verifies the signature, secret from the app
 *   setting `verify.secretEnv` names) → validate the JSON body against the event's schema → publish →
 *   202 `{"id"}`; 401/400/413 with `{"error"}` otherwise, publishing nothing; 503 when publishing failed;
 * - upload (`app.eventGrid`, `Microsoft.Storage.BlobCreated` CloudEvents from the account's system topic)
 *   → `{bucket, key, size, contentType}`, all read from the event (no call to the blob). A failure fails
 *   the invocation: Event Grid retries it and dead-letters it to its blob container;
 * - change (`app.cosmosDB`, change feed in latest-version mode) → `{table, op: 'modify', keys, newImage}`
 *   per document (the mode gives neither deletes nor the previous image, nor tells an insert from an
 *   update); a document that cannot become the event is dead-lettered with the reason, a failed publish
 *   fails the invocation and the trigger's retry policy runs the batch again;
 * - schedule (`app.timer`, NCRONTAB from `%HERALD_SCHEDULE_<NAME>%`) → the schedule's data with the run's
 *   time; the run a (possibly late or retried) invocation stands for is the cron's latest time at or
 *   before now. A failed publish is retried by the timer's retry policy.
 * Events are built by runtime/ingress-events.ts (the rule every target shares): ids derive from the native
 * ids, so a redelivery publishes the same ids (consumers dedupe).
 */
import type { HttpRequest as AzureHttpRequest, InvocationContext } from '@azure/functions';
import { CronExpressionParser } from 'cron-parser';
import { OversizeEventError, type Envelope, type EventDefinition, type Logger, type Topology } from '../../../contracts';
import type { ClaimCheckStore } from '../../../runtime/claim-check';
import { fitToLimit } from '../../../runtime/envelopes';
import type { HttpAnswer } from '../../../runtime/http';
import { changeEvent, scheduledEvent, scheduledTimeOf, uploadEvent } from '../../../runtime/ingress-events';
import { createLogger } from '../../../runtime/logger';
import { describe } from '../../../runtime/pipeline';
import type { Publisher } from '../../../runtime/publisher';
import { webhookEvent } from '../../../runtime/webhook';
import type { AzureDelivery } from './binding';
import { BlobClaimCheckStore } from './claim-check';
import { FUNCTION_NAMES, readAzureConfig, type AzureIngressConfig } from './config';
import { blobDeadLetterWriter, type DeadLetterWriter } from './dead-letter';
import { blobCreatedOf, isBlobCreated } from './eventgrid';
import { fromHttpRequest, http, type PlainHttpRequest } from './http';
import type { OutcomeLine } from './outcomes';
import { publisherFor } from './publisher';
import { register, type Registration } from './registration';
import { clientFactories, type AzureClients } from './sdk';

export type AzureIngressKind = AzureIngressConfig['kind'];

export interface AzureIngressDeps {
  /** The kind this bundle was built for; a config of another kind is refused. */
  readonly kind?: AzureIngressKind;
  /** @default read from HERALD_AZURE_CONFIG */
  readonly config?: AzureIngressConfig;
  /** Where secrets and the config are read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  readonly publisher?: Publisher;
  readonly clients?: AzureClients;
  readonly claimCheck?: ClaimCheckStore;
  /** @default blobs in the config's dead-letter container (change triggers) */
  readonly deadLetter?: DeadLetterWriter;
  readonly logger?: Logger;
  /** @default Date.now */
  readonly now?: () => number;
}

/** What an ingress invocation answers: an HTTP response (webhook), or a line per message. */
export type IngressAnswer =
  | { readonly http: { readonly status: number; readonly body: unknown } }
  | { readonly lines: readonly OutcomeLine[]; readonly fail?: string };

export interface AzureIngressApp {
  readonly config: AzureIngressConfig;
  readonly registrations: readonly Registration<IngressAnswer>[];
}

/**
 * The retry policy of the change feed trigger: without one, a failed batch is not retried (the lease moves on).
 * @see https://learn.microsoft.com/azure/azure-functions/functions-bindings-error-pages#retries
 */
export const CHANGE_FEED_RETRY = { strategy: 'exponentialBackoff', maxRetryCount: 5, minimumInterval: { seconds: 10 }, maximumInterval: { minutes: 5 } } as const;

/**
 * The timer's retry policy: a run whose publish failed is run again within the minute (a run later than
 * that could be taken for the next run of a every-minute cron).
 */
export const SCHEDULE_RETRY = { strategy: 'fixedDelay', maxRetryCount: 3, delayInterval: { seconds: 10 } } as const;

interface State {
  readonly config: AzureIngressConfig;
  readonly definition: EventDefinition<any>;
  readonly publisher: Publisher;
  readonly claimCheck?: ClaimCheckStore;
  readonly deadLetter?: DeadLetterWriter;
  readonly logger: Logger;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => number;
}

/** Builds the ingress function of `topology` its config describes, without registering it. */
export function createAzureIngress(topology: Topology, deps: AzureIngressDeps = {}): AzureIngressApp {
  const env = deps.env ?? process.env;
  const config = deps.config ?? (() => {
    const c = readAzureConfig(env);
    if (c.kind === 'function') throw new Error(`HERALD_AZURE_CONFIG is for a function, but this is the ${deps.kind ?? 'ingress'} bundle`);
    return c;
  })();
  if (deps.kind && config.kind !== deps.kind) throw new Error(`HERALD_AZURE_CONFIG is for a ${config.kind}, but this is the ${deps.kind} bundle`);
  const definition = topology.events.find((e) => e.wireType === config.emits);
  if (!definition) throw new Error(`the topology ${topology.name} declares no event ${config.emits}`);
  const clients = clientFactories(config.identityClientId, deps.clients);
  const claimCheck = deps.claimCheck ?? (config.claimCheck ? new BlobClaimCheckStore(clients.container(config.claimCheck.endpoint, config.claimCheck.container)) : undefined);
  const deadLetterContainer = config.kind === 'change' ? config.deadLetter : undefined;
  const deadLetter = deps.deadLetter ?? (deadLetterContainer
    ? blobDeadLetterWriter(() => clients.container(deadLetterContainer.endpoint, deadLetterContainer.container), `change-${config.kind === 'change' ? config.table : ''}`)
    : undefined);
  const state: State = {
    config, definition, env, now: deps.now ?? Date.now,
    publisher: deps.publisher ?? publisherFor(config.publishTo, clients),
    logger: deps.logger ?? createLogger({ fields: { ingress: config.kind, emits: config.emits } }),
    ...(claimCheck ? { claimCheck } : {}),
    ...(deadLetter ? { deadLetter } : {}),
  };
  return { config, registrations: [registration(state)] };
}

/** What `index.js` of an ingress bundle runs: its function, registered with the Functions host. */
export function registerAzureIngress(topology: Topology, options: { readonly kind?: AzureIngressKind } = {}): AzureIngressApp {
  const built = createAzureIngress(topology, options.kind ? { kind: options.kind } : {});
  register(built.registrations);
  return built;
}

const lines = (list: readonly OutcomeLine[], fail?: string): IngressAnswer => ({ lines: list, ...(fail ? { fail } : {}) });

function registration(state: State): Registration<IngressAnswer> {
  const { config } = state;
  const failing = (run: (d: AzureDelivery) => Promise<IngressAnswer>) => async (input: unknown, context: InvocationContext) => {
    const answer = await run({ input, ...(context?.triggerMetadata ? { triggerMetadata: context.triggerMetadata } : {}) });
    if ('fail' in answer && answer.fail) throw new Error(answer.fail);
  };
  switch (config.kind) {
    case 'webhook': {
      const run = async (d: AzureDelivery) => ({ http: await webhook(state, config, d.input) });
      return {
        kind: 'http', name: FUNCTION_NAMES.webhook, run,
        options: { methods: [config.method], authLevel: 'anonymous', route: config.route },
        handler: async (request: AzureHttpRequest, context: InvocationContext) => http.respond((await webhook(state, config, await fromHttpRequest(request, context?.invocationId)))),
      };
    }
    case 'upload': {
      const run = (d: AzureDelivery) => upload(state, config, d.input);
      return { kind: 'eventGrid', name: FUNCTION_NAMES.upload, options: {}, run, handler: failing(run) };
    }
    case 'change': {
      const run = (d: AzureDelivery) => change(state, config, d.input);
      const options = {
        connection: config.connection, databaseName: config.databaseName, containerName: config.containerName,
        leaseContainerName: config.leaseContainerName, createLeaseContainerIfNotExists: false, retry: CHANGE_FEED_RETRY,
      };
      return { kind: 'cosmosDB', name: FUNCTION_NAMES.change, options, run, handler: failing(run) };
    }
    case 'schedule': {
      const run = () => schedule(state, config);
      const options = { schedule: config.schedule, runOnStartup: false, useMonitor: true, retry: SCHEDULE_RETRY };
      return { kind: 'timer', name: FUNCTION_NAMES.schedule, options, run, handler: failing(run) };
    }
  }
}

type Of<K extends AzureIngressKind> = Extract<AzureIngressConfig, { kind: K }>;

async function webhook(state: State, config: Of<'webhook'>, input: unknown): Promise<HttpAnswer> {
  if (!http.detect(input)) return { status: 400, body: { error: 'the webhook ingress takes an HTTP request ({"method","url","headers","body"})' } };
  const request = http.decode(input as PlainHttpRequest);
  const verdict = webhookEvent({
    name: config.name, verify: config.verify, definition: state.definition,
    headers: request.headers, body: request.body, secret: state.env[config.verify.secretEnv],
  });
  if (!verdict.ok) {
    state.logger.warn('webhook refused', { webhook: config.name, requestId: request.requestId, status: verdict.status, reason: verdict.error });
    return { status: verdict.status, body: { error: verdict.error } };
  }
  try {
    const envelope = await fitToLimit(verdict.envelope, state.claimCheck);
    await state.publisher.publish([envelope]);
    state.logger.info('webhook accepted', { webhook: config.name, requestId: request.requestId, eventId: envelope.id });
    return { status: 202, body: { id: envelope.id } };
  } catch (error) {
    if (error instanceof OversizeEventError) return { status: 413, body: { error: error.message } };
    state.logger.error('webhook not published', { webhook: config.name, requestId: request.requestId, error: (error as Error).message });
    // A 5xx makes the sender retry later.
    return { status: 503, body: { error: 'the event could not be published; retry later' } };
  }
}

async function upload(state: State, config: Of<'upload'>, input: unknown): Promise<IngressAnswer> {
  if (!isBlobCreated(input)) {
    // Not retryable: Event Grid would only deliver the same thing again. Its subscription filters on the type.
    state.logger.warn('upload ignored: not a BlobCreated event', { type: (input as { type?: unknown } | null)?.type });
    return lines([{ outcome: 'filtered', reason: 'not a Microsoft.Storage.BlobCreated CloudEvent' }]);
  }
  const blob = blobCreatedOf(input);
  if (blob.container !== config.container || !blob.name.startsWith(config.prefix)) {
    state.logger.info('upload ignored: outside the trigger', { container: blob.container, name: blob.name, prefix: config.prefix });
    return lines([{ outcome: 'filtered', reason: `${blob.container}/${blob.name} is outside ${config.container}/${config.prefix}` }]);
  }
  try {
    const data = { bucket: config.bucket, key: blob.name, size: blob.size, contentType: blob.contentType };
    const envelope = await fitToLimit(uploadEvent(state.definition, data, { id: blob.eventId, ...(blob.time ? { time: blob.time } : {}) }), state.claimCheck);
    await state.publisher.publish([envelope]);
    state.logger.info('upload published', { container: blob.container, name: blob.name, eventId: envelope.id });
    return lines([{ outcome: 'ok' }]);
  } catch (error) {
    // Event Grid retries the delivery on its schedule, then dead-letters it to its blob container, with the reason.
    state.logger.error('upload not published', { container: blob.container, name: blob.name, error: describe(error) });
    return lines([{ outcome: 'retry', reason: describe(error) }], describe(error));
  }
}

/** Cosmos DB's own properties on a document: not part of the row. */
const SYSTEM_PROPERTIES = new Set(['_rid', '_self', '_etag', '_attachments', '_ts', '_lsn']);

async function change(state: State, config: Of<'change'>, input: unknown): Promise<IngressAnswer> {
  const documents = (Array.isArray(input) ? input : [input]) as Record<string, unknown>[];
  const out: OutcomeLine[] = [];
  const envelopes: Envelope[] = [];
  for (const doc of documents) {
    const row = Object.fromEntries(Object.entries(doc ?? {}).filter(([k]) => !SYSTEM_PROPERTIES.has(k)));
    const keys = Object.fromEntries(config.keyNames.filter((k) => k in row).map((k) => [k, row[k]]));
    if (!Object.keys(keys).length && typeof row.id === 'string') keys.id = row.id;
    // The change's own id: the document and its version (its ETag), the same on every redelivery of this write.
    const occurrence = `${String(doc?.id ?? '')}@${String(doc?._etag ?? doc?._lsn ?? doc?._ts ?? '')}`;
    const time = typeof doc?._ts === 'number' ? new Date(doc._ts * 1000).toISOString() : undefined;
    try {
      const data = { table: config.table, op: 'modify' as const, keys, newImage: row };
      envelopes.push(await fitToLimit(changeEvent(state.definition, data, { id: occurrence, ...(time ? { time } : {}) }, config.keyNames), state.claimCheck));
      out.push({ outcome: 'ok' });
    } catch (error) {
      const reason = describe(error);
      if (!state.deadLetter) {
        state.logger.error('row change is not a valid event, and there is no dead-letter container; the batch will be retried', { table: config.table, document: occurrence, reason });
        return lines([{ outcome: 'retry', reason }], reason);
      }
      try {
        const raw = JSON.stringify(doc);
        await state.deadLetter({ itemId: occurrence, payload: raw, attempt: 1, rawBody: raw, channel: `change:${config.table}` }, reason, { attempt: 1 });
      } catch (writeError) {
        return lines([{ outcome: 'retry', reason: `${reason}; dead letter not written: ${describe(writeError)}` }], reason);
      }
      state.logger.warn('row change dead-lettered: not a valid event', { table: config.table, document: occurrence, reason });
      out.push({ outcome: 'dead-letter', reason, attempt: 1 });
    }
  }
  try {
    if (envelopes.length) await state.publisher.publish(envelopes);
  } catch (error) {
    state.logger.error('row changes not published; the batch will be retried', { table: config.table, error: describe(error) });
    return lines(documents.map(() => ({ outcome: 'retry' as const, reason: describe(error) })), describe(error));
  }
  return lines(out);
}

/** The run an invocation at `now` stands for: the cron's latest time at or before it (a second's grace for an early timer). */
export function scheduledRun(cron: string, now: number): number {
  return CronExpressionParser.parse(cron, { currentDate: new Date(now + 1000), tz: 'UTC' }).prev().getTime();
}

async function schedule(state: State, config: Of<'schedule'>): Promise<IngressAnswer> {
  const time = scheduledTimeOf(scheduledRun(config.cron, state.now()));
  try {
    const envelope = await fitToLimit(scheduledEvent(state.definition, config, time), state.claimCheck);
    await state.publisher.publish([envelope]);
    state.logger.info('schedule published', { schedule: config.name, scheduledTime: time, eventId: envelope.id });
    return lines([{ outcome: 'ok' }]);
  } catch (error) {
    // The timer's retry policy runs it again a few times; after that the run is lost, and this error is what an operator sees.
    state.logger.error('schedule not published', { schedule: config.name, scheduledTime: time, error: describe(error) });
    return lines([{ outcome: 'retry', reason: describe(error) }], describe(error));
  }
}
