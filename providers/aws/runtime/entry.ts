/**
 * The Lambda entry of a user function: `createLambdaHandler(definition)` is what each function's bundle
 * exports as `handler`. Wiring only: per cold start it reads the config the deploy side wrote
 * (`HERALD_AWS_CONFIG`) and builds the function's channel pipelines and its settlement (SQS visibility and
 * dead-letter queues); per invocation it detects the trigger (SQS, Kinesis, EventBridge), decodes the
 * records with their channels, runs them as a batch (runtime/batch.ts, runtime/records.ts) and answers
 * natively.
 */
import type { Context as LambdaContext } from 'aws-lambda';
import { DEFAULT_BACKOFF, type HandlerDefinition, type Logger } from '../../../contracts';
import { runBatch, type RecordHandler } from '../../../runtime/batch';
import type { RecordBinding } from '../../../runtime/binding';
import { ChannelPipelines } from '../../../runtime/channels';
import type { ClaimCheckStore } from '../../../runtime/claim-check';
import type { IdempotencyStore } from '../../../runtime/idempotency';
import { createLogger } from '../../../runtime/logger';
import { Pipeline } from '../../../runtime/pipeline';
import type { Publisher } from '../../../runtime/publisher';
import { recordHandler } from '../../../runtime/records';
import { EventRegistry } from '../../../runtime/registry';
import type { Settlement } from '../../../runtime/settlement';
import { S3ClaimCheckStore } from './claim-check';
import { readAwsConfig, type AwsFunctionConfig } from './config';
import { deadLetterSender, type DeadLetterSender } from './dead-letter';
import { eventbridge } from './eventbridge';
import { DynamoDbIdempotencyStore } from './idempotency';
import { kinesis } from './kinesis';
import { DIRECT_MAX_ATTEMPTS } from '../limits';
import { publisherFor } from './publisher';
import type { AwsClients } from './sdk';
import { awsSettlement } from './settlement';
import { sqs } from './sqs';
import { visibilityChanger, type VisibilityChanger } from './visibility';

/** What a test or `herald invoke` may inject; everything else comes from the config. */
export interface LambdaHandlerDeps {
  /** @default read from HERALD_AWS_CONFIG on the first invocation */
  readonly config?: AwsFunctionConfig;
  readonly env?: NodeJS.ProcessEnv;
  /** @default the config's publish target over the SDK */
  readonly publisher?: Publisher;
  /** SDK clients for everything not given below. @default each created on first use */
  readonly clients?: AwsClients;
  /** @default the config's DynamoDB table */
  readonly idempotency?: IdempotencyStore;
  /** @default the config's S3 bucket */
  readonly claimCheck?: ClaimCheckStore;
  /** @default SQS SendMessage */
  readonly deadLetter?: DeadLetterSender;
  /** @default SQS ChangeMessageVisibility */
  readonly visibility?: VisibilityChanger;
  /** @default JSON lines on stderr (CloudWatch Logs) */
  readonly logger?: Logger;
  /** Records (or order keys) in flight at once. @default 10 */
  readonly concurrency?: number;
}

/** A Lambda handler. */
export type LambdaHandler = (event: unknown, context?: Partial<LambdaContext>) => Promise<unknown>;

// Tried in this order; EventBridge last, as a shape without `Records`.
const BINDINGS: readonly RecordBinding<any, any>[] = [sqs, kinesis, eventbridge];

interface State {
  readonly config: AwsFunctionConfig;
  readonly logger: Logger;
  readonly handle: RecordHandler;
}

/** The Lambda handler running `definition` as configured by the deploy side. */
export function createLambdaHandler(definition: HandlerDefinition, deps: LambdaHandlerDeps = {}): LambdaHandler {
  let state: State | undefined;
  const init = (): State => {
    const config = deps.config ?? readAwsConfig(deps.env);
    if (config.kind !== 'function') throw new Error(`HERALD_AWS_CONFIG is for a ${config.kind} ingress, not a function`);
    const logger = deps.logger ?? createLogger({ fields: { function: config.name } });
    const clients = deps.clients ?? {};
    const idempotency = deps.idempotency ?? (config.idempotencyTable
      ? new DynamoDbIdempotencyStore({ table: config.idempotencyTable, inProgressSeconds: Math.ceil(config.timeoutMs / 1000) + 5, ...(clients.dynamodb ? { client: clients.dynamodb } : {}) })
      : undefined);
    const claimCheck = deps.claimCheck ?? (config.claimCheckBucket ? new S3ClaimCheckStore(config.claimCheckBucket, clients.s3) : undefined);
    const shared = {
      functionName: config.name,
      handler: definition,
      registry: new EventRegistry(definition.events),
      publisher: deps.publisher ?? publisherFor(config.publishTo, clients),
      timeoutMs: config.timeoutMs,
      allowedPublishes: config.allowedPublishes,
      logger,
      ...(idempotency ? { idempotency } : {}),
      ...(claimCheck ? { claimCheck } : {}),
    };
    const pipelines = new ChannelPipelines(
      config.channels,
      (c) => new Pipeline({ ...shared, maxAttempts: c.maxAttempts, residual: c.residual, backoff: c.backoff }),
      // A function nothing subscribes, invoked by hand: Lambda's asynchronous bound.
      { subscription: config.name, sourceKey: 'direct:', types: [], maxAttempts: DIRECT_MAX_ATTEMPTS, residual: [], backoff: DEFAULT_BACKOFF },
    );
    const settlement: Settlement = awsSettlement(config, {
      visibility: deps.visibility ?? visibilityChanger(clients.sqs),
      deadLetter: deps.deadLetter ?? deadLetterSender(clients.sqs),
    });
    return { config, logger, handle: recordHandler({ pipelines, settlement, logger }) };
  };

  return async (event) => {
    state ??= init();
    const binding = BINDINGS.find((b) => b.detect(event));
    if (!binding) {
      state.logger.error('unsupported trigger', { keys: Object.keys((event as object) ?? {}).slice(0, 10) });
      throw new Error(`${state.config.name}: not an SQS, Kinesis or EventBridge event`);
    }
    const failures = await runBatch(binding.decode(event, state.config.sources), state.handle, { concurrency: deps.concurrency ?? 10 });
    return binding.respond(failures);
  };
}
