/**
 * Native sample events for `herald invoke --sample <kind>` (the anchor is `sam local generate-event`):
 * each shaped as AWS delivers it to the function's trigger, carrying a valid example of the event the
 * function reads (runtime/examples.ts), so `--sample … | herald invoke --event -` runs the handler.
 * - sqs: a batch of one from the subscription's queue (a bus rule delivers the whole EventBridge event as
 *   the body; a topic delivers the CloudEvent itself, raw);
 * - kinesis: a batch of one from the stream, partitioned by its key (a bus rule puts the EventBridge event);
 * - eventbridge: the event a direct subscription's rule delivers;
 * - http: a webhook request (API Gateway payload 2.0), its body signed with the secret from the environment;
 * - upload: S3 "Object Created" through EventBridge, under the trigger's prefix;
 * - change: a DynamoDB stream record of the table.
 * Source ARNs are the ones `herald invoke` configures (offline.ts), so each record finds its channel.
 */
import { createHash } from 'node:crypto';
import { deliveryPlan, type Channel, type Topology } from '../../contracts';
import { exampleData, exampleEvent } from '../../runtime/examples';
import { definitionOf, SAMPLE_SECRET, signedWebhookSample, uploadedObject } from '../samples';
import { AWS_DELIVERY } from './filter';
import type { InvokeTarget } from './invoke-target';
import { offlineSource } from './offline';
import { dynamodb, type RowChange } from './runtime/dynamodb';
import { eventbridge } from './runtime/eventbridge';
import { http } from './runtime/http';
import { kinesis } from './runtime/kinesis';
import { s3 } from './runtime/s3';
import { sqs } from './runtime/sqs';

export const SAMPLE_KINDS = ['sqs', 'kinesis', 'eventbridge', 'http', 'upload', 'change'] as const;
export type SampleKind = (typeof SAMPLE_KINDS)[number];

/** The secret a webhook sample is signed with when its variable is not set. */
export { SAMPLE_SECRET };

const CHANNEL_KINDS = { queue: 'sqs', stream: 'kinesis', direct: 'eventbridge' } as const satisfies Record<Channel['source']['kind'], SampleKind>;

export interface Sample {
  readonly event: unknown;
  /** What the user must know to run it (printed apart from the event). */
  readonly notes: readonly string[];
}

/** The kinds of sample a target's trigger takes, in the order of its channels. */
export function sampleKinds(t: Topology, target: InvokeTarget): SampleKind[] {
  if (target.kind === 'webhook') return ['http'];
  if (target.kind === 'upload' || target.kind === 'change') return [target.kind];
  return [...new Set(channelsOf(t, target.spec.name).map((c) => CHANNEL_KINDS[c.source.kind]))];
}

/**
 * A sample of `kind` for the target.
 * @throws SchemaValidationError when no valid example of the event can be made (see runtime/examples.ts)
 */
export function sampleOf(t: Topology, target: InvokeTarget, kind: SampleKind, env: NodeJS.ProcessEnv): Sample {
  switch (target.kind) {
    case 'webhook': {
      const { spec } = target;
      const { body, headers, notes } = signedWebhookSample(t, spec, env);
      return { event: http.encode({ method: spec.method, path: spec.path, headers, body }), notes };
    }
    case 'upload': {
      const object = uploadedObject(t, target.trigger.emits, target.trigger.prefix);
      return { event: s3.encode({ bucket: target.spec.name, key: object.name, size: object.size }), notes: [] };
    }
    case 'change':
      return { event: dynamodb.encode([rowChange(t, target)]), notes: [] };
    case 'function':
      return { event: functionSample(t, channelsOf(t, target.spec.name).find((c) => CHANNEL_KINDS[c.source.kind] === kind)!), notes: [] };
  }
}

function functionSample(t: Topology, channel: Channel): unknown {
  // The channel's first type is the newest version of the first event it subscribes.
  const envelope = exampleEvent(definitionOf(t, channel.types[0]!), channel.clauses);
  if (channel.source.kind === 'direct') return eventbridge.encode([envelope]);
  const source = offlineSource(channel)!;
  // What a bus rule hands to its target: the whole EventBridge event, the CloudEvent in `detail`.
  const ruleBody = channel.from.kind === 'bus' ? JSON.stringify(eventbridge.encode([envelope])) : undefined;
  const options = { source: source.arn, ...(channel.orderKey ? { orderKey: channel.orderKey } : {}) };
  if (channel.source.kind === 'queue') {
    const event = sqs.encode([envelope], options);
    if (ruleBody) for (const r of event.Records) Object.assign(r, { body: ruleBody, md5OfBody: createHash('md5').update(ruleBody).digest('hex') });
    return event;
  }
  const event = kinesis.encode([envelope], options);
  if (ruleBody) for (const r of event.Records) r.kinesis.data = Buffer.from(ruleBody).toString('base64');
  return event;
}

/** A row change made from the example of the event the trigger emits, when it is shaped as one. */
function rowChange(t: Topology, target: Extract<InvokeTarget, { kind: 'change' }>): RowChange {
  const example = exampleData(definitionOf(t, target.trigger.emits)) as Partial<Record<keyof RowChange, unknown>>;
  const record = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const { partitionKey, sortKey } = target.spec;
  const keys = record(example.keys) ? example.keys : { [partitionKey]: 'example', ...(sortKey ? { [sortKey]: 'example' } : {}) };
  const op = example.op === 'modify' || example.op === 'remove' ? example.op : 'insert';
  const image = (v: unknown) => (record(v) ? v : { ...keys });
  return {
    table: target.spec.name, op, keys,
    ...(op !== 'remove' ? { newImage: image(example.newImage) } : {}),
    ...(op !== 'insert' ? { oldImage: image(example.oldImage) } : {}),
  };
}

function channelsOf(t: Topology, fn: string): readonly Channel[] {
  return deliveryPlan(t, AWS_DELIVERY).channelsOf(fn);
}

