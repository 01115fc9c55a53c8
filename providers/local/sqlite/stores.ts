/**
 * Every store of the embedded runtime on one state database: the transport (events and delivery state),
 * dead letters, traces and the idempotency store. One database, so a delivery's settlement, its trace
 * record, its dead letter and its idempotency record are written in the same group commit: after a crash
 * either all of them are stored or none is (and the delivery runs again).
 */
import type { LocalRuntimeOptions } from '../runtime';
import { LOCAL_LIMITS } from '../limits';
import { durableDeadLetters } from './dead-letters';
import { durableIdempotency } from './idempotency';
import { sqliteTransport } from './sqlite-transport';
import type { StateDb } from './state';
import { durableTraces } from './traces';

export type DurableStores = Required<Pick<LocalRuntimeOptions, 'transport' | 'deadLetters' | 'traces' | 'idempotency'>>;

/**
 * Opens the stores on `state` (loading what it kept), for `createLocalRuntime`.
 * @param onError a store's failed write: `store` names it (the change stays in memory)
 */
export function durableStores(state: StateDb, onError: (store: string, error: unknown) => void = () => {}): DurableStores {
  return {
    transport: sqliteTransport({ state }),
    deadLetters: durableDeadLetters(state, {}, (error) => onError('dead letters', error)),
    traces: durableTraces(state, {}, (error) => onError('traces', error)),
    idempotency: durableIdempotency(state, { maxEntries: LOCAL_LIMITS.idempotency.maxEntriesPerFunction }, (error) => onError('idempotency', error)),
  };
}
