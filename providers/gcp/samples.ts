/**
 * Sample requests for `herald invoke --cloud gcp --sample <kind>`: each the HTTP request the function
 * receives, `{headers, body}`, shaped as Google Cloud sends it, carrying a valid example of the event the
 * function reads (runtime/examples.ts), so `--sample … | herald invoke --event -` runs the handler.
 * - push: a Pub/Sub push of the function's first subscription (binary-mode CloudEvent in the message);
 * - http: a webhook request, its body signed with the secret from the environment;
 * - upload: a push of the bucket's `OBJECT_FINALIZE` notification (JSON_API_V1), under the trigger's prefix;
 * - change: Eventarc's `google.cloud.firestore.document.v1.written` CloudEvent (structured mode, the
 *   protobuf `DocumentEventData` as `data_base64`);
 * - schedule: Cloud Scheduler's request, with `X-CloudScheduler-ScheduleTime`.
 * Subscriptions and buckets are the ones `herald invoke` configures (offline.ts), so each finds its channel.
 * @see https://cloud.google.com/pubsub/docs/push#receive_push
 * @see https://cloud.google.com/storage/docs/pubsub-notifications#payload
 * @see https://cloud.google.com/eventarc/docs/cloudevents#firestore
 */
import { createHash } from 'node:crypto';
import { deliveryPlan, type Channel, type Topology } from '../../contracts';
import { exampleData, exampleEvent } from '../../runtime/examples';
import { SAMPLE_SCHEDULED_TIME } from '../../runtime/ingress-events';
import { definitionOf, signedWebhookSample, uploadedObject } from '../samples';
import { GCP_DELIVERY } from './filter';
import type { InvokeTarget } from './invoke-target';
import { OFFLINE_PROJECT, offlineChannel, offlineUploadSubscription } from './offline';
import { encodeDocumentEventData, firestoreFields, type DocumentEventData } from './runtime/document-event';
import { SCHEDULE_TIME_HEADER } from './runtime/ingress';
import { encodePush } from './runtime/push';

export const SAMPLE_KINDS = ['push', 'http', 'upload', 'change', 'schedule'] as const;
export type SampleKind = (typeof SAMPLE_KINDS)[number];


/** An HTTP request as `herald invoke --cloud gcp` reads it. */
export interface SampleRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export interface Sample {
  readonly event: SampleRequest;
  /** What the user must know to run it (printed apart from the event). */
  readonly notes: readonly string[];
}

/** The time samples say things happened. */
const SAMPLE_TIME = '2026-01-01T00:00:00.000Z';

/** The kind of sample a target's trigger takes (none for a function nothing subscribes). */
export function sampleKinds(t: Topology, target: InvokeTarget): SampleKind[] {
  switch (target.kind) {
    case 'function': return deliveryPlan(t, GCP_DELIVERY).channelsOf(target.spec.name).length ? ['push'] : [];
    case 'webhook': return ['http'];
    default: return [target.kind];
  }
}

/**
 * The sample request for the target (its one kind: see `sampleKinds`).
 * @throws SchemaValidationError when no valid example of the event can be made (see runtime/examples.ts)
 */
export function sampleOf(t: Topology, target: InvokeTarget, env: NodeJS.ProcessEnv): Sample {
  switch (target.kind) {
    case 'function':
      return { event: pushSample(t, deliveryPlan(t, GCP_DELIVERY).channelsOf(target.spec.name)[0]!), notes: [] };
    case 'webhook': {
      // `herald invoke` sends a JSON body as JSON.stringify writes it: the bytes the signature is over.
      const { data, headers, notes } = signedWebhookSample(t, target.spec, env);
      return { event: { headers: { 'content-type': 'application/json', ...headers }, body: data }, notes };
    }
    case 'upload':
      return { event: uploadSample(t, target), notes: [] };
    case 'change':
      return { event: changeSample(t, target), notes: [] };
    case 'schedule':
      return {
        event: {
          headers: {
            'content-type': 'application/octet-stream', 'user-agent': 'Google-Cloud-Scheduler', 'x-cloudscheduler': 'true',
            'x-cloudscheduler-jobname': target.spec.name, [SCHEDULE_TIME_HEADER]: SAMPLE_SCHEDULED_TIME,
          },
          body: '',
        },
        notes: [],
      };
  }
}

const JSON_HEADERS = { 'content-type': 'application/json', 'user-agent': 'APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)' };

