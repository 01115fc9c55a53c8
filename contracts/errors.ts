/**
 * Named errors. Each sets `name`, accepts `cause`, and carries the data a caller needs to act
 * (the offending field, the cloud, the reason) so messages never have to be parsed.
 */

/** Base class: every error Herald throws on purpose is a HeraldError. */
export class HeraldError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A handler throws this to send the event to the dead-letter path at once, without retries. */
export class NonRetryableError extends HeraldError {}

/** Bytes that cannot be read as a Herald envelope (not JSON, wrong specversion, missing attributes). */
export class EnvelopeDecodeError extends HeraldError {}

/** An envelope whose `type` no definition in the registry knows. */
export class UnknownEventTypeError extends HeraldError {
  constructor(readonly eventType: string, options?: ErrorOptions) {
    super(`unknown event type "${eventType}"`, options);
  }
}

/**
 * Event data that does not satisfy its definition's schema. `issues` are zod's, flattened to strings: at
 * most the first MAX_LISTED_PROBLEMS of them (see limits.ts); `total` counts them all.
 */
export class SchemaValidationError extends HeraldError {
  readonly total: number;

  constructor(readonly eventType: string, readonly issues: readonly string[], options?: ErrorOptions & { readonly total?: number }) {
    super(`${eventType} data is invalid: ${issues.join('; ')}${andMore(issues.length, options?.total)}`, options);
    this.total = Math.max(options?.total ?? 0, issues.length);
  }
}

/** The tail of a message that lists `listed` problems of `total`: how many it left out. */
export function andMore(listed: number, total = listed): string {
  return total > listed ? `; and ${total - listed} more (${total} problems in all)` : '';
}

/** An event larger than the portable limit (see limits.ts) with no claim-check store to offload it to. */
export class OversizeEventError extends HeraldError {
  constructor(readonly bytes: number, readonly limit: number, options?: ErrorOptions) {
    super(`event is ${bytes} bytes, over the ${limit}-byte limit`, options);
  }
}

/** A handler that ran past its function's timeout. Counts as a failed (retryable) attempt. */
export class HandlerTimeoutError extends HeraldError {
  constructor(readonly timeoutMs: number, options?: ErrorOptions) {
    super(`handler did not finish within ${timeoutMs} ms`, options);
  }
}

/** A handler published an event its function did not declare in `publishes` (least privilege, everywhere). */
export class UndeclaredPublishError extends HeraldError {}

/** A webhook request whose signature is missing, malformed, wrong or outside the tolerance. */
export class SignatureError extends HeraldError {}

/** One problem in a topology, naming the offending field, e.g. `functions[charge-payment].timeout`. */
export abstract class TopologyIssue extends HeraldError {
  constructor(readonly field: string, detail: string, options?: ErrorOptions) {
    super(`[${field}] ${detail}`, options);
  }
}
/** A reference to a resource or event the topology does not declare. */
export class UnknownReferenceError extends TopologyIssue {}
/** Two resources of the same kind (or two functions) with one name. */
export class DuplicateNameError extends TopologyIssue {}
/** A name over the portable length or outside the portable charset. */
export class InvalidNameError extends TopologyIssue {}
/** A cron expression that is not a portable 5-field cron. */
export class InvalidCronError extends TopologyIssue {}
/** A filter outside the portable filter subset every cloud compiles natively. */
export class UnportableFilterError extends TopologyIssue {}
/** `maxAttempts` outside the range every cloud honours. */
export class AttemptsOutOfRangeError extends TopologyIssue {}
/** Timeouts that cannot fit together (a lease shorter than its consumer's timeout allows, a function over the longest timeout, …). */
export class TimeoutMismatchError extends TopologyIssue {}
/** Any other option with a value out of its documented range or of the wrong form. */
export class InvalidOptionError extends TopologyIssue {}

/** Every problem of a topology at once, thrown by `assertValidTopology`. */
export class TopologyError extends HeraldError {
  constructor(readonly issues: readonly TopologyIssue[]) {
    super(`the topology has ${issues.length} problem(s):\n${issues.map((i) => `  - ${i.message}`).join('\n')}`);
  }
}

/** A kind or option the chosen cloud cannot honour. */
export class UnsupportedFeatureError extends HeraldError {
  constructor(readonly cloud: string, readonly kind: string, readonly option: string, detail = '') {
    super(`${cloud} cannot realize ${kind} option "${option}"${detail ? `: ${detail}` : ''}`);
  }
}
