/**
 * `herald invoke --cloud azure`: one function of the app through the same entry its bundle registers with
 * the Functions host (runtime/entry.ts, or runtime/ingress.ts for Herald's ingress functions), fully
 * offline. The function's config is built from the delivery plan by the builder deploy uses
 * (function-config.ts), with offline names (offline.ts); every SDK client is a recording fake
 * (recording-clients.ts), so resends, dead letters and claim checks are printed as JSON lines, and so are
 * published events, never sent. Deduplication is in memory: one invocation has no earlier deliveries.
 *
 * The event file holds what the host hands the handler: `{"input", "triggerMetadata"}` (a Service Bus
 * message and its metadata, an Event Hubs batch, a pushed CloudEvent, a change feed batch, a timer's
 * schedule information), or for a webhook `{"method","url","headers","body"}`. The answer is one outcome
 * per message, `{"outcome","reason"?,"retryAfterMs"?,"attempt"?}`, or a webhook's `{"status","body"}`.
 * A stream record retried in place does not wait its backoff: each wait is printed instead.
 */
import { deliveryPlan, type Topology } from '../../contracts';
import { loadHandler } from '../../runtime/functions';
import { InMemoryIdempotencyStore } from '../../runtime/idempotency';
import type { Publisher } from '../../runtime/publisher';
import { sampleFor, type CloudInvoker, type EffectPrinter, type InvokeApp } from '../invokers';
import { AZURE_DELIVERY } from './filter';
import { functionConfig, ingressConfig, type AzureIngress } from './function-config';
import { invokeTarget, type InvokeTarget } from './invoke-target';
import { offlineContainer, offlineCosmos, offlineIngressResources, offlineResources } from './offline';
import { recordedLine, recordingClients } from './recording-clients';
import type { AzureDelivery } from './runtime/binding';
import type { AzureFunctionConfig } from './runtime/config';
import { IDEMPOTENCY_SWEEP, createAzureFunction } from './runtime/entry';
import { createAzureIngress, type IngressAnswer } from './runtime/ingress';
import type { OutcomeLine } from './runtime/outcomes';
import type { Registration, TriggerKind } from './runtime/registration';
import { sampleKinds, sampleOf } from './samples';

/**
 * The config `herald invoke` runs a user function with: the deployed one's, offline names aside.
 * @throws Error when the topology has no such function
 */
export function invokeConfig(t: Topology, fn: string): AzureFunctionConfig {
  const spec = t.functions.find((f) => f.name === fn);
  if (!spec) throw new Error(`no function "${fn}" in ${t.name}`);
  const channels = deliveryPlan(t, AZURE_DELIVERY).channelsOf(fn);
  return functionConfig(spec, channels, offlineResources(t, spec, channels));
}

/** The ingress function a target names, with offline names. */
export function invokeIngress(t: Topology, target: Exclude<InvokeTarget, { kind: 'function' }>): AzureIngress {
  switch (target.kind) {
    case 'webhook': return { kind: 'webhook', spec: target.spec };
    case 'upload': return { kind: 'upload', spec: target.spec, trigger: target.trigger, container: offlineContainer(target.spec.name) };
    case 'change': return { kind: 'change', spec: target.spec, trigger: target.trigger, cosmos: offlineCosmos(t, target.spec.name) };
    case 'schedule': return { kind: 'schedule', spec: target.spec };
  }
}

export const azureInvoker: CloudInvoker = {
  async invoke(app, name, event, print) {
    const target = invokeTarget(app.topology, name);
    if ('refused' in target) return { kind: 'refused', reason: target.refused };
    try {
      const registrations = registrationsOf(app, target, print);
      const registration = pick(registrations, event);
      if (typeof registration === 'string') return { kind: 'refused', reason: registration };
      const delivery = deliveryOf(registration.kind, event);
      if (typeof delivery === 'string') return { kind: 'refused', reason: delivery };
      const answer = await registration.run(delivery) as IngressAnswer;
      if ('http' in answer) return { kind: 'answered', answer: answer.http };
      return { kind: 'answers', answers: answer.lines as readonly OutcomeLine[] };
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      // What the host logs for a function that threw.
      return { kind: 'threw', output: { error: e.name, message: e.message } };
    }
  },

  sample: (app, name, kind) => sampleFor(app, name, kind, invokeTarget(app.topology, name), { kinds: sampleKinds, make: sampleOf }),
};

/** The target's registrations, wired to the fakes. */
function registrationsOf(app: InvokeApp, target: InvokeTarget, print: EffectPrinter): readonly Registration[] {
  const t = app.topology;
  const clients = recordingClients((call) => print(recordedLine(call)));
  const publisher: Publisher = {
    async publish(events) {
      for (const e of events) print(JSON.stringify(e));
    },
  };
  if (target.kind === 'function') {
    // A virtual clock: a stream record's in-place retries wait no real time, and each wait is printed.
    let now = Date.now();
    const built = createAzureFunction(loadHandler(app.root, target.spec), {
      config: invokeConfig(t, target.spec.name), publisher, clients, idempotency: new InMemoryIdempotencyStore(),
      now: () => now,
      sleep: async (ms) => {
        print(JSON.stringify({ sdk: 'runtime', call: 'retryInPlace', target: target.spec.name, input: { delayMs: ms } }));
        now += ms;
      },
    });
    return built.registrations;
  }
  const ingress = invokeIngress(t, target);
  const to = ingress.kind === 'upload' || ingress.kind === 'change' ? ingress.trigger.to : ingress.spec.to;
  const config = ingressConfig(ingress, offlineIngressResources(t, to));
  return createAzureIngress(t, { config, publisher, clients, env: app.env }).registrations;
}

/** Which trigger an event is for, by its shape: a Service Bus message, an Event Hubs batch, a pushed CloudEvent. */
function pick(all: readonly Registration[], event: unknown): Registration | string {
  // The claims sweep's timer takes no event.
  const registrations = all.filter((r) => r.name !== IDEMPOTENCY_SWEEP.name);
  if (registrations.length === 1) return registrations[0]!;
  const metadata = (event as AzureDelivery | null)?.triggerMetadata ?? {};
  const input = (event as AzureDelivery | null)?.input;
  const kinds: TriggerKind[] = 'partitionContext' in metadata || Array.isArray(input)
    ? ['eventHub']
    : 'deliveryCount' in metadata || 'messageId' in metadata ? ['serviceBusQueue', 'serviceBusTopic'] : ['eventGrid'];
  return registrations.find((r) => kinds.includes(r.kind))
    ?? `this function has no ${kinds.join(' or ')} trigger; its triggers: ${registrations.map((r) => `${r.kind} ${r.name}`).join(', ')}`;
}

/** The invocation an event file holds: `{input, triggerMetadata}`, or for HTTP the request itself. */
function deliveryOf(kind: TriggerKind, event: unknown): AzureDelivery | string {
  if (kind === 'http') return { input: event };
  const e = event as Partial<AzureDelivery> | null;
  if (typeof e !== 'object' || e === null || !('input' in e)) return 'the event must be what the Functions host hands the handler: {"input": …, "triggerMetadata": {…}}';
  return { input: e.input, ...(e.triggerMetadata ? { triggerMetadata: e.triggerMetadata } : {}) };
}
