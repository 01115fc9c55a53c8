/**
 * Herald's own ingress functions on GCP, one bundle per kind, each turning something that happened outside
 * into the declared event and publishing it to the bus's or topic's Pub/Sub topic:
 * - webhook (`http()`, public): its declared method only (405 otherwise) → verify the signature over the
 *   raw body (secret from the environment variable `verify.secretEnv` names) → the JSON body as the event's
 *   data → publish → 202 `{"id"}`; 401/400/413 with `{"error"}` otherwise, publishing nothing; 503 when the
 *   publish fails (the sender retries);
 * - schedule (`http()`, called by its Cloud Scheduler job with an OIDC token): the schedule's data with
 *   `{{scheduledTime}}` from `X-CloudScheduler-ScheduleTime` → publish → 200; 503 when the publish fails,
 *   so the job's retry config runs it again (the id, `<schedule>@<time>`, is the same: consumers dedupe);
 * - upload (`http()`, a push of the bucket's notification topic): a Cloud Storage `OBJECT_FINALIZE`
 *   notification (JSON_API_V1 payload) → `{bucket, key, size, contentType}`; other event types and keys
 *   outside the prefix are acknowledged and ignored; a notification that cannot become the event goes to
 *   the subscription's dead-letter topic with the reason, then is acknowledged;
 * - change (`cloudEvent()`, Eventarc `google.cloud.firestore.document.v1.written`): the protobuf
 *   `DocumentEventData` (document-event.ts) → `{table, op, keys, newImage?, oldImage?}`, old and new values
 *   kept; a write that cannot become the event goes to the dead-letter topic when one is configured, else it
 *   is logged and acknowledged (Eventarc would otherwise retry it for a day to no avail).
 * Upload and change events are built by runtime/ingress-events.ts (the rule every target shares): ids
 * derive from the platform's ids of the occurrence, so a redelivery publishes the same id.
 */
import {
  OversizeEventError, SchemaValidationError, type Envelope, type EventDefinition, type Logger, type Topology,
} from '../../../contracts';
import type { ClaimCheckStore } from '../../../runtime/claim-check';
import { fitToLimit } from '../../../runtime/envelopes';
import { changeEvent, scheduledEvent, scheduledTimeOf, uploadEvent } from '../../../runtime/ingress-events';
import { describe } from '../../../runtime/pipeline';
import type { Publisher } from '../../../runtime/publisher';
import { webhookEvent } from '../../../runtime/webhook';
import { GcsClaimCheckStore } from './claim-check';
import { cloudLogger } from './logger';
import { readGcpConfig, type GcpIngressConfig, type GcpIngressKind } from './config';
import { deadLetterOrRedeliver, deadLetterSender, type DeadLetterSender } from './dead-letter';
import { decodeDocumentEventData, documentPath, plainFields, type DocumentEventData, type FirestoreDocument } from './document-event';
import type { GcpAnswer, GcpRequest } from './entry';
import { publisherFor } from './publisher';
import { pushBodyOf, type PushMessage } from './push';
import { memo } from '../../../runtime/lazy';
import { newPubSub, type GcpClients } from './sdk';

/** An ingress function's answer: a push's or a CloudEvent's outcome, or an HTTP caller's refusal, with the body sent. */
export interface IngressAnswer extends Omit<GcpAnswer, 'outcome'> {
  /** `refused`: a webhook request turned away (4xx), nothing published. */
  readonly outcome: GcpAnswer['outcome'] | 'refused';
  /** The JSON body answered (a webhook's `{id}` or `{error}`). @default none */
  readonly body?: unknown;
}

export type IngressHandler = (request: GcpRequest) => Promise<IngressAnswer>;

export interface IngressDeps {
  /** The kind this bundle was built for; a config of another kind is refused. */
  readonly kind?: GcpIngressKind;
  /** @default read from HERALD_GCP_CONFIG on the first request */
  readonly config?: GcpIngressConfig;
  /** Where secrets and the config are read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  readonly publisher?: Publisher;
  readonly clients?: GcpClients;
  readonly claimCheck?: ClaimCheckStore;
  readonly deadLetter?: DeadLetterSender;
  readonly logger?: Logger;
  /** @default Date.now (a schedule run without its header) */
  readonly now?: () => number;
}

