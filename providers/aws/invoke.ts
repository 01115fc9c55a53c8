/**
 * `herald invoke --cloud aws`: one function of the app through the same Lambda entry its bundle runs
 * (runtime/entry.ts, or runtime/ingress.ts for Herald's ingress functions), fully offline. The function's
 * config is built from the delivery plan by the builder deploy uses (function-config.ts), with offline
 * names (offline.ts); every SDK client is a recording fake (recording-clients.ts), so retries (visibility
 * changes), dead letters and claim checks are printed as JSON lines, and so are published events, never
 * sent. Deduplication is in memory: one invocation has no earlier deliveries.
 */
import { deliveryPlan, type Topology } from '../../contracts';
import { loadHandler } from '../../runtime/functions';
import { InMemoryIdempotencyStore } from '../../runtime/idempotency';
import type { Publisher } from '../../runtime/publisher';
import { sampleFor, type CloudInvoker, type InvokeApp } from '../invokers';
import { AWS_DELIVERY } from './filter';
import { changeTriggerConfig, functionConfig, publishTarget, uploadTriggerConfig, webhookConfig } from './function-config';
import { invokeTarget, type InvokeTarget } from './invoke-target';
import { offlinePublishResource, offlineResources } from './offline';
import { recordedLine, recordingClients } from './recording-clients';
import type { AwsFunctionConfig, AwsIngressConfig } from './runtime/config';
import { createLambdaHandler, type LambdaHandler } from './runtime/entry';
import { createIngressHandler } from './runtime/ingress';
import type { AwsClients } from './runtime/sdk';
import { sampleKinds, sampleOf } from './samples';

/**
 * The config `herald invoke` runs a user function with: the deployed one's, offline names aside.
 * @throws Error when the topology has no such function
 */
export function invokeConfig(t: Topology, fn: string): AwsFunctionConfig {
  const spec = t.functions.find((f) => f.name === fn);
  if (!spec) throw new Error(`no function "${fn}" in ${t.name}`);
  const channels = deliveryPlan(t, AWS_DELIVERY).channelsOf(fn);
  return functionConfig(spec, channels, offlineResources(t, spec, channels));
}

export const awsInvoker: CloudInvoker = {
  async invoke(app, name, event, print) {
    const target = invokeTarget(app.topology, name);
    if ('refused' in target) return { kind: 'refused', reason: target.refused };
    const clients = recordingClients((call) => print(recordedLine(call)));
    const publisher: Publisher = {
      async publish(events) {
        for (const e of events) print(JSON.stringify(e));
      },
    };
    const handler = handlerOf(app, target, event, clients, publisher);
    try {
      return { kind: 'answered', answer: (await handler(event, {})) ?? null };
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      // Lambda's answer for a function that threw.
      return { kind: 'threw', output: { errorType: e.name, errorMessage: e.message } };
    }
  },

  sample: (app, name, kind) => sampleFor(app, name, kind, invokeTarget(app.topology, name), { kinds: sampleKinds, make: sampleOf }),
};

/** The Lambda handler of the target, wired to the fakes. */
function handlerOf(app: InvokeApp, target: InvokeTarget, event: unknown, clients: AwsClients, publisher: Publisher): LambdaHandler {
  const t = app.topology;
  if (target.kind === 'function') {
    const config = invokeConfig(t, target.spec.name);
    return createLambdaHandler(loadHandler(app.root, target.spec), { config, publisher, clients, idempotency: new InMemoryIdempotencyStore() });
  }
  const common = { claimCheckBucket: `${t.name}-claim-check` };
  let config: AwsIngressConfig;
  if (target.kind === 'webhook') {
    const w = target.spec;
    config = { ...common, kind: 'webhook', ...webhookConfig(w), publishTo: publishTarget(offlinePublishResource(w.to)) };
  } else if (target.kind === 'upload') {
    // The event names the physical bucket; the trigger checks it.
    const bucket = String((event as { detail?: { bucket?: { name?: unknown } } })?.detail?.bucket?.name ?? target.spec.name);
    config = { ...common, kind: 'upload', ...uploadTriggerConfig(target.trigger, bucket), publishTo: publishTarget(offlinePublishResource(target.trigger.to)) };
  } else {
    config = {
      ...common, kind: 'change', ...changeTriggerConfig({ ...target.spec, onChange: target.trigger }, target.spec.name),
      publishTo: publishTarget(offlinePublishResource(target.trigger.to)),
    };
  }
  return createIngressHandler(t, { config, publisher, env: app.env, clients });
}
