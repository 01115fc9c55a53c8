/** From a topology to running pipelines: loading handler modules, and a pipeline per channel of the delivery plan. */
import * as path from 'node:path';
import { isHandlerDefinition, type Channel, type FunctionSpec, type HandlerDefinition, type Topology } from '../contracts';
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

export type PipelineDeps = Omit<PipelineOptions, 'functionName' | 'handler' | 'registry' | 'maxAttempts' | 'timeoutMs' | 'allowedPublishes' | 'residual'> & {
  readonly handler: HandlerDefinition;
  /** @default a registry of the topology's events */
  readonly registry?: EventRegistry;
};

/**
 * The pipeline for one channel of the delivery plan: its function's timeout and publish rights, and the
 * channel's attempts, backoff and residual (the clauses its transport could not evaluate).
 */
export function pipelineFor(t: Topology, channel: Channel, deps: PipelineDeps): Pipeline {
  const fn = t.functions.find((f) => f.name === channel.function)!;
  return new Pipeline({
    backoff: channel.backoff,
    ...deps,
    functionName: fn.name,
    registry: deps.registry ?? new EventRegistry(t.events),
    maxAttempts: channel.maxAttempts,
    timeoutMs: channel.timeoutMs,
    residual: channel.filter.residual,
    allowedPublishes: fn.publishes?.events ?? [],
  });
}
