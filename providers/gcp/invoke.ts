/**
 * `herald invoke --cloud gcp`: one function of the app through the same handler its bundle registers with
 * the Functions Framework (runtime/entry.ts, or runtime/ingress.ts for Herald's ingress functions), fully
 * offline. The event file is the HTTP request the function receives, `{"headers": {…}, "body": <a push
 * body, a webhook's JSON, a CloudEvent>}`; the answer printed is `{"status", "outcome", "reason"?}`, the
 * HTTP status the function answers and what became of the delivery. The function's config is built from
 * the delivery plan by the builder deploy uses (function-config.ts), with offline names (offline.ts); every
 * client is a recording fake (recording-clients.ts), so dead letters and claim checks are printed as JSON
 * lines, and so are published events, never sent. Deduplication is in memory: one invocation has no
 * earlier deliveries.
 */
import { deliveryPlan, type Topology } from '../../contracts';
import { loadHandler } from '../../runtime/functions';
import { InMemoryIdempotencyStore } from '../../runtime/idempotency';
import type { Publisher } from '../../runtime/publisher';
import { sampleFor, type CloudInvoker, type InvokeApp } from '../invokers';
import { GCP_DELIVERY } from './filter';
import { changeConfig, functionConfig, scheduleConfig, uploadConfig, webhookConfig } from './function-config';
import { invokeTarget, type InvokeTarget } from './invoke-target';
import {
  offlineChangeDeadLetterTopic, offlineIngressResources, offlineResources, offlineUploadSubscription,
} from './offline';
import { recordingClients } from './recording-clients';
import type { GcpFunctionConfig, GcpIngressConfig } from './runtime/config';
import { createPushHandler, type GcpRequest } from './runtime/entry';
import { createIngressHandler, type IngressAnswer } from './runtime/ingress';
import type { GcpClients } from './runtime/sdk';
import { sampleKinds, sampleOf } from './samples';

/**
 * The config `herald invoke` runs a user function with: the deployed one's, offline names aside.
 * @throws Error when the topology has no such function
 */
export function invokeConfig(t: Topology, fn: string): GcpFunctionConfig {
  const spec = t.functions.find((f) => f.name === fn);
  if (!spec) throw new Error(`no function "${fn}" in ${t.name}`);
  const plan = deliveryPlan(t, GCP_DELIVERY);
  return functionConfig(t, plan, spec, offlineResources(t, plan, fn));
}

/** The config `herald invoke` runs an ingress function with, offline names aside. */
export function invokeIngressConfig(t: Topology, target: Exclude<InvokeTarget, { kind: 'function' }>): GcpIngressConfig {
  const plan = deliveryPlan(t, GCP_DELIVERY);
  switch (target.kind) {
    case 'webhook': return webhookConfig(plan, target.spec, offlineIngressResources(t, target.spec.to));
    case 'schedule': return scheduleConfig(plan, target.spec, offlineIngressResources(t, target.spec.to));
    case 'upload': {
      const { spec } = target;
      return uploadConfig(plan, spec, { ...offlineIngressResources(t, spec.onUpload.to), bucket: spec.name, ...offlineUploadSubscription(spec.name) });
    }
    case 'change': {
      const { spec } = target;
      return changeConfig(plan, spec, {
        ...offlineIngressResources(t, spec.onChange.to), collection: spec.name, database: '(default)', deadLetterTopic: offlineChangeDeadLetterTopic(spec.name),
      });
    }
  }
}

/** The request in an event file, or why it is not one. */
export function requestOf(event: unknown): GcpRequest | string {
  const e = event as { method?: unknown; headers?: unknown; body?: unknown } | null;
  if (typeof e !== 'object' || e === null || Array.isArray(e) || !('body' in e)) {
    return 'the event file is the HTTP request the function receives: {"headers": {...}, "body": ...} (see --sample)';
  }
  if (e.headers !== undefined && (typeof e.headers !== 'object' || e.headers === null || Array.isArray(e.headers))) return '"headers" must be an object of header names to values';
  // Header names are case-insensitive; Node (and so the Functions Framework) gives them lower-case.
  const headers = Object.fromEntries(Object.entries((e.headers ?? {}) as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), String(v)]));
  // The bytes the function would receive: a string body as it is, anything else as its JSON.
  const rawBody = Buffer.from(typeof e.body === 'string' ? e.body : JSON.stringify(e.body));
  return { ...(typeof e.method === 'string' ? { method: e.method } : {}), headers, body: e.body, rawBody };
}

export const gcpInvoker: CloudInvoker = {
  async invoke(app, name, event, print) {
    const target = invokeTarget(app.topology, name);
    if ('refused' in target) return { kind: 'refused', reason: target.refused };
    const request = requestOf(event);
    if (typeof request === 'string') return { kind: 'refused', reason: request };
    const clients = recordingClients((call) => print(JSON.stringify(call)));
    const publisher: Publisher = {
      async publish(events) {
        for (const e of events) print(JSON.stringify(e));
      },
    };
    try {
      const answer = await handlerOf(app, target, clients, publisher)(request);
      return { kind: 'answered', answer: { status: answer.status, outcome: answer.outcome, ...(answer.reason !== undefined ? { reason: answer.reason } : {}) } };
    } catch (error) {
      // What the Functions Framework answers for a function that threw.
      return { kind: 'threw', output: { status: 500, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) } };
    }
  },

  sample: (app, name, kind) => sampleFor(app, name, kind, invokeTarget(app.topology, name), { kinds: sampleKinds, make: (t, target, _kind, env) => sampleOf(t, target, env) }),
};

/** The handler of the target, wired to the fakes. */
function handlerOf(app: InvokeApp, target: InvokeTarget, clients: GcpClients, publisher: Publisher): (request: GcpRequest) => Promise<IngressAnswer> {
  const t = app.topology;
  if (target.kind === 'function') {
    const config = invokeConfig(t, target.spec.name);
    return createPushHandler(loadHandler(app.root, target.spec), { config, publisher, clients, idempotency: new InMemoryIdempotencyStore() });
  }
  return createIngressHandler(t, { kind: target.kind, config: invokeIngressConfig(t, target), publisher, env: app.env, clients });
}
