/**
 * The entry of a user function on the Azure Functions v4 Node.js programming model. The bundle's
 * `index.js` calls `registerAzureFunction(definition)` when the worker loads it: it reads the config the
 * deploy side wrote (`HERALD_AZURE_CONFIG`), builds the function's channel pipelines, and registers one
 * trigger per source the config lists:
 * - `app.serviceBusQueue` / `app.serviceBusTopic` (one message per invocation; sessions on an ordered
 *   queue), settled by complete-and-resend (settlement.ts);
 * - `app.eventHub` (`cardinality: 'many'`), records of one partition key in order, each retried in place
 *   and dead-lettered by the entry (the trigger checkpoints whatever the function does), with the
 *   trigger's retry policy as the net for a batch that could not be settled in time;
 * - `app.eventGrid` for direct bus subscriptions (CloudEvents), each handler cut off in time for Event
 *   Grid's 30 s answer (host.ts).
 * `createAzureFunction` builds the same registrations without registering them: tests and `herald invoke`
 * call their `run`, which answers each message's outcome.
 */
import type { InvocationContext } from '@azure/functions';
import { DEFAULT_BACKOFF, DEFAULTS, type HandlerDefinition, type Logger, type RuntimeChannel } from '../../../contracts';
import type { InboundRecord } from '../../../runtime/binding';
import { runBatch } from '../../../runtime/batch';
import { ChannelPipelines } from '../../../runtime/channels';
import type { ClaimCheckStore } from '../../../runtime/claim-check';
import type { IdempotencyStore } from '../../../runtime/idempotency';
import { createLogger } from '../../../runtime/logger';
import { Pipeline } from '../../../runtime/pipeline';
import type { Publisher } from '../../../runtime/publisher';
import { EventRegistry } from '../../../runtime/registry';
import { SETTLE_SECONDS, handlerTimeoutMs, invocationSeconds } from '../host';
import type { AzureDelivery } from './binding';
import { BlobClaimCheckStore } from './claim-check';
import { readAzureConfig, type AzureFunctionConfig, type AzureTrigger } from './config';
import { blobDeadLetterWriter, type DeadLetterWriter } from './dead-letter';
import { eventGrid } from './eventgrid';
import { eventHub } from './eventhub';
import { TableIdempotencyStore } from './idempotency';
import { processRecord, retryInPlace, settle, type OutcomeLine, type OutcomeRunner, type Settled } from './outcomes';
import { publisherFor } from './publisher';
import { register, type Registration } from './registration';
import { clientFactories, type AzureClients } from './sdk';
import { serviceBusResender, type Resender } from './settlement';
import { applicationPropertiesOf, serviceBus } from './servicebus';
import { RESEND_PROPERTIES } from './wire';

/** What a test or `herald invoke` may inject; everything else comes from the config. */
export interface AzureFunctionDeps {
  /** @default read from HERALD_AZURE_CONFIG */
  readonly config?: AzureFunctionConfig;
  readonly env?: NodeJS.ProcessEnv;
  /** @default the config's publish target over the SDK */
  readonly publisher?: Publisher;
  /** SDK clients for everything not given below. @default each created on first use, as the function's identity */
  readonly clients?: AzureClients;
  /** @default the config's table (Table Storage), or none */
  readonly idempotency?: IdempotencyStore;
  /** @default the config's blob container, or none */
  readonly claimCheck?: ClaimCheckStore;
  /** @default blobs in the config's dead-letter container */
  readonly deadLetter?: DeadLetterWriter;
  /** @default scheduled resends to the config's Service Bus entities */
  readonly resend?: Resender;
  /** @default JSON lines on stderr (collected by Application Insights) */
  readonly logger?: Logger;
  /** Waits between in-place retries of a stream record. @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
  /** Records (or partition keys) of an Event Hubs batch in flight at once. @default 10 */
  readonly concurrency?: number;
}

/** The function's registrations, built from its config. */
export interface AzureFunctionApp {
  readonly config: AzureFunctionConfig;
  readonly registrations: readonly Registration[];
}

/** The Event Hubs trigger's retry policy: the net under a batch the entry could not settle within one invocation. */
export const EVENT_HUB_RETRY = { strategy: 'exponentialBackoff', maxRetryCount: 3, minimumInterval: { seconds: 10 }, maximumInterval: { minutes: 5 } } as const;

