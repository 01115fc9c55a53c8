/**
 * The runtime config of a Cloud Function (providers/gcp/runtime/config.ts) and its environment variables,
 * built from the delivery plan and the physical names of what the function reads and publishes to. The
 * one builder: the deploy side calls it with the names Pulumi reports (inside an `apply`), `herald invoke`
 * with placeholders (offline.ts), so the two cannot drift. Pure: no Pulumi, no SDK.
 */
import {
  ENV, runtimeChannels, toMillis,
  type BucketSpec, type ChangeTrigger, type DeliveryPlan, type FunctionSpec, type Ref, type ScheduleSpec, type TableSpec,
  type Topology, type UploadTrigger, type WebhookSpec,
} from '../../contracts';
import {
  GCP_CONFIG_ENV, type GcpConfig, type GcpFunctionConfig, type GcpIdempotencyStore, type GcpIngressConfig, type GcpPublishTarget,
} from './runtime/config';

/** The physical names a user function's config is written with (full resource names). */
export interface GcpFunctionResources {
  /** The project id. */
  readonly project: string;
  /**
   * Each of the function's channels, by plan subscription name: its push subscription
   * (`projects/<p>/subscriptions/<s>`, which a push body names) and its dead-letter topic (`projects/<p>/topics/<t>`).
   */
  readonly channels: Readonly<Record<string, { readonly subscription: string; readonly deadLetterTopic: string }>>;
  /** The topic of the bus or topic it publishes to (`projects/<p>/topics/<t>`); required when it publishes. */
  readonly publishTopic?: string;
  readonly idempotency?: GcpIdempotencyStore;
  /** Claim-check bucket name. */
  readonly claimCheckBucket?: string;
}

/** The physical names every ingress function's config is written with. */
export interface GcpIngressResources {
  readonly project: string;
  /** The topic of the bus or topic it publishes to (`projects/<p>/topics/<t>`). */
  readonly publishTopic: string;
  readonly claimCheckBucket?: string;
}

/**
 * The ordering keys of the ordered channels reading `from` (an ordered queue's `orderBy`, a stream's
 * `key`), distinct, in plan order. On GCP an ordered channel is a subscription with message ordering on
 * the publisher's own topic, so every message published there must carry the key: more than one distinct
 * key cannot be honoured (a message has one ordering key), which the deploy side reports.
 */
export function publishOrderKeys(plan: DeliveryPlan, from: Ref<'bus' | 'topic'>): string[] {
  const keys = plan.channels
    .filter((c) => c.from.kind === from.kind && c.from.name === from.name && c.orderKey !== undefined)
    .map((c) => c.orderKey!);
  return [...new Set(keys)];
}

/**
 * Where a function or an ingress publishes: the topic of `to`, with the ordering key its ordered readers need.
 * @throws Error naming the keys when ordered channels reading `to` disagree on the key
 */
export function publishTarget(plan: DeliveryPlan, to: Ref<'bus' | 'topic'>, topic: string): GcpPublishTarget {
  const keys = publishOrderKeys(plan, to);
  if (keys.length > 1) throw new Error(`${to.kind} ${to.name} feeds ordered subscriptions keyed by ${keys.join(' and ')}; a Pub/Sub message carries one ordering key`);
  return { topic, ...(keys.length ? { orderKey: keys[0] } : {}) };
}

/**
 * The config of user function `spec`, whose channels are the plan's `channelsOf(spec.name)`.
 * @throws Error naming what is missing: a channel's subscription, or the topic of a function that publishes
 */
export function functionConfig(t: Topology, plan: DeliveryPlan, spec: FunctionSpec, r: GcpFunctionResources): GcpFunctionConfig {
  if (spec.publishes && !r.publishTopic) throw new Error(`function ${spec.name} publishes to ${spec.publishes.to.kind} ${spec.publishes.to.name}, which has no topic`);
  const channels = plan.channelsOf(spec.name);
  const subscriptions: Record<string, GcpFunctionConfig['subscriptions'][string]> = {};
  for (const c of channels) {
    const names = r.channels[c.subscription];
    if (!names) throw new Error(`function ${spec.name}: subscription ${c.subscription} has no push subscription`);
    const stream = c.source.kind === 'stream' ? t.streams.find((s) => s.name === (c.source as { stream: string }).stream) : undefined;
    subscriptions[names.subscription] = {
      channel: c.subscription,
      deadLetterTopic: names.deadLetterTopic,
      ...(stream ? { maxEventAgeMs: toMillis(stream.maxEventAge) } : {}),
    };
  }
  return {
    kind: 'function',
    name: spec.name,
    project: r.project,
    timeoutMs: toMillis(spec.timeout),
    allowedPublishes: spec.publishes?.events ?? [],
    channels: runtimeChannels(channels),
    ...(spec.publishes && r.publishTopic ? { publishTo: publishTarget(plan, spec.publishes.to, r.publishTopic) } : {}),
    subscriptions,
    ...(r.idempotency ? { idempotency: r.idempotency } : {}),
    ...(r.claimCheckBucket !== undefined ? { claimCheckBucket: r.claimCheckBucket } : {}),
  };
}

