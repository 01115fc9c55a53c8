/**
 * The settlement port: how the entry of a function acts on a delivery that did not succeed, on the
 * transport it came from. The entry decides (from the pipeline's outcome) and the port carries it out:
 * - `retryAfter`: the delivery is reported failed and comes back; the port makes it come back after the
 *   pipeline's backoff rather than on the transport's own schedule (a lease running out, a fixed delay);
 * - `deadLetter`: the delivery is given up on now (bad input, a non-retryable error, attempts spent) and
 *   moved to its channel's dead-letter target with the reason, instead of being redelivered until the
 *   transport gives up by itself.
 * Each target implements it over its own transport; the runtime never names one.
 */
import type { InboundRecord } from './binding';

export interface Settlement {
  /**
   * Makes `record` come back after about `delayMs`.
   * @returns the delay set, in ms (the transport may round it), or undefined when this delivery cannot be
   *   delayed (no token; a transport that redelivers in order): it then comes back on the transport's own
   *   schedule, which is still correct, only slower.
   * @throws when the transport refused it
   */
  retryAfter(record: InboundRecord, delayMs: number): Promise<number | undefined>;
  /**
   * Moves `record` to its channel's dead-letter target now, its native body unchanged, with the reason.
   * @returns the target it went to (for the log), or undefined when its channel has none here: the record
   *   is then reported failed, and the source's own failure path takes it.
   * @throws when the target refused it
   */
  deadLetter(record: InboundRecord, reason: string): Promise<string | undefined>;
}