/** Builds the registrations of `definition` as its config says, without registering them. */
export function createAzureFunction(definition: HandlerDefinition, deps: AzureFunctionDeps = {}): AzureFunctionApp {
  const config = deps.config ?? (() => {
    const c = readAzureConfig(deps.env);
    if (c.kind !== 'function') throw new Error(`HERALD_AZURE_CONFIG is for a ${c.kind} ingress, not a function`);
    return c;
  })();
  const logger = deps.logger ?? createLogger({ fields: { function: config.name } });
  const clients = clientFactories(config.identityClientId, deps.clients);
  const seconds = invocationSeconds({ timeout: `${config.timeoutMs}ms` }, config.channels.map((c) => ({
    source: { kind: kindOf(c) }, maxAttempts: c.maxAttempts, backoff: c.backoff,
  })));
  const idempotency = deps.idempotency ?? (config.idempotency
    ? new TableIdempotencyStore({ client: clients.table(config.idempotency.endpoint, config.idempotency.table), inProgressSeconds: seconds, ...(deps.now ? { now: deps.now } : {}) })
    : undefined);
  const claimCheck = deps.claimCheck ?? (config.claimCheck ? new BlobClaimCheckStore(clients.container(config.claimCheck.endpoint, config.claimCheck.container)) : undefined);
  const shared = {
    functionName: config.name,
    handler: definition,
    registry: new EventRegistry(definition.events),
    publisher: deps.publisher ?? publisherFor(config.publishTo, clients),
    allowedPublishes: config.allowedPublishes,
    logger,
    ...(idempotency ? { idempotency } : {}),
    ...(claimCheck ? { claimCheck } : {}),
  };
  const pipelines = new ChannelPipelines(
    config.channels,
    (c) => new Pipeline({ ...shared, timeoutMs: handlerTimeoutMs(config.timeoutMs, kindOf(c)), maxAttempts: c.maxAttempts, residual: c.residual, backoff: c.backoff }),
    // A function nothing subscribes, invoked by hand: a queue's default attempts.
    { subscription: config.name, sourceKey: 'direct:', types: [], maxAttempts: DEFAULTS.queue.maxAttempts, residual: [], backoff: DEFAULT_BACKOFF },
  );
  const runner: OutcomeRunner = {
    pipelines, logger,
    deadLetter: deps.deadLetter ?? blobDeadLetterWriter(() => clients.container(config.deadLetter.endpoint, config.deadLetter.container), config.name),
    resend: deps.resend ?? serviceBusResender(config, clients.serviceBus, deps.now),
  };
  const now = deps.now ?? Date.now;
  const registrations = config.triggers.map((t) => registration(t, config, runner, { ...deps, now, seconds }));
  // Table Storage keeps records until deleted: the app sweeps its expired claims on a timer, not each
  // instance at its start (which would scan the table once per scale-out, and delay the first invocation).
  if (idempotency instanceof TableIdempotencyStore) registrations.push(sweepRegistration(idempotency, config.name, seconds, logger, now));
  return { config, registrations };
}

/**
 * The timer that deletes a function's expired claims (NCRONTAB, UTC): hourly, at a minute no other timer of
 * Herald's uses. A run stops at its app's invocation limit, less the settling margin; what it leaves, the next takes.
 */
export const IDEMPOTENCY_SWEEP = { name: 'idempotency-sweep', schedule: '0 41 * * * *' } as const;

function sweepRegistration(store: TableIdempotencyStore, scope: string, seconds: number, logger: Logger, now: () => number): Registration {
  const run = async () => {
    const deleted = await store.sweep(scope, { stopAt: now() + (seconds - SETTLE_SECONDS) * 1000 });
    logger.info('expired claims swept', { deleted });
    return { deleted };
  };
  return {
    kind: 'timer', name: IDEMPOTENCY_SWEEP.name, options: { schedule: IDEMPOTENCY_SWEEP.schedule, runOnStartup: false, useMonitor: true },
    run, handler: run,
  };
}

/** What `index.js` runs: the registrations of `definition`, registered with the Functions host. */
export function registerAzureFunction(definition: HandlerDefinition): AzureFunctionApp {
  const built = createAzureFunction(definition);
  register(built.registrations);
  return built;
}

function kindOf(channel: RuntimeChannel): 'direct' | 'queue' | 'stream' {
  return channel.sourceKey.startsWith('stream:') ? 'stream' : channel.sourceKey.startsWith('queue:') ? 'queue' : 'direct';
}