interface State {
  readonly config: GcpIngressConfig;
  readonly definition: EventDefinition<any>;
  readonly topology: Topology;
  readonly publisher: Publisher;
  readonly claimCheck?: ClaimCheckStore;
  readonly deadLetter: DeadLetterSender;
  readonly logger: Logger;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => number;
}

/**
 * The handler of an ingress function of `topology`, as configured by the deploy side. A change ingress is
 * handed the CloudEvent as the request body (main.ts does that for `cloudEvent()`; `herald invoke` reads it
 * from the request: structured mode, or binary mode with `ce-*` headers).
 */
export function createIngressHandler(topology: Topology, deps: IngressDeps = {}): IngressHandler {
  let state: State | undefined;
  const init = (): State => {
    const env = deps.env ?? process.env;
    const config = deps.config ?? readGcpConfig(env);
    if (config.kind === 'function' || (deps.kind && config.kind !== deps.kind)) {
      throw new Error(`HERALD_GCP_CONFIG is for a ${config.kind}, but this is the ${deps.kind ?? 'ingress'} bundle`);
    }
    const definition = topology.events.find((e) => e.wireType === config.emits);
    if (!definition) throw new Error(`the topology ${topology.name} declares no event ${config.emits}`);
    // One client (one gRPC channel) for publishing and dead-lettering alike.
    const pubsub = memo(deps.clients?.pubsub ?? (() => newPubSub(config.project)));
    const claimCheck = deps.claimCheck ?? (config.claimCheckBucket ? new GcsClaimCheckStore(config.claimCheckBucket, config.project, deps.clients?.storage) : undefined);
    return {
      config, definition, topology, env, ...(claimCheck ? { claimCheck } : {}),
      publisher: deps.publisher ?? publisherFor(config.publishTo, config.project, pubsub),
      deadLetter: deps.deadLetter ?? deadLetterSender(pubsub),
      logger: deps.logger ?? cloudLogger({ fields: { ingress: config.kind, emits: config.emits } }),
      now: deps.now ?? Date.now,
    };
  };
  return async (request) => {
    state ??= init();
    switch (state.config.kind) {
      case 'webhook': return webhook(state, state.config, request);
      case 'schedule': return schedule(state, state.config, request);
      case 'upload': return upload(state, state.config, request);
      case 'change': return change(state, state.config, request);
    }
  };
}

