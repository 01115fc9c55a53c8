/**
 * Sample invocations for `herald invoke --cloud azure --sample <kind>`: each what the Functions host hands
 * the function's trigger (`{"input", "triggerMetadata"}`, or for HTTP `{"method","url","headers","body"}`),
 * carrying a valid example of the event the function reads (runtime/examples.ts), so
 * `--sample … | herald invoke --event -` runs the handler.
 * - servicebus: one message of the subscription's queue (a bus's queue: the CloudEvent Event Grid
 *   forwarded; a topic subscription: the message a Herald publisher sent, with its promoted properties;
 *   an ordered queue: its session);
 * - eventhub: a batch of one from the stream, partitioned by its key;
 * - eventgrid: the CloudEvent a direct subscription pushes;
 * - http: a webhook request, its body signed with the secret from the environment;
 * - upload: `Microsoft.Storage.BlobCreated` (the Event Grid docs' CloudEvents sample) under the prefix;
 * - change: a change feed batch of one document of the table;
 * - timer: the timer's schedule information.
 */
import { deliveryPlan, type Channel, type Topology } from '../../contracts';
import { exampleData, exampleEvent } from '../../runtime/examples';
import { definitionOf, signedWebhookSample, uploadedObject } from '../samples';
import { AZURE_DELIVERY } from './filter';
import type { InvokeTarget } from './invoke-target';
import { offlineAccount, offlineContainer } from './offline';
import type { AzureDelivery } from './runtime/binding';
import { blobCreatedEvent, eventGrid } from './runtime/eventgrid';
import { eventHub } from './runtime/eventhub';
import { http, type PlainHttpRequest } from './runtime/http';
import { serviceBus } from './runtime/servicebus';

export const SAMPLE_KINDS = ['servicebus', 'eventhub', 'eventgrid', 'http', 'upload', 'change', 'timer'] as const;
export type SampleKind = (typeof SAMPLE_KINDS)[number];


const CHANNEL_KINDS = { queue: 'servicebus', stream: 'eventhub', direct: 'eventgrid' } as const satisfies Record<Channel['source']['kind'], SampleKind>;

export interface Sample {
  readonly event: AzureDelivery | PlainHttpRequest;
  /** What the user must know to run it (printed apart from the event). */
  readonly notes: readonly string[];
}

/** The kinds of sample a target's trigger takes, in the order of its channels. */
export function sampleKinds(t: Topology, target: InvokeTarget): SampleKind[] {
  switch (target.kind) {
    case 'webhook': return ['http'];
    case 'upload':
    case 'change': return [target.kind];
    case 'schedule': return ['timer'];
    case 'function': return [...new Set(channelsOf(t, target.spec.name).map((c) => CHANNEL_KINDS[c.source.kind]))];
  }
}

/**
 * A sample of `kind` for the target (one of `sampleKinds`).
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
      const { name, size, contentType } = uploadedObject(t, target.trigger.emits, target.trigger.prefix);
      return { event: blobCreatedEvent({ account: offlineAccount(t), container: offlineContainer(target.spec.name), name, size, contentType }), notes: [] };
    }
    case 'change':
      return { event: { input: [changeDocument(t, target)], triggerMetadata: {} }, notes: [] };
    case 'schedule':
      return {
        event: { input: { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '2026-01-01T02:00:00Z', next: '2026-01-02T02:00:00Z', lastUpdated: '2026-01-01T02:00:00Z' } } },
        notes: ['the run is the schedule\'s latest time at or before now, as on Azure'],
      };
    case 'function':
      return { event: functionSample(t, channelsOf(t, target.spec.name).find((c) => CHANNEL_KINDS[c.source.kind] === kind)!), notes: [] };
  }
}

function functionSample(t: Topology, channel: Channel): AzureDelivery {
  // The channel's first type is the newest version of the first event it subscribes.
  const envelope = exampleEvent(definitionOf(t, channel.types[0]!), channel.clauses);
  switch (channel.source.kind) {
    case 'direct': return eventGrid.encode([envelope]);
    case 'stream': return eventHub.encode([envelope], { hub: channel.source.stream, consumerGroup: channel.function, ...(channel.orderKey ? { orderKey: channel.orderKey } : {}) });
    // A topic's message carries the promoted properties its publisher set; Event Grid forwards the bare CloudEvent.
    case 'queue': return serviceBus.encode([envelope], { promote: channel.from.kind === 'topic', ...(channel.orderKey ? { orderKey: channel.orderKey } : {}) });
  }
}

/** A document made from the example of the event the trigger emits, when it is shaped as a row change. */
function changeDocument(t: Topology, target: Extract<InvokeTarget, { kind: 'change' }>): Record<string, unknown> {
  const example = exampleData(definitionOf(t, target.trigger.emits)) as { keys?: unknown; newImage?: unknown };
  const record = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const { partitionKey, sortKey } = target.spec;
  const keys = record(example.keys) ? example.keys : { [partitionKey]: 'example', ...(sortKey ? { [sortKey]: 'example' } : {}) };
  const image = record(example.newImage) ? example.newImage : {};
  const id = String(keys[sortKey ?? partitionKey] ?? keys[partitionKey] ?? 'example');
  return {
    id, ...image, ...keys,
    _rid: 'K3JYAPsuYwIBAAAAAAAAAA==', _self: 'dbs/K3JYAA==/colls/K3JYAPsuYwI=/docs/K3JYAPsuYwIBAAAAAAAAAA==/',
    _etag: '"0000d986-0000-0d00-0000-6777f0f00000"', _attachments: 'attachments/', _ts: 1767225600, _lsn: 7,
  };
}

function channelsOf(t: Topology, fn: string): readonly Channel[] {
  return deliveryPlan(t, AZURE_DELIVERY).channelsOf(fn);
}

