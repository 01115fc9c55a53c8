/**
 * The Lambda entry of a user function: `createLambdaHandler(definition)` is what each function's bundle
 * exports as `handler`. Per cold start it reads the config the deploy side wrote (`HERALD_AWS_CONFIG`) and
 * builds one pipeline; per invocation it detects the trigger (SQS, Kinesis, EventBridge), runs each record
 * through the pipeline and answers natively. A record that cannot be decoded or validated, or whose
 * handler gives up (NonRetryableError, attempts exhausted), goes to its source's dead-letter queue with
 * the reason as a message attribute and counts as handled; without one it is reported failed. Either way
 * it is logged with its reason, and it never fails the whole batch.
 */
import type { Context as LambdaContext } from 'aws-lambda';
import { DEFAULT_BACKOFF, type HandlerDefinition, type Logger } from '../../../contracts';
import type { ClaimCheckStore } from '../../../runtime/claim-check';
import type { IdempotencyStore } from '../../../runtime/idempotency';
import { ChannelPipelines } from '../../../runtime/channels';
import { createLogger } from '../../../runtime/logger';
import { Pipeline } from '../../../runtime/pipeline';
import type { Publisher } from '../../../runtime/publisher';
import { EventRegistry } from '../../../runtime/registry';
import { runBatch } from './batch';
import type { InboundRecord, RecordBinding } from './binding';
import { S3ClaimCheckStore } from './claim-check';
import { readAwsConfig, type AwsFunctionConfig } from './config';
import { deadLetterSender, type DeadLetterSender } from './dead-letter';
import { eventbridge } from './eventbridge';
import { DynamoDbIdempotencyStore } from './idempotency';
import { kinesis } from './kinesis';
import { DIRECT_MAX_ATTEMPTS } from '../limits';
import { publisherFor, type AwsClients } from './publisher';
import { sqs } from './sqs';
import { queueUrlOf, visibilityChanger, type VisibilityChanger } from './visibility';

/** What a test or `herald invoke` may inject; everything else comes from the config. */
export interface LambdaHandlerDeps {
  /** @default read from HERALD_AWS_CONFIG on the first invocation */
  readonly config?: AwsFunctionConfig;
  readonly env?: NodeJS.ProcessEnv;
  /** @default the config's publish target over the SDK */
  readonly publisher?: Publisher;
  readonly clients?: AwsClients;
  readonly idempotency?: IdempotencyStore;
  readonly claimCheck?: ClaimCheckStore;
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
  readonly pipelines: ChannelPipelines;
  readonly logger: Logger;
  readonly deadLetter: DeadLetterSender;
  readonly visibility: VisibilityChanger;
}

/** The Lambda handler running `definition` as configured by the deploy side. */
export function createLambdaHandler(definition: HandlerDefinition, deps: LambdaHandlerDeps = {}): LambdaHandler {
  let state: State | undefined;
  const init = (): State => {
    const config = deps.config ?? readAwsConfig(deps.env);
    if (config.kind !== 'function') throw new Error(`HERALD_AWS_CONFIG is for a ${config.kind} ingress, not a function`);
    const logger = deps.logger ?? createLogger({ fields: { function: config.name } });
    const shared = {
      functionName: config.name,
      handler: definition,
      registry: new EventRegistry(definition.events),
      publisher: deps.publisher ?? publisherFor(config.publishTo, deps.clients),
      timeoutMs: config.timeoutMs,
      allowedPublishes: config.allowedPublishes,
      logger,
      ...(deps.idempotency ? { idempotency: deps.idempotency } : config.idempotencyTable
        ? { idempotency: new DynamoDbIdempotencyStore({ table: config.idempotencyTable, inProgressSeconds: Math.ceil(config.timeoutMs / 1000) + 5 }) }
        : {}),
      ...(deps.claimCheck ? { claimCheck: deps.claimCheck } : config.claimCheckBucket ? { claimCheck: new S3ClaimCheckStore(config.claimCheckBucket) } : {}),
    };
    const pipelines = new ChannelPipelines(
      config.channels,
      (c) => new Pipeline({ ...shared, maxAttempts: c.maxAttempts, residual: c.residual, backoff: c.backoff }),
      // A function nothing subscribes, invoked by hand: Lambda's asynchronous bound.
      { subscription: config.name, sourceKey: 'direct:', types: [], maxAttempts: DIRECT_MAX_ATTEMPTS, residual: [], backoff: DEFAULT_BACKOFF },
    );
    return {
      config, pipelines, logger,
      deadLetter: deps.deadLetter ?? deadLetterSender(deps.clients?.sqs),
      visibility: deps.visibility ?? visibilityChanger(deps.clients?.sqs),
    };
  };

  return async (event) => {
    state ??= init();
    const binding = BINDINGS.find((b) => b.detect(event));
    if (!binding) {
      state.logger.error('unsupported trigger', { keys: Object.keys((event as object) ?? {}).slice(0, 10) });
      throw new Error(`${state.config.name}: not an SQS, Kinesis or EventBridge event`);
    }
    const records: InboundRecord[] = binding.decode(event);
    const failures = await runBatch(records, (r) => handleRecord(state!, r), { concurrency: deps.concurrency ?? 10 });
    return binding.respond(failures);
  };
}

