/**
 * One inbound record through the pipeline of its channel, its outcome settled on Azure (the Azure form of
 * runtime/records.ts, which it follows, but answering each record's outcome: the host only knows success
 * or failure, and `herald invoke` prints the outcome):
 * - ok, filtered, duplicate: the host completes it (returns normally);
 * - retry (or deferred: another delivery holds the event): resent after the backoff where the source
 *   allows it (settlement.ts), else the invocation fails and the platform redelivers it (`abandon`);
 * - dead-letter: written to the dead-letter container with the reason (dead-letter.ts), then completed.
 * A stream record is retried in place instead (`retryInPlace`): the Event Hubs trigger checkpoints
 * whatever the function answers, so nothing comes back by itself. Each outcome is logged with its reason.
 */
import type { Logger } from '../../../contracts';
import type { InboundRecord } from '../../../runtime/binding';
import type { ChannelPipelines } from '../../../runtime/channels';
import type { Outcome } from '../../../runtime/pipeline';
import type { DeadLetterWriter } from './dead-letter';
import type { Resender } from './settlement';

/** What `herald invoke --cloud azure` prints per message. */
export interface OutcomeLine {
  readonly outcome: 'ok' | 'retry' | 'dead-letter' | 'filtered' | 'duplicate';
  readonly reason?: string;
  /** When a retry comes back (a scheduled resend, a backoff in place). */
  readonly retryAfterMs?: number;
  /** The attempt as the pipeline counted it. */
  readonly attempt?: number;
}

/** A record's outcome, and whether the invocation must fail so the platform redelivers it. */
export interface Settled {
  readonly line: OutcomeLine;
  readonly abandon: boolean;
}

export interface OutcomeRunner {
  readonly pipelines: ChannelPipelines;
  readonly logger: Logger;
  readonly deadLetter: DeadLetterWriter;
  /** @default none: every retry is the platform's (abandon) */
  readonly resend?: Resender;
}

/** Runs one delivery of a record through its pipeline. */
export function processRecord(runner: OutcomeRunner, record: InboundRecord, attempt = record.attempt): Promise<Outcome> {
  return runner.pipelines.forDelivery(record.channel, record.payload).process(record.payload, { attempt });
}

/** Settles one record's outcome (see the file header). Never rejects. */
export async function settle(runner: OutcomeRunner, record: InboundRecord, outcome: Outcome): Promise<Settled> {
  const { logger } = runner;
  if (outcome.kind === 'ok' || outcome.kind === 'filtered' || outcome.kind === 'duplicate') {
    return { line: { outcome: outcome.kind, ...(outcome.kind === 'ok' && outcome.attempt !== undefined ? { attempt: outcome.attempt } : {}) }, abandon: false };
  }
  const fields = { itemId: record.itemId, eventId: outcome.envelope?.id, type: outcome.envelope?.type, reason: outcome.reason };
  if (outcome.kind === 'retry' || outcome.kind === 'deferred') {
    // A deferred copy made no attempt: its resend carries the attempts spent before it.
    const spent = outcome.kind === 'retry' ? outcome.attempt ?? record.attempt : record.attempt - 1;
    let delayMs: number | undefined;
    try {
      delayMs = await runner.resend?.(record, outcome.delayMs, spent);
    } catch (error) {
      logger.warn('could not resend the record; it is abandoned and comes back at once', { ...fields, error: (error as Error).message });
    }
    const line: OutcomeLine = {
      outcome: 'retry', reason: outcome.reason, ...(delayMs !== undefined ? { retryAfterMs: delayMs } : {}),
      ...(outcome.kind === 'retry' ? { attempt: spent } : {}),
    };
    if (outcome.kind === 'deferred') logger.info('record deferred; another delivery of its event is in flight', { ...fields, ...(delayMs !== undefined ? { delayMs } : {}) });
    else logger.warn('record failed; it will be redelivered', { ...fields, attempt: spent, ...(delayMs !== undefined ? { delayMs } : {}) });
    return { line, abandon: delayMs === undefined };
  }
  const attempt = outcome.attempt ?? record.attempt;
  const line: OutcomeLine = { outcome: 'dead-letter', reason: outcome.reason, attempt };
  try {
    const target = await runner.deadLetter(record, outcome.reason, {
      attempt, ...(outcome.envelope?.id ? { eventId: outcome.envelope.id } : {}), ...(outcome.envelope?.type ? { type: outcome.envelope.type } : {}),
    });
    logger.warn('record dead-lettered', { ...fields, deadLetter: target });
    return { line, abandon: false };
  } catch (error) {
    logger.error('could not dead-letter the record; it is abandoned and comes back', { ...fields, error: (error as Error).message });
    return { line, abandon: true };
  }
}

export interface InPlaceOptions {
  /** Epoch ms by which the record must be settled (the invocation's end, less the margin to settle). */
  readonly deadline: number;
  /** The longest one attempt may take (the handler's timeout). */
  readonly attemptMs: number;
  /** @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * Runs a record's attempts one after another, waiting the backoff between them, until it succeeds, is
 * dead-lettered (the pipeline gives up after the channel's attempts) or the invocation's time would run
 * out before another attempt could finish: then it is abandoned (the invocation fails, and the trigger's
 * retry policy runs the batch again).
 */
export async function retryInPlace(runner: OutcomeRunner, record: InboundRecord, o: InPlaceOptions): Promise<Settled> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = o.now ?? Date.now;
  for (let attempt = record.attempt; ; attempt++) {
    const outcome = await processRecord(runner, record, attempt);
    if (outcome.kind !== 'retry' && outcome.kind !== 'deferred') return settle(runner, record, outcome);
    if (now() + outcome.delayMs + o.attemptMs > o.deadline) {
      runner.logger.warn('record not settled within the invocation; the batch will be retried', { itemId: record.itemId, eventId: outcome.envelope.id, reason: outcome.reason });
      return { line: { outcome: 'retry', reason: outcome.reason, ...(outcome.kind === 'retry' && outcome.attempt !== undefined ? { attempt: outcome.attempt } : {}) }, abandon: true };
    }
    runner.logger.warn('record failed; retrying in place', { itemId: record.itemId, eventId: outcome.envelope.id, attempt, delayMs: outcome.delayMs, reason: outcome.reason });
    await sleep(outcome.delayMs);
    // A deferred delivery made no attempt: the next one has the same number.
    if (outcome.kind === 'deferred') attempt--;
  }
}
