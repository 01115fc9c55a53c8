/** From a topology to running pipelines: loading handler modules and the settings each subscription implies. */
import * as path from 'node:path';
import {
  DEFAULTS, DIRECT_MAX_ATTEMPTS, isHandlerDefinition, toMillis, type FunctionSpec, type HandlerDefinition,
  type SubscriptionSpec, type Topology,
} from '../contracts';
import { EventRegistry } from './registry';
import { Pipeline, type PipelineOptions } from './pipeline';

/**
 * Loads the `handler` export of a function's module (`.ts` needs tsx's hook, which the CLI installs).
 * @throws TypeError when the module does not export a handler made with `on`.
 */
export function loadHandler(root: string, spec: FunctionSpec): HandlerDefinition {
  const file = path.resolve(root, spec.handler);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as { handler?: unknown };
  if (!isHandlerDefinition(mod.handler)) {
    throw new TypeError(`${spec.handler} must export \`handler\` made with on(…) (function "${spec.name}")`);
  }
  return mod.handler;
}

/** Attempts before an event of this subscription is dead-lettered: its queue's or stream's, or the direct bound. */
export function attemptsFor(t: Topology, sub: SubscriptionSpec): number {
  const via = sub.via ?? (sub.from.kind === 'stream' ? sub.from : undefined);
  if (via?.kind === 'queue') return t.queues.find((q) => q.name === via.name)?.maxAttempts ?? DEFAULTS.queue.maxAttempts;
  if (via?.kind === 'stream') return t.streams.find((s) => s.name === via.name)?.maxAttempts ?? DEFAULTS.stream.maxAttempts;
  // A topic subscriber always reads through a queue of its own.
  if (sub.from.kind === 'topic') return DEFAULTS.queue.maxAttempts;
  return DIRECT_MAX_ATTEMPTS;
}

/** The function a subscription delivers to. @throws Error when the topology lacks it. */
export function functionOf(t: Topology, sub: SubscriptionSpec): FunctionSpec {
  const fn = t.functions.find((f) => f.name === sub.function);
  if (!fn) throw new Error(`subscription ${sub.name}: no function "${sub.function}"`);
  return fn;
}

export type PipelineDeps = Omit<PipelineOptions, 'functionName' | 'handler' | 'registry' | 'maxAttempts' | 'timeoutMs' | 'allowedPublishes'> & {
  readonly handler: HandlerDefinition;
  /** @default a registry of the topology's events */
  readonly registry?: EventRegistry;
};

/**
 * The pipeline for one subscription: its function's timeout and publish rights, its attempts, and
 * `residual` as given (the clauses the transport could not evaluate; every clause on a transport with none).
 */
export function pipelineFor(t: Topology, sub: SubscriptionSpec, deps: PipelineDeps): Pipeline {
  const fn = functionOf(t, sub);
  return new Pipeline({
    ...deps,
    functionName: fn.name,
    registry: deps.registry ?? new EventRegistry(t.events),
    maxAttempts: attemptsFor(t, sub),
    timeoutMs: toMillis(fn.timeout),
    allowedPublishes: fn.publishes?.events ?? [],
  });
}

/** Wire types a subscription receives: each listed event and every older version it can upcast. */
export function receivedTypes(t: Topology, sub: SubscriptionSpec): string[] {
  const types = new Set<string>();
  for (const wireType of sub.events) {
    const d = t.events.find((e) => e.wireType === wireType);
    for (const r of d?.readableTypes ?? [wireType]) types.add(r);
  }
  return [...types];
}