/**
 * Sets an SQS record's visibility to the retry backoff, so it comes back after that delay rather than
 * after the whole visibility timeout. The seconds set, or undefined when not SQS or when SQS refused (the
 * record then comes back after the visibility timeout, which is still correct, only slower).
 */
async function delayRedelivery(state: State, record: InboundRecord, delayMs: number): Promise<number | undefined> {
  const queueUrl = record.receiptHandle && record.sourceArn ? queueUrlOf(record.sourceArn) : undefined;
  if (!queueUrl) return undefined;
  const seconds = Math.ceil(delayMs / 1000);
  try {
    await state.visibility(queueUrl, record.receiptHandle!, seconds);
    return seconds;
  } catch (error) {
    state.logger.warn('could not set the retry backoff; the record returns after the visibility timeout', { itemId: record.itemId, error: (error as Error).message });
    return undefined;
  }
}

/** One record through the pipeline: undefined when handled (or dead-lettered), else why it failed. */
async function handleRecord(state: State, record: InboundRecord): Promise<string | undefined> {
  const sourceKey = record.sourceArn ? state.config.sources[record.sourceArn] : undefined;
  const outcome = await state.pipelines.forDelivery(sourceKey, record.payload).process(record.payload, { attempt: record.attempt });
  if (outcome.kind === 'ok' || outcome.kind === 'filtered' || outcome.kind === 'duplicate') return undefined;
  const fields = { itemId: record.itemId, eventId: outcome.envelope?.id, type: outcome.envelope?.type, reason: outcome.reason };
  if (outcome.kind === 'deferred') {
    // Another copy holds the event: back after the delay, as a failed item (SQS counts the receive; the
    // pipeline counts attempts in the idempotency store, so this one is not an attempt).
    const delaySeconds = await delayRedelivery(state, record, outcome.delayMs);
    state.logger.info('record deferred; another delivery of its event is in flight', { ...fields, ...(delaySeconds !== undefined ? { delaySeconds } : {}) });
    return outcome.reason;
  }
  if (outcome.kind === 'retry') {
    const delaySeconds = await delayRedelivery(state, record, outcome.delayMs);
    state.logger.warn('record failed; it will be redelivered', { ...fields, attempt: record.attempt, ...(delaySeconds !== undefined ? { delaySeconds } : {}) });
    return outcome.reason;
  }
  const queueUrl = sourceKey !== undefined ? state.config.deadLetterQueues[sourceKey] : undefined;
  if (!queueUrl) {
    state.logger.error('record failed for good; left to the source\'s failure path', fields);
    return outcome.reason;
  }
  try {
    await state.deadLetter(queueUrl, record, outcome.reason, state.config.name);
    state.logger.warn('record dead-lettered', { ...fields, deadLetterQueue: queueUrl });
    return undefined;
  } catch (error) {
    state.logger.error('could not dead-letter the record; reported failed', { ...fields, error: (error as Error).message });
    return outcome.reason;
  }
}