/** The answer of one invocation: a line per message, and why the invocation fails (so the platform redelivers), if it does. */
export interface InvocationAnswer {
  readonly lines: readonly OutcomeLine[];
  readonly fail?: string;
}

function answer(settled: readonly Settled[]): InvocationAnswer {
  const abandoned = settled.filter((s) => s.abandon);
  return {
    lines: settled.map((s) => s.line),
    ...(abandoned.length ? { fail: `${abandoned.length} of ${settled.length} message(s) to be redelivered: ${abandoned.map((s) => s.line.reason).join('; ')}` } : {}),
  };
}

type Context = { readonly now: () => number; readonly seconds: number } & Pick<AzureFunctionDeps, 'sleep' | 'concurrency'>;

function registration(t: AzureTrigger, config: AzureFunctionConfig, runner: OutcomeRunner, ctx: Context): Registration {
  const one = async (records: InboundRecord[]) => answer(await Promise.all(records.map(async (r) => settle(runner, r, await processRecord(runner, r)))));
  switch (t.kind) {
    case 'serviceBusQueue':
    case 'serviceBusTopic': {
      const options = t.kind === 'serviceBusQueue'
        ? { connection: t.connection, queueName: t.queueName, isSessionsEnabled: t.sessions, cardinality: 'one', autoCompleteMessages: true }
        : { connection: t.connection, topicName: t.topicName, subscriptionName: t.subscriptionName, isSessionsEnabled: t.sessions, cardinality: 'one', autoCompleteMessages: true };
      const entity = config.serviceBus?.entities[t.sourceKey];
      const subscription = entity && 'subscription' in entity ? entity.subscription : undefined;
      return triggerRegistration(t.kind, t.name, options, (d) => {
        // A retry copy resent to the topic for another subscriber: the rules route it there (wire.ts
        // subscriptionRuleSql); should a rule let it through anyway, it is not this subscriber's to handle.
        const target = applicationPropertiesOf(d.triggerMetadata)[RESEND_PROPERTIES.subscription];
        if (subscription !== undefined && typeof target === 'string' && target !== subscription) {
          return Promise.resolve({ lines: [{ outcome: 'filtered', reason: `a retry copy for subscription ${target}` }] });
        }
        return one(serviceBus.decode(d, t.sourceKey));
      });
    }
    case 'eventGrid':
      return triggerRegistration('eventGrid', t.name, {}, (d) => one(eventGrid.decode(d)));
    case 'eventHub': {
      const options = { connection: t.connection, eventHubName: t.eventHubName, consumerGroup: t.consumerGroup, cardinality: 'many', retry: EVENT_HUB_RETRY };
      return triggerRegistration('eventHub', t.name, options, async (d) => {
        const started = ctx.now();
        const deadline = started + (ctx.seconds - SETTLE_SECONDS) * 1000;
        const records = eventHub.decode(d, t.sourceKey);
        const settled = new Map<InboundRecord, Settled>();
        const failures = await runBatch(records, async (r) => {
          const s = await retryInPlace(runner, r, { deadline, attemptMs: config.timeoutMs, now: ctx.now, ...(ctx.sleep ? { sleep: ctx.sleep } : {}) });
          settled.set(r, s);
          return s.abandon ? s.line.reason ?? 'not settled' : undefined;
        }, { concurrency: ctx.concurrency ?? 10 });
        const reasons = new Map(failures.map((f) => [f.itemId, f.reason]));
        // A record behind a failed one of its key was not run: it comes back with the batch, in order.
        return answer(records.map((r) => settled.get(r) ?? { line: { outcome: 'retry', reason: reasons.get(r.itemId) ?? 'not processed' }, abandon: true }));
      });
    }
  }
}

function triggerRegistration(kind: Registration['kind'], name: string, options: Record<string, unknown>, run: (d: AzureDelivery) => Promise<InvocationAnswer>): Registration {
  return {
    kind, name, options, run,
    handler: async (input: unknown, context: InvocationContext) => {
      const result = await run({ input, ...(context?.triggerMetadata ? { triggerMetadata: context.triggerMetadata } : {}) });
      // Failing the invocation is how the host is told to redeliver (abandon the message, retry the push or the batch).
      if (result.fail) throw new Error(result.fail);
    },
  };
}