/** A header's value (the first, when repeated). */
function header(request: GcpRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The body's bytes as received: the framework's `rawBody`, else the body as text or JSON. */
function rawBodyOf(request: GcpRequest): Buffer {
  if (request.rawBody) return request.rawBody;
  const { body } = request;
  if (Buffer.isBuffer(body)) return body;
  if (body === undefined || body === null) return Buffer.alloc(0);
  return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
}

async function webhook(state: State, config: Extract<GcpIngressConfig, { kind: 'webhook' }>, request: GcpRequest): Promise<IngressAnswer> {
  // A function URL takes every method; the webhook is declared for one (the others publish nothing).
  const method = state.topology.webhooks.find((w) => w.name === config.name)?.method ?? 'POST';
  if (request.method !== undefined && request.method.toUpperCase() !== method) {
    const error = `${request.method.toUpperCase()} is not allowed; send ${method}`;
    return { status: 405, outcome: 'refused', reason: error, body: { error } };
  }
  const headers: Record<string, string> = {};
  for (const name of Object.keys(request.headers)) {
    const value = header(request, name);
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const requestId = headers['x-cloud-trace-context']?.split('/')[0];
  const verdict = webhookEvent({
    name: config.name, verify: config.verify, definition: state.definition,
    headers, body: rawBodyOf(request), secret: state.env[config.verify.secretEnv],
  });
  if (!verdict.ok) {
    state.logger.warn('webhook refused', { webhook: config.name, requestId, status: verdict.status, reason: verdict.error });
    return { status: verdict.status, outcome: 'refused', reason: verdict.error, body: { error: verdict.error } };
  }
  try {
    const envelope = await fitToLimit(verdict.envelope, state.claimCheck);
    await state.publisher.publish([envelope]);
    state.logger.info('webhook accepted', { webhook: config.name, requestId, eventId: envelope.id });
    return { status: 202, outcome: 'ok', body: { id: envelope.id } };
  } catch (error) {
    if (error instanceof OversizeEventError) return { status: 413, outcome: 'refused', reason: error.message, body: { error: error.message } };
    state.logger.error('webhook not published', { webhook: config.name, requestId, error: (error as Error).message });
    // A 5xx makes the sender retry later.
    return { status: 503, outcome: 'retry', reason: (error as Error).message, body: { error: 'the event could not be published; retry later' } };
  }
}

/** The header Cloud Scheduler sets on an HTTP target's request: the run's scheduled time, RFC 3339. */
export const SCHEDULE_TIME_HEADER = 'x-cloudscheduler-scheduletime';

async function schedule(state: State, config: Extract<GcpIngressConfig, { kind: 'schedule' }>, request: GcpRequest): Promise<IngressAnswer> {
  const spec = state.topology.schedules.find((s) => s.name === config.name);
  if (!spec) throw new Error(`the topology ${state.topology.name} declares no schedule ${config.name}`);
  const given = Date.parse(header(request, SCHEDULE_TIME_HEADER) ?? '');
  // A run started by hand from the console carries the header too; without it (a plain call), the time now.
  const scheduledTime = scheduledTimeOf(Number.isFinite(given) ? given : state.now());
  let envelope: Envelope;
  try {
    envelope = await fitToLimit(scheduledEvent(state.definition, spec, scheduledTime), state.claimCheck);
  } catch (error) {
    // The data was checked against the event before deploy (scheduleDataIssues); a retry cannot fix it.
    state.logger.error('scheduled event is not valid', { schedule: config.name, scheduledTime, reason: (error as Error).message });
    return { status: 200, outcome: 'dead-letter', reason: (error as Error).message };
  }
  try {
    await state.publisher.publish([envelope]);
  } catch (error) {
    state.logger.error('scheduled event not published; the job retries', { schedule: config.name, scheduledTime, error: (error as Error).message });
    return { status: 503, outcome: 'retry', reason: (error as Error).message };
  }
  state.logger.info('scheduled event published', { schedule: config.name, scheduledTime, eventId: envelope.id });
  return { status: 200, outcome: 'ok', body: { id: envelope.id } };
}

/**
 * The event `make` builds, fitted to the size limit (oversize data goes to the claim check). Data that does
 * not fit the schema or the limit can never become the event: it is dead-lettered. A claim check that
 * cannot be written now may be later: the delivery is retried.
 */
async function eventOf(state: State, make: () => Envelope): Promise<{ envelope: Envelope } | { deadLetter: string } | { retry: string }> {
  let envelope: Envelope;
  try {
    envelope = make();
  } catch (error) {
    if (!(error instanceof SchemaValidationError)) throw error;
    return { deadLetter: describe(error) };
  }
  try {
    return { envelope: await fitToLimit(envelope, state.claimCheck) };
  } catch (error) {
    if (error instanceof OversizeEventError) return { deadLetter: describe(error) };
    state.logger.error('claim check not stored; the delivery is retried', { eventId: envelope.id, error: (error as Error).message });
    return { retry: describe(error) };
  }
}

/** The Cloud Storage object resource of a JSON_API_V1 notification (the fields read here). */
interface StorageObject {
  readonly name?: string;
  readonly bucket?: string;
  /** Decimal text. */
  readonly size?: string | number;
  readonly contentType?: string;
  readonly generation?: string;
  readonly timeCreated?: string;
}

async function upload(state: State, config: Extract<GcpIngressConfig, { kind: 'upload' }>, request: GcpRequest): Promise<IngressAnswer> {
  const body = pushBodyOf(request.body);
  if (!body) return { status: 400, outcome: 'retry', reason: 'the request body is not a Pub/Sub push' };
  const { message } = body;
  const attributes = message.attributes ?? {};
  const deadLetterTopic = config.subscriptions[body.subscription]?.deadLetterTopic;
  if (attributes.eventType !== 'OBJECT_FINALIZE') {
    return { status: 204, outcome: 'filtered', reason: `not an upload: ${attributes.eventType ?? 'no eventType'}` };
  }
  let object: StorageObject;
  try {
    object = JSON.parse(Buffer.from(message.data ?? '', 'base64').toString('utf8')) as StorageObject;
  } catch (error) {
    return deadLetter(state, deadLetterTopic, message, body.subscription, `EnvelopeDecodeError: the notification payload is not JSON: ${(error as Error).message}`);
  }
  const bucket = attributes.bucketId ?? object.bucket ?? '';
  const key = attributes.objectId ?? object.name ?? '';
  if (bucket !== config.bucket || !key.startsWith(config.prefix)) {
    state.logger.info('upload ignored: outside the trigger', { bucket, key, prefix: config.prefix });
    return { status: 204, outcome: 'filtered', reason: `${bucket}/${key} is outside ${config.bucket}/${config.prefix}` };
  }
  const data = { bucket, key, size: Number(object.size ?? 0), contentType: object.contentType ?? 'application/octet-stream' };
  const time = attributes.eventTime ?? object.timeCreated;
  // One finalize per generation of an object: a notification published twice names the same generation.
  const occurrence = { id: `${bucket}/${key}#${attributes.objectGeneration ?? object.generation ?? ''}`, ...(time ? { time } : {}) };
  const made = await eventOf(state, () => uploadEvent(state.definition, data, occurrence));
  if ('deadLetter' in made) return deadLetter(state, deadLetterTopic, message, body.subscription, made.deadLetter);
  if ('retry' in made) return { status: 500, outcome: 'retry', reason: made.retry };
  const { envelope } = made;
  try {
    await state.publisher.publish([envelope]);
  } catch (error) {
    state.logger.error('upload not published; Pub/Sub delivers the notification again', { bucket, key, error: (error as Error).message });
    return { status: 500, outcome: 'retry', reason: (error as Error).message };
  }
  state.logger.info('upload published', { bucket, key, eventId: envelope.id });
  return { status: 204, outcome: 'ok' };
}

/** A CloudEvent as the Functions Framework hands it to a `cloudEvent()` function (the attributes read here). */
interface IncomingCloudEvent {
  readonly id?: string;
  readonly type?: string;
  readonly time?: string;
  readonly datacontenttype?: string;
  readonly data?: unknown;
  /** Structured mode with binary data: base64. */
  readonly data_base64?: string;
}

/**
 * The CloudEvent of a request: the body itself when it is one (`cloudEvent()`, structured mode), else one
 * built from the `ce-*` headers around the body (binary mode).
 */
export function cloudEventOf(request: GcpRequest): IncomingCloudEvent | undefined {
  const { body } = request;
  if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body) && 'specversion' in body) return body as IncomingCloudEvent;
  if (header(request, 'ce-specversion') === undefined) return undefined;
  const event: Record<string, unknown> = {};
  for (const name of Object.keys(request.headers)) {
    if (name.toLowerCase().startsWith('ce-')) event[name.toLowerCase().slice(3)] = header(request, name);
  }
  const contentType = header(request, 'content-type');
  if (contentType !== undefined) event.datacontenttype = contentType;
  event.data = request.rawBody ?? body;
  return event as IncomingCloudEvent;
}

