/**
 * Azure's form of the timeout-coupling rule (contracts/delivery.ts), in one place for the bundle
 * (`host.json`) and the deploy side (a queue's `lockDuration`), so the two fit together:
 * - the function host stops an invocation at `functionTimeout`: the handler's own timeout plus the time
 *   the entry needs to settle the delivery afterwards (a resend or a dead-letter blob);
 * - a Service Bus lock lasts `lockDuration` (at most 5 minutes) and the host renews it up to
 *   `maxAutoLockRenewalDuration`, which is set to the whole `functionTimeout`, so a message is never
 *   handed to a second reader while the first still runs it;
 * - Event Grid waits 30 s for an answer before it counts the delivery failed and retries it, so a direct
 *   (pushed) delivery's handler is cut off before that;
 * - an Event Hubs batch is retried in place (the trigger checkpoints whatever the outcome), so a stream
 *   reader's invocation lasts long enough for every attempt of a record and the backoff between them.
 * Pure: no Pulumi, no SDK.
 * @see https://learn.microsoft.com/azure/azure-functions/functions-host-json#functiontimeout
 * @see https://learn.microsoft.com/azure/azure-functions/functions-bindings-service-bus#hostjson-settings
 * @see https://learn.microsoft.com/azure/service-bus-messaging/message-transfers-locks-settlement#peeklock
 * @see https://learn.microsoft.com/azure/event-grid/delivery-and-retry
 * @see https://learn.microsoft.com/azure/azure-functions/functions-bindings-event-hubs#hostjson-settings
 */
import { backoffCeiling } from '../../runtime/backoff';
import { toMillis, type Channel, type FunctionSpec } from '../../contracts';
import { isoSeconds } from './iso-duration';

/** Seconds the entry keeps after a handler's deadline to settle its delivery (a scheduled resend, a dead-letter blob). */
export const SETTLE_SECONDS = 10;

/**
 * Service Bus lock duration bounds: at most 5 minutes; 30 s at least, so a short function's lock does
 * not lapse between the host's renewals.
 * @see https://learn.microsoft.com/azure/service-bus-messaging/service-bus-quotas
 */
export const MIN_LOCK_SECONDS = 30;
export const MAX_LOCK_SECONDS = 300;

/** Event Grid's answer timeout, and how long a pushed delivery's handler may run within it (the rest settles it). */
export const EVENT_GRID_ANSWER_SECONDS = 30;
export const EVENT_GRID_HANDLER_MS = 25_000;

/**
 * Flex Consumption's default `functionTimeout`; a stream reader's invocation, which holds every attempt
 * of a batch, is capped by it.
 * @see https://learn.microsoft.com/azure/azure-functions/functions-scale#timeout
 */
export const MAX_INVOCATION_SECONDS = 30 * 60;

/** Messages in flight per instance, when the spec sets no concurrency (the Service Bus extension's own default is 16 × cores). */
export const DEFAULT_MAX_CONCURRENT_CALLS = 16;

/** The handler timeout a channel's deliveries run with: a pushed (Event Grid) one must answer within the 30 s Event Grid waits. */
export function handlerTimeoutMs(timeoutMs: number, source: Channel['source']['kind']): number {
  return source === 'direct' ? Math.min(timeoutMs, EVENT_GRID_HANDLER_MS) : timeoutMs;
}

/**
 * Seconds an invocation of the function may take: its timeout plus the settling margin; for a stream
 * reader, every attempt of a record and the backoff ceilings between them (capped by Flex's default).
 */
export function invocationSeconds(
  spec: Pick<FunctionSpec, 'timeout'>,
  channels: readonly { readonly source: { readonly kind: string }; readonly maxAttempts: number; readonly backoff: Channel['backoff'] }[] = [],
): number {
  const timeout = Math.ceil(toMillis(spec.timeout) / 1000);
  let seconds = timeout + SETTLE_SECONDS;
  for (const c of channels) {
    if (c.source.kind !== 'stream') continue;
    let backoffMs = 0;
    for (let attempt = 1; attempt < c.maxAttempts; attempt++) backoffMs += backoffCeiling(attempt, c.backoff);
    seconds = Math.max(seconds, c.maxAttempts * timeout + Math.ceil(backoffMs / 1000) + SETTLE_SECONDS);
  }
  return Math.min(seconds, MAX_INVOCATION_SECONDS);
}

/** The `lockDuration` (ISO 8601) of a Service Bus queue or subscription read by functions with these timeouts. */
export function lockDuration(timeoutsMs: readonly number[]): string {
  const longest = Math.max(0, ...timeoutsMs.map((ms) => Math.ceil(ms / 1000) + SETTLE_SECONDS));
  return isoSeconds(Math.min(MAX_LOCK_SECONDS, Math.max(MIN_LOCK_SECONDS, longest)));
}

/** `hh:mm:ss`, the form host.json takes. */
export function timeSpan(seconds: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}

/** What host.json is written from. */
export interface HostOptions {
  /** Seconds an invocation may take (invocationSeconds). */
  readonly invocationSeconds: number;
  /** Messages in flight per instance. @default DEFAULT_MAX_CONCURRENT_CALLS */
  readonly concurrency?: number;
  /** Events per Event Hubs batch (the stream's batch size). @default 100 */
  readonly eventBatchSize?: number;
}

/**
 * The host.json of a Herald function app: the v4 extension bundle, the invocation timeout, and the
 * trigger settings that fit it.
 * - Service Bus: no prefetch (a prefetched message's lock runs while it waits, and is not renewed),
 *   messages completed by the host when the function returns (the entry settles failures itself, see
 *   runtime/settlement.ts), locks renewed for the whole invocation;
 * - Event Hubs: a checkpoint after every batch (the entry has settled each record by then);
 * - HTTP: no `/api` route prefix, so a webhook's URL path is the path it declares.
 */
export function hostJson(o: HostOptions): string {
  const calls = Math.max(1, Math.min(o.concurrency ?? DEFAULT_MAX_CONCURRENT_CALLS, DEFAULT_MAX_CONCURRENT_CALLS));
  const host = {
    version: '2.0',
    extensionBundle: { id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' },
    functionTimeout: timeSpan(o.invocationSeconds),
    extensions: {
      serviceBus: {
        prefetchCount: 0,
        autoCompleteMessages: true,
        maxAutoLockRenewalDuration: timeSpan(o.invocationSeconds),
        maxConcurrentCalls: calls,
        maxConcurrentSessions: calls,
      },
      eventHubs: { maxEventBatchSize: o.eventBatchSize ?? 100, batchCheckpointFrequency: 1 },
      http: { routePrefix: '' },
    },
    logging: { logLevel: { default: 'Information' } },
  };
  return `${JSON.stringify(host, null, 2)}\n`;
}
