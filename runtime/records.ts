/**
 * One inbound record through the pipeline of its channel, its outcome settled on the transport it came
 * from (runtime/settlement.ts), the same on every target. A record that cannot be decoded or validated, or
 * whose handler gives up (NonRetryableError, attempts spent), goes to its channel's dead-letter target
 * with the reason and counts as handled; without one it is reported failed. A failure with attempts left
 * is reported failed, to come back after the backoff; so is one deferred because another delivery of its
 * event is in flight (not an attempt). Each is logged with its reason; none fails the
 * whole batch.
 */
import type { Envelope } from '../contracts/envelope';
import type { Logger } from '../contracts/handler';
import type { RecordHandler } from './batch';
import type { InboundRecord } from './binding';
import type { ChannelPipelines } from './channels';
import type { Pipeline } from './pipeline';
import type { Settlement } from './settlement';

export interface RecordRunner {
  readonly pipelines: ChannelPipelines;
  readonly settlement: Settlement;
  readonly logger: Logger;
}

/** Handles one record: undefined when handled (or dead-lettered), else why it failed (for the batch answer). */
export function recordHandler({ pipelines, settlement, logger }: RecordRunner): RecordHandler {
  // The pipeline marked the event given up on: a copy that comes back would be acknowledged as a duplicate.
  // When it did not reach its dead-letter target, that mark is forgotten, so the record's return (or the
  // source's own failure path, which needs it to keep failing) still ends in a dead letter: nothing is lost.
  const forgetGivenUp = async (pipeline: Pipeline, record: InboundRecord, envelope: Envelope | undefined) => {
    if (!envelope) return;
    try {
      await pipeline.forget(envelope);
    } catch (error) {
      logger.error('could not forget the given-up event; its return may be taken for a duplicate', { itemId: record.itemId, eventId: envelope.id, error: (error as Error).message });
    }
  };
  return async (record: InboundRecord) => {
    const pipeline = pipelines.forDelivery(record.channel, record.payload);
    const outcome = await pipeline.process(record.payload, { attempt: record.attempt });
    if (outcome.kind === 'ok' || outcome.kind === 'filtered' || outcome.kind === 'duplicate') return undefined;
    const fields = { itemId: record.itemId, eventId: outcome.envelope?.id, type: outcome.envelope?.type, reason: outcome.reason };
    if (outcome.kind === 'retry' || outcome.kind === 'deferred') {
      let delayMs: number | undefined;
      try {
        delayMs = await settlement.retryAfter(record, outcome.delayMs);
      } catch (error) {
        logger.warn('could not set the retry backoff; the record returns on the source\'s own schedule', { itemId: record.itemId, error: (error as Error).message });
      }
      const when = delayMs !== undefined ? { delayMs } : {};
      // Deferred: another delivery of the same event holds it; this one is not an attempt (the idempotency
      // store counts attempts per event), so it comes back without being logged as a failure.
      if (outcome.kind === 'deferred') logger.info('record deferred; another delivery of its event is in flight', { ...fields, ...when });
      else logger.warn('record failed; it will be redelivered', { ...fields, attempt: outcome.attempt ?? record.attempt, ...when });
      return outcome.reason;
    }
    let target: string | undefined;
    try {
      target = await settlement.deadLetter(record, outcome.reason);
    } catch (error) {
      logger.error('could not dead-letter the record; reported failed', { ...fields, error: (error as Error).message });
      await forgetGivenUp(pipeline, record, outcome.envelope);
      return outcome.reason;
    }
    if (target === undefined) {
      logger.error('record failed for good; left to the source\'s failure path', fields);
      await forgetGivenUp(pipeline, record, outcome.envelope);
      return outcome.reason;
    }
    logger.warn('record dead-lettered', { ...fields, deadLetter: target });
    return undefined;
  };
}
