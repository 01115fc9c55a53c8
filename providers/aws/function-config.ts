/**
 * The runtime config of a Lambda (providers/aws/runtime/config.ts), built from the delivery plan and the
 * physical names of what the function reads and publishes to. The one builder: the deploy side calls it
 * with the names Pulumi reports, `herald invoke` with placeholders, so the two cannot drift. Pure: no
 * Pulumi, no SDK.
 */
import {
  runtimeChannels, toMillis, type ChangeTrigger, type Channel, type FunctionSpec, type TableSpec, type UploadTrigger, type WebhookSpec,
} from '../../contracts';
import type { AwsFunctionConfig, AwsPublishTarget } from './runtime/config';

/** A bus or topic as it was created: a bus is published to by name, a topic by ARN. */
export type PublishResource =
  | { readonly kind: 'bus'; readonly name: string }
  | { readonly kind: 'topic'; readonly arn: string };

/** Where the config says to publish. */
export function publishTarget(to: PublishResource): AwsPublishTarget {
  return to.kind === 'bus' ? { kind: 'bus', busName: to.name } : { kind: 'topic', topicArn: to.arn };
}

/** The physical names a function's config is written with. */
export interface FunctionResources {
  /** Required when the function publishes. */
  readonly publishTo?: PublishResource;
  /**
   * Each queue or stream it reads, by the plan's source key: the ARN Lambda reports as a record's
   * eventSourceARN, and the URL of the dead-letter queue its records go to at once.
   */
  readonly sources: Readonly<Record<string, { readonly arn: string; readonly deadLetterQueueUrl: string }>>;
  readonly idempotencyTable?: string;
  readonly claimCheckBucket?: string;
}

/**
 * The config of `spec`, whose channels in the delivery plan are `channels`.
 * @throws Error naming what is missing: a source of a channel, or the publish target of a function that publishes
 */
export function functionConfig(spec: FunctionSpec, channels: readonly Channel[], r: FunctionResources): AwsFunctionConfig {
  if (spec.publishes && !r.publishTo) throw new Error(`function ${spec.name} publishes to ${spec.publishes.to.kind} ${spec.publishes.to.name}, which has no resource`);
  // Direct deliveries are pushed: no source to map, and failures go to the function's own destination.
  const keys = [...new Set(channels.filter((c) => c.source.kind !== 'direct').map((c) => c.sourceKey))];
  const sources = keys.map((key) => {
    const source = r.sources[key];
    if (!source) throw new Error(`function ${spec.name} reads ${key}, which has no resource`);
    return { key, ...source };
  });
  return {
    kind: 'function',
    name: spec.name,
    timeoutMs: toMillis(spec.timeout),
    allowedPublishes: spec.publishes?.events ?? [],
    channels: runtimeChannels(channels),
    ...(spec.publishes && r.publishTo ? { publishTo: publishTarget(r.publishTo) } : {}),
    sources: Object.fromEntries(sources.map((s) => [s.arn, s.key])),
    deadLetterQueues: Object.fromEntries(sources.map((s) => [s.key, s.deadLetterQueueUrl])),
    ...(r.idempotencyTable !== undefined ? { idempotencyTable: r.idempotencyTable } : {}),
    ...(r.claimCheckBucket !== undefined ? { claimCheckBucket: r.claimCheckBucket } : {}),
  };
}

/**
 * The kind-specific part of an ingress function's config (`AwsIngressConfig` without `kind`, `publishTo`
 * and `claimCheckBucket`), given the physical name of its table or bucket (a Pulumi output on deploy, a
 * placeholder in `herald invoke`).
 */
export function changeTriggerConfig<N>(spec: TableSpec & { onChange: ChangeTrigger }, table: N) {
  return { table, emits: spec.onChange.emits, keyNames: [spec.partitionKey, ...(spec.sortKey ? [spec.sortKey] : [])] };
}

export function uploadTriggerConfig<N>(trigger: UploadTrigger, bucket: N) {
  return { bucket, prefix: trigger.prefix, emits: trigger.emits };
}

export function webhookConfig(spec: WebhookSpec) {
  return { name: spec.name, verify: spec.verify, emits: spec.emits };
}