function pushSample(t: Topology, channel: Channel): SampleRequest {
  // The channel's first type is the newest version of the first event it subscribes.
  const envelope = exampleEvent(definitionOf(t, channel.types[0]!), channel.clauses);
  const body = encodePush(envelope, {
    subscription: offlineChannel(channel).subscription, messageId: '1000000000000001',
    ...(channel.orderKey ? { orderKey: channel.orderKey } : {}),
  });
  // Published now (encodePush's default): a stream's maxEventAge reads the publish time.
  return { headers: JSON_HEADERS, body };
}

function uploadSample(t: Topology, target: Extract<InvokeTarget, { kind: 'upload' }>): SampleRequest {
  const { name, contentType, size } = uploadedObject(t, target.spec.onUpload.emits, target.spec.onUpload.prefix);
  const bucket = target.spec.name;
  const generation = '1767225600000000';
  const object = {
    kind: 'storage#object', id: `${bucket}/${name}/${generation}`, selfLink: `https://www.googleapis.com/storage/v1/b/${bucket}/o/${encodeURIComponent(name)}`,
    name, bucket, generation, metageneration: '1', contentType, timeCreated: SAMPLE_TIME, updated: SAMPLE_TIME,
    storageClass: 'STANDARD', timeStorageClassUpdated: SAMPLE_TIME, size: String(size),
    md5Hash: createHash('md5').update(name).digest('base64'), crc32c: 'AAAAAA==', etag: 'CIDA8p/+/JIDEAE=',
  };
  const message = {
    data: Buffer.from(JSON.stringify(object)).toString('base64'),
    attributes: {
      notificationConfig: `projects/_/buckets/${bucket}/notificationConfigs/1`, eventType: 'OBJECT_FINALIZE', payloadFormat: 'JSON_API_V1',
      bucketId: bucket, objectId: name, objectGeneration: generation, eventTime: SAMPLE_TIME,
    },
    messageId: '1000000000000002', message_id: '1000000000000002', publishTime: SAMPLE_TIME, publish_time: SAMPLE_TIME,
  };
  return { headers: JSON_HEADERS, body: { message, subscription: offlineUploadSubscription(bucket).subscription, deliveryAttempt: 1 } };
}

function changeSample(t: Topology, target: Extract<InvokeTarget, { kind: 'change' }>): SampleRequest {
  const { spec } = target;
  const example = exampleData(definitionOf(t, spec.onChange.emits)) as { keys?: unknown; op?: unknown; newImage?: unknown; oldImage?: unknown };
  const record = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const keys = record(example.keys) ? example.keys : { [spec.partitionKey]: 'example' };
  const id = String(keys[spec.partitionKey] ?? 'example');
  const op = example.op === 'modify' || example.op === 'remove' ? example.op : 'insert';
  const database = '(default)';
  const name = `projects/${OFFLINE_PROJECT}/databases/${database}/documents/${spec.name}/${id}`;
  const document = (image: unknown) => ({ name, fields: firestoreFields(record(image) ? image : { ...keys }), createTime: SAMPLE_TIME, updateTime: SAMPLE_TIME });
  const data: DocumentEventData = {
    ...(op !== 'remove' ? { value: document(example.newImage) } : {}),
    ...(op !== 'insert' ? { oldValue: document(example.oldImage) } : {}),
  };
  // The object form wants timestamps as seconds: the sample's are whole seconds.
  const seconds = { seconds: Date.parse(SAMPLE_TIME) / 1000 };
  const proto = JSON.parse(JSON.stringify(data), (k, v: unknown) => (k === 'createTime' || k === 'updateTime' ? seconds : v)) as DocumentEventData;
  return {
    headers: { 'content-type': 'application/cloudevents+json' },
    body: {
      specversion: '1.0', id: 'b3c6f2a0-0000-4000-8000-000000000001', type: 'google.cloud.firestore.document.v1.written',
      source: `//firestore.googleapis.com/projects/${OFFLINE_PROJECT}/databases/${database}`, subject: `documents/${spec.name}/${id}`,
      time: SAMPLE_TIME, datacontenttype: 'application/protobuf',
      dataschema: 'https://github.com/googleapis/google-cloudevents/blob/main/proto/google/events/cloud/firestore/v1/data.proto',
      location: 'nam5', project: OFFLINE_PROJECT, database, namespace: '(default)', document: `${spec.name}/${id}`,
      data_base64: Buffer.from(encodeDocumentEventData(proto)).toString('base64'),
    },
  };
}