function ingressCommon(plan: DeliveryPlan, to: Ref<'bus' | 'topic'>, emits: string, r: GcpIngressResources) {
  return {
    project: r.project, emits, publishTo: publishTarget(plan, to, r.publishTopic),
    ...(r.claimCheckBucket !== undefined ? { claimCheckBucket: r.claimCheckBucket } : {}),
  };
}

/** A webhook's ingress: HTTP, public; verifies the signature with the secret from `spec.verify.secretEnv`. */
export function webhookConfig(plan: DeliveryPlan, spec: WebhookSpec, r: GcpIngressResources): GcpIngressConfig {
  return { ...ingressCommon(plan, spec.to, spec.emits, r), kind: 'webhook', name: spec.name, verify: spec.verify };
}

/** A schedule's ingress: called by its Cloud Scheduler job; the data comes from the bundled topology. */
export function scheduleConfig(plan: DeliveryPlan, spec: ScheduleSpec, r: GcpIngressResources): GcpIngressConfig {
  return { ...ingressCommon(plan, spec.to, spec.emits, r), kind: 'schedule', name: spec.name };
}

/**
 * An upload trigger's ingress: pushed the bucket's `OBJECT_FINALIZE` notifications.
 * @param u the bucket's physical name, the push subscription of its notification topic and that subscription's dead-letter topic
 */
export function uploadConfig(
  plan: DeliveryPlan, spec: BucketSpec & { readonly onUpload: UploadTrigger },
  r: GcpIngressResources & { readonly bucket: string; readonly subscription: string; readonly deadLetterTopic: string },
): GcpIngressConfig {
  const trigger = spec.onUpload;
  return {
    ...ingressCommon(plan, trigger.to, trigger.emits, r), kind: 'upload', bucket: r.bucket, prefix: trigger.prefix,
    subscriptions: { [r.subscription]: { deadLetterTopic: r.deadLetterTopic } },
  };
}

/**
 * A change trigger's ingress: handed the Eventarc `google.cloud.firestore.document.v1.written` events of
 * the table's collection.
 * @param c the collection's id (the table's physical name), its database and, if any, where writes that cannot become events go
 */
export function changeConfig(
  plan: DeliveryPlan, spec: TableSpec & { readonly onChange: ChangeTrigger },
  r: GcpIngressResources & { readonly collection: string; readonly database: string; readonly deadLetterTopic?: string },
): GcpIngressConfig {
  const trigger = spec.onChange;
  return {
    ...ingressCommon(plan, trigger.to, trigger.emits, r), kind: 'change', table: r.collection, database: r.database,
    keyNames: [spec.partitionKey, ...(spec.sortKey ? [spec.sortKey] : [])],
    ...(r.deadLetterTopic !== undefined ? { deadLetterTopic: r.deadLetterTopic } : {}),
  };
}

/**
 * The environment variables of a function: its own (`extra`: a user function's `environment`, a webhook's
 * secret), its logical name and stack for logs, and its config as JSON (Herald's names win).
 */
export function functionEnvironment(config: GcpConfig, extra: Readonly<Record<string, string>> = {}, stack?: string): Record<string, string> {
  return {
    ...extra,
    [ENV.functionName]: functionLabel(config),
    ...(stack !== undefined ? { [ENV.stack]: stack } : {}),
    [GCP_CONFIG_ENV]: JSON.stringify(config),
  };
}

/** A config's function for logs: its name, or `<kind>:<name>` for an ingress (an upload's bucket and a change's collection by their physical names). */
export function functionLabel(config: GcpConfig): string {
  switch (config.kind) {
    case 'function': return config.name;
    case 'webhook': case 'schedule': return `${config.kind}:${config.name}`;
    case 'upload': return `upload:${config.bucket}`;
    case 'change': return `change:${config.table}`;
  }
}
