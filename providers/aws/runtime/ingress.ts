/**
 * Herald's own ingress functions, one bundle per kind, each turning something that happened outside into
 * the declared event and publishing it to the bus or topic:
 * - webhook: an HTTP API (payload 2.0) or function URL request → verify the signature (secret from the
 *   environment variable `verify.secretEnv` names) → validate the JSON body against the event's schema →
 *   publish → 202 `{"id"}`; 401/400/413 with `{"error"}` otherwise, publishing nothing;
 * - upload: S3 "Object Created" via EventBridge → HeadObject for the content type → `{bucket, key, size, contentType}`;
 * - change: DynamoDB stream records → `{table, op, keys, newImage?, oldImage?}`, failures by sequence number.
 * Upload and change events are built by runtime/ingress-events.ts (the rule every target shares): ids derive
 * from the native ids, so a retried delivery publishes the same ids (consumers dedupe).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import {
  OversizeEventError, type EventDefinition, type Logger, type Topology,
} from '../../../contracts';
import type { ClaimCheckStore } from '../../../runtime/claim-check';
import { fitToLimit } from '../../../runtime/envelopes';
import { changeEvent, uploadEvent } from '../../../runtime/ingress-events';
import { createLogger } from '../../../runtime/logger';
import type { Publisher } from '../../../runtime/publisher';
import { webhookEvent } from '../../../runtime/webhook';
import type { RecordFailure } from './binding';
import { S3ClaimCheckStore } from './claim-check';
import { readAwsConfig, type AwsIngressConfig } from './config';
import { dynamodb } from './dynamodb';
import type { LambdaHandler } from './entry';
import type { HttpAnswer } from '../../../runtime/http';
import { http } from './http';
import { publisherFor } from './publisher';
import { s3 } from './s3';
import { memo, type Lazy } from '../../../runtime/lazy';
import { sdk, type AwsClients } from './sdk';

export interface IngressDeps {
  /** The kind this bundle was built for; a config of another kind is refused. */
  readonly kind?: AwsIngressConfig['kind'];
  /** @default read from HERALD_AWS_CONFIG on the first invocation */
  readonly config?: AwsIngressConfig;
  /** Where secrets and the config are read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  readonly publisher?: Publisher;
  readonly clients?: AwsClients & { readonly s3?: Lazy<S3Client> };
  readonly claimCheck?: ClaimCheckStore;
  readonly logger?: Logger;
}

interface State {
  readonly config: AwsIngressConfig;
  readonly definition: EventDefinition<any>;
  readonly publisher: Publisher;
  readonly claimCheck?: ClaimCheckStore;
  readonly logger: Logger;
  readonly env: NodeJS.ProcessEnv;
  readonly s3: () => Promise<S3Client>;
}

/** The Lambda handler of an ingress function of `topology`, as configured by the deploy side. */
export function createIngressHandler(topology: Topology, deps: IngressDeps = {}): LambdaHandler {
  let state: State | undefined;
  const init = (): State => {
    const env = deps.env ?? process.env;
    const config = deps.config ?? readAwsConfig(env);
    if (config.kind === 'function' || (deps.kind && config.kind !== deps.kind)) {
      throw new Error(`HERALD_AWS_CONFIG is for a ${config.kind}, but this is the ${deps.kind ?? 'ingress'} bundle`);
    }
    const definition = topology.events.find((e) => e.wireType === config.emits);
    if (!definition) throw new Error(`the topology ${topology.name} declares no event ${config.emits}`);
    const claimCheck = deps.claimCheck ?? (config.claimCheckBucket ? new S3ClaimCheckStore(config.claimCheckBucket, deps.clients?.s3) : undefined);
    return {
      config, definition, env, ...(claimCheck ? { claimCheck } : {}),
      publisher: deps.publisher ?? publisherFor(config.publishTo, deps.clients),
      logger: deps.logger ?? createLogger({ fields: { ingress: config.kind, emits: config.emits } }),
      s3: memo(deps.clients?.s3 ?? (() => new (sdk.s3().S3Client)({}))),
    };
  };
  return async (event) => {
    state ??= init();
    switch (state.config.kind) {
      case 'webhook': return webhook(state, event);
      case 'upload': return upload(state, event);
      case 'change': return change(state, event);
    }
  };
}