/**
 * The `DocumentEventData` of an event: protobuf bytes (a Buffer, or base64 text when the content type is
 * protobuf or the data came as `data_base64`), or its JSON form.
 * @throws Error when it is neither
 */
export function documentEventDataOf(event: IncomingCloudEvent): DocumentEventData {
  if (event.data_base64 !== undefined) return decodeDocumentEventData(Buffer.from(event.data_base64, 'base64'));
  const { data } = event;
  if (data instanceof Uint8Array) return decodeDocumentEventData(data);
  if (typeof data === 'string') {
    if (/protobuf/.test(event.datacontenttype ?? '')) return decodeDocumentEventData(Buffer.from(data, 'base64'));
    return JSON.parse(data) as DocumentEventData;
  }
  if (typeof data === 'object' && data !== null) return data as DocumentEventData;
  throw new Error('the event has no data');
}

async function change(state: State, config: Extract<GcpIngressConfig, { kind: 'change' }>, request: GcpRequest): Promise<IngressAnswer> {
  const event = cloudEventOf(request);
  if (!event?.id) return { status: 400, outcome: 'retry', reason: 'the request is not a CloudEvent' };
  let data: DocumentEventData;
  try {
    data = documentEventDataOf(event);
  } catch (error) {
    return changeFailed(state, config, event, `EnvelopeDecodeError: the event data is not DocumentEventData: ${(error as Error).message}`);
  }
  // The JSON form may write an absent document as `{}`: a document is there when it has a name.
  const before = data.oldValue?.name ? data.oldValue : undefined;
  const after = data.value?.name ? data.value : undefined;
  const document = after ?? before;
  const path = document?.name ? documentPath(document.name) : undefined;
  const segments = path?.split('/') ?? [];
  const collection = segments.slice(0, -1).join('/');
  if (!path || segments.length % 2 !== 0) return changeFailed(state, config, event, `EnvelopeDecodeError: the event names no document (${document?.name ?? 'no name'})`);
  if (collection !== config.table) {
    state.logger.info('document write ignored: another collection', { document: path, table: config.table });
    return { status: 204, outcome: 'filtered', reason: `${path} is not in ${config.table}` };
  }
  const image = (d: FirestoreDocument | undefined) => (d ? plainFields(d.fields) : undefined);
  const newImage = image(after);
  const oldImage = image(before);
  const op = after && before ? 'modify' : after ? 'insert' : 'remove';
  // The document id is the partition key unless the document holds a field of that name.
  const id = segments[segments.length - 1]!;
  const keys: Record<string, unknown> = {};
  config.keyNames.forEach((name, i) => {
    const value = newImage?.[name] ?? oldImage?.[name] ?? (i === 0 ? id : undefined);
    if (value !== undefined) keys[name] = value;
  });
  const row = { table: config.table, op, keys, ...(newImage ? { newImage } : {}), ...(oldImage ? { oldImage } : {}) } as const;
  const occurrence = { id: event.id, ...(event.time ? { time: event.time } : {}) };
  const made = await eventOf(state, () => changeEvent(state.definition, row, occurrence, config.keyNames));
  if ('deadLetter' in made) return changeFailed(state, config, event, made.deadLetter);
  if ('retry' in made) return { status: 500, outcome: 'retry', reason: made.retry };
  const { envelope } = made;
  try {
    await state.publisher.publish([envelope]);
  } catch (error) {
    state.logger.error('document change not published; Eventarc delivers it again', { document: path, error: (error as Error).message });
    return { status: 500, outcome: 'retry', reason: (error as Error).message };
  }
  state.logger.info('document change published', { document: path, op, eventId: envelope.id });
  return { status: 204, outcome: 'ok' };
}

