/**
 * `herald invoke` per cloud: a typed registry, as providers/index.ts is for deploy, each cloud's invoker
 * loaded on demand (invoking on one cloud loads no other cloud's runtime, and never Pulumi). A cloud with
 * no entry is not built yet. An invoker runs one function of the app through that cloud's real runtime
 * entry, fully offline: every client it builds is a recording fake, and what would be sent (publishes,
 * retries, dead letters) is printed instead.
 */
import type { CloudName, Topology } from '../contracts';

/** The app being invoked. */
export interface InvokeApp {
  readonly topology: Topology;
  /** The folder handler paths are relative to. */
  readonly root: string;
  /** Where secrets are read (a webhook's). */
  readonly env: NodeJS.ProcessEnv;
}

/** Prints one thing the function would have sent (an event, an SDK call), given as one line of JSON. */
export type EffectPrinter = (jsonLine: string) => void;

export type InvokeResult =
  /** The native answer (it may still report failed records). */
  | { readonly kind: 'answered'; readonly answer: unknown }
  /** One answer per message, where the platform answers nothing but success or failure (Azure's outcome per message). */
  | { readonly kind: 'answers'; readonly answers: readonly unknown[] }
  /** The entry threw: its native error form. */
  | { readonly kind: 'threw'; readonly output: unknown }
  /** Nothing ran: an unknown function, an event this trigger cannot take. */
  | { readonly kind: 'refused'; readonly reason: string };

export type SampleResult =
  | { readonly kind: 'sample'; readonly event: unknown; readonly notes: readonly string[] }
  | { readonly kind: 'refused'; readonly reason: string };

export interface CloudInvoker {
  /** Runs `name` (a function, or an ingress such as `webhook:<name>`) with the native `event`. */
  invoke(app: InvokeApp, name: string, event: unknown, print: EffectPrinter): Promise<InvokeResult>;
  /** A native event of `kind` for `name`'s trigger, carrying a valid example of the event it reads. */
  sample(app: InvokeApp, name: string, kind: string): SampleResult;
}

/** Every built invoker, by cloud. */
export const INVOKERS = {
  aws: async () => (await import('./aws/invoke.js')).awsInvoker,
  azure: async () => (await import('./azure/invoke.js')).azureInvoker,
  gcp: async () => (await import('./gcp/invoke.js')).gcpInvoker,
} satisfies Partial<Record<CloudName, () => Promise<CloudInvoker>>>;

/** A cloud's samples: the kinds a target's trigger takes, and one of them made. */
export interface SampleMaker<T, K extends string> {
  kinds(t: Topology, target: T): readonly K[];
  make(t: Topology, target: T, kind: K, env: NodeJS.ProcessEnv): { readonly event: unknown; readonly notes: readonly string[] };
}

/**
 * `CloudInvoker.sample` on every cloud: `name`'s target (as the cloud's invokeTarget resolved it, or why
 * not), then a sample of `kind` when its trigger takes that kind, else the one refusal wording.
 */
export function sampleFor<T, K extends string>(app: InvokeApp, name: string, kind: string, target: T | { readonly refused: string }, maker: SampleMaker<T, K>): SampleResult {
  if (target && typeof target === 'object' && 'refused' in target) return { kind: 'refused', reason: target.refused };
  const kinds = maker.kinds(app.topology, target as T);
  const refusal = sampleRefusal(name, kinds, kind);
  if (refusal) return { kind: 'refused', reason: refusal };
  return { kind: 'sample', ...maker.make(app.topology, target as T, kind as K, app.env) };
}

/**
 * Why no sample of `kind` can be made for `name`, whose trigger takes `kinds` (none: nothing subscribes
 * it); undefined when it can.
 */
function sampleRefusal(name: string, kinds: readonly string[], kind: string): string | undefined {
  if (!kinds.length) return `${name} has no trigger (nothing subscribes it), so there is no sample for it`;
  if (!kinds.includes(kind)) return `no ${kind} sample for ${name}; its trigger takes: ${kinds.join(', ')}`;
  return undefined;
}