async function webhook(state: State, event: unknown) {
  if (!http.detect(event)) throw new Error('the webhook ingress takes API Gateway HTTP API (payload 2.0) or function URL requests');
  const config = state.config as Extract<AwsIngressConfig, { kind: 'webhook' }>;
  const request = http.decode(event);
  const answer = (a: HttpAnswer) => http.respond(a);
  const verdict = webhookEvent({
    name: config.name, verify: config.verify, definition: state.definition,
    headers: request.headers, body: request.body, secret: state.env[config.verify.secretEnv],
  });
  if (!verdict.ok) {
    state.logger.warn('webhook refused', { webhook: config.name, requestId: request.requestId, status: verdict.status, reason: verdict.error });
    return answer({ status: verdict.status, body: { error: verdict.error } });
  }
  try {
    const envelope = await fitToLimit(verdict.envelope, state.claimCheck);
    await state.publisher.publish([envelope]);
    state.logger.info('webhook accepted', { webhook: config.name, requestId: request.requestId, eventId: envelope.id });
    return answer({ status: 202, body: { id: envelope.id } });
  } catch (error) {
    if (error instanceof OversizeEventError) return answer({ status: 413, body: { error: error.message } });
    state.logger.error('webhook not published', { webhook: config.name, requestId: request.requestId, error: (error as Error).message });
    // A 5xx makes the sender retry later.
    return answer({ status: 503, body: { error: 'the event could not be published; retry later' } });
  }
}

async function upload(state: State, event: unknown) {
  if (!s3.detect(event)) throw new Error('the upload ingress takes S3 "Object Created" events from EventBridge');
  const config = state.config as Extract<AwsIngressConfig, { kind: 'upload' }>;
  const object = s3.decode(event);
  if (object.bucket !== config.bucket || !object.key.startsWith(config.prefix)) {
    state.logger.info('upload ignored: outside the trigger', { bucket: object.bucket, key: object.key, prefix: config.prefix });
    return { status: 'ignored' };
  }
  const { HeadObjectCommand } = sdk.s3();
  let contentType: string;
  try {
    const head = await (await state.s3()).send(new HeadObjectCommand({ Bucket: object.bucket, Key: object.key }));
    contentType = head.ContentType ?? 'application/octet-stream';
  } catch (error) {
    if ((error as Error).name === 'NotFound' || (error as Error).name === 'NoSuchKey') {
      state.logger.warn('upload ignored: the object is gone', { bucket: object.bucket, key: object.key });
      return { status: 'gone' };
    }
    throw error; // throttling or permissions: let Lambda retry the delivery
  }
  const data = { bucket: object.bucket, key: object.key, size: object.size, contentType };
  // Data that does not fit the event throws: the invocation fails into the on-failure destination, with the reason.
  const envelope = await fitToLimit(uploadEvent(state.definition, data, { id: object.eventId, time: object.time }), state.claimCheck);
  await state.publisher.publish([envelope]);
  state.logger.info('upload published', { bucket: object.bucket, key: object.key, eventId: envelope.id });
  return { status: 'ok', id: envelope.id };
}

async function change(state: State, event: unknown) {
  if (!dynamodb.detect(event)) throw new Error('the change ingress takes DynamoDB stream events');
  const config = state.config as Extract<AwsIngressConfig, { kind: 'change' }>;
  const records = dynamodb.decode(event);
  const envelopes = [];
  const failures: RecordFailure[] = [];
  // In order: stop at the first record that cannot become an event; Lambda resumes the shard from it.
  for (const [i, r] of records.entries()) {
    try {
      const data = { ...r.change, table: config.table };
      const occurrence = { id: r.eventId, ...(r.time ? { time: r.time } : {}) };
      envelopes.push(await fitToLimit(changeEvent(state.definition, data, occurrence, config.keyNames), state.claimCheck));
    } catch (error) {
      state.logger.error('row change is not a valid event', { table: config.table, sequenceNumber: r.itemId, reason: (error as Error).message });
      failures.push(...records.slice(i).map((x) => ({ itemId: x.itemId, reason: (error as Error).message })));
      break;
    }
  }
  try {
    if (envelopes.length) await state.publisher.publish(envelopes);
  } catch (error) {
    state.logger.error('row changes not published', { table: config.table, error: (error as Error).message });
    return dynamodb.respond(records.map((r) => ({ itemId: r.itemId, reason: (error as Error).message })));
  }
  return dynamodb.respond(failures);
}