/** A write that cannot become the event: to the dead-letter topic when there is one, else logged; acknowledged either way. */
async function changeFailed(state: State, config: Extract<GcpIngressConfig, { kind: 'change' }>, event: IncomingCloudEvent, reason: string): Promise<IngressAnswer> {
  const data = event.data_base64 ?? (event.data instanceof Uint8Array ? Buffer.from(event.data).toString('base64') : Buffer.from(JSON.stringify(event.data ?? null)).toString('base64'));
  const message: PushMessage = { data, attributes: { 'ce-id': event.id ?? '', 'ce-type': event.type ?? '', ...(event.datacontenttype ? { 'content-type': event.datacontenttype } : {}) } };
  if (config.deadLetterTopic === undefined) {
    state.logger.error('document change is not a valid event; acknowledged, as no dead-letter topic is configured', { eventId: event.id, reason });
    return { status: 204, outcome: 'dead-letter', reason };
  }
  return deadLetter(state, config.deadLetterTopic, message, `change:${config.table}`, reason);
}

function deadLetter(state: State, topic: string | undefined, message: PushMessage, source: string, reason: string): Promise<IngressAnswer> {
  return deadLetterOrRedeliver(state.deadLetter, state.logger, topic, message, { reason, functionName: `${state.config.kind} ingress`, source }, 'input', { source, reason });
}
