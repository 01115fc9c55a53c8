/**
 * A function the entry registers with the Functions host, kept as data until it is registered: its
 * trigger kind, name and options (what `app.<kind>(name, options)` takes, minus the handler), the handler
 * the host calls, and `run`, which answers one invocation from its input and trigger metadata (what tests
 * and `herald invoke` call, without a host).
 * @see https://learn.microsoft.com/azure/azure-functions/functions-reference-node?pivots=nodejs-model-v4#registering-a-function
 */
import { app, type InvocationContext } from '@azure/functions';
import type { AzureDelivery } from './binding';

export type TriggerKind = 'serviceBusQueue' | 'serviceBusTopic' | 'eventHub' | 'eventGrid' | 'http' | 'timer' | 'cosmosDB';

export interface Registration<Answer = unknown> {
  readonly kind: TriggerKind;
  /** The function's name in the app. */
  readonly name: string;
  /** The trigger's options, `%SETTING%` references as they are (the host resolves them). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Answers one invocation. */
  run(delivery: AzureDelivery): Promise<Answer>;
  /** What the host calls. */
  handler(input: any, context: InvocationContext): Promise<unknown>;
}

/** The registering half of `@azure/functions`'s `app` (the real one in a function app; a fake in tests). */
export type FunctionsApp = Pick<typeof app, TriggerKind>;

/** Registers each function with the host. */
export function register(registrations: readonly Registration[], target: FunctionsApp = app): void {
  for (const r of registrations) {
    // Each kind's options were built for that kind by the entry; the library checks them again.
    (target[r.kind] as (name: string, options: object) => void)(r.name, { ...r.options, handler: r.handler });
  }
}
