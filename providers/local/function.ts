/**
 * A function on the local runtime: its concurrency limit (a gate every channel feeding it passes through)
 * and the one place deliveries are run and reported. The timeout is enforced by the pipeline: a handler
 * past its deadline ends in a `retry` (or `dead-letter`) outcome like any other failure.
 */
import type { Envelope, EventDefinition, Ref } from '../../contracts';
import { describe, type Outcome, type Pipeline } from '../../runtime';
import { Gate } from './gate';
import type { Consumer } from './transport';

/** What one delivery did, as `/traces` and `herald dev` show it. */
export interface DeliveryRecord {
  readonly function: string;
  readonly subscription: string;
  readonly type: string;
  readonly id: string;
  readonly correlationid: string;
  /** The id of the event whose handler published this one (absent for an event from outside: a request, a schedule, a trigger). */
  readonly causationid?: string | undefined;
  /** 1-based, as the pipeline counted it (copies of one event share its attempts); 0 for `filtered` (the event was never delivered). */
  readonly attempt: number;
  /** `deferred`: another copy of the event held it, so this one comes back later (not an attempt). */
  readonly outcome: 'ok' | 'retry' | 'dead-letter' | 'filtered' | 'duplicate' | 'deferred';
  readonly durationMs: number;
  /** Epoch ms when the attempt started. */
  readonly at: number;
  /** For `retry`: the backoff before the next attempt; for `deferred`: the wait before it comes back. */
  readonly delayMs?: number;
  /** For `retry` and `dead-letter`: what went wrong; for `deferred`: why it waits. */
  readonly reason?: string;
}

export type DeliveryListener = (record: DeliveryRecord) => void;

/**
 * A function: one gate, one reporting point, a consumer per subscription. Each delivery is reported
 * before its outcome is answered; what the handler published (the outcome's `published`) is sent on by
 * the transport only after that, so traces and the dev log read in causal order: charge-payment ok, then
 * send-confirmation.
 */
export class LocalFunction {
  readonly gate: Gate;

  /**
   * @param publishTo the function's bus or topic (`publishes.to`), where its consumers' published events go
   */
  constructor(
    readonly name: string,
    concurrency: number | undefined,
    private readonly report: DeliveryListener,
    private readonly publishTo?: Ref<'bus' | 'topic'>,
  ) {
    this.gate = new Gate(concurrency ?? Infinity);
  }

  /**
   * The consumer for one subscription's pipeline. `pipeline` is read at each delivery: a hot reload
   * replaces it (LocalRuntime.swapCode) while the transport keeps this consumer.
   */
  consumer(subscription: string, pipeline: () => Pipeline): Consumer {
    const deliver = (envelope: Envelope, attempt: number, checkedBy?: EventDefinition<any>) => this.run(subscription, pipeline(), envelope, attempt, checkedBy);
    return this.publishTo
      ? { function: this.name, subscription, gate: this.gate, publishTo: this.publishTo, deliver }
      : { function: this.name, subscription, gate: this.gate, deliver };
  }

  // Not an async function: one `then` instead of an async frame's extra microtask hops, once per delivery.
  private run(subscription: string, pipeline: Pipeline, envelope: Envelope, attempt: number, checkedBy: EventDefinition<any> | undefined): Promise<Outcome> {
    const started = performance.now();
    return pipeline.process(envelope, checkedBy ? { attempt, checkedBy } : { attempt }).then(
      (outcome) => this.done(subscription, envelope, attempt, started, outcome),
      // The pipeline promises never to reject; if it ever does, keep the event where it can be redriven.
      (error: unknown) => this.done(subscription, envelope, attempt, started, {
        kind: 'dead-letter', envelope, reason: `internal error: ${describe(error)}`, error, durationMs: 0,
      }),
    );
  }

  private done(subscription: string, envelope: Envelope, attempt: number, started: number, outcome: Outcome): Outcome {
    // One object shape for every record (no conditional spreads): this runs once per delivery.
    this.report({
      function: this.name,
      subscription,
      type: envelope.type,
      id: envelope.id,
      correlationid: envelope.correlationid ?? envelope.id,
      causationid: envelope.causationid,
      attempt: (outcome as { attempt?: number }).attempt ?? attempt,
      outcome: outcome.kind,
      durationMs: performance.now() - started,
      at: performance.timeOrigin + started,
      delayMs: outcome.kind === 'retry' || outcome.kind === 'deferred' ? outcome.delayMs : undefined,
      reason: outcome.kind === 'retry' || outcome.kind === 'dead-letter' || outcome.kind === 'deferred' ? outcome.reason : undefined,
    });
    return outcome;
  }
}
