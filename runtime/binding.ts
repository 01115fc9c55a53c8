/**
 * The shape of a trigger binding on every target, in the style of the CloudEvents SDK bindings: a plain
 * object of pure functions. `detect` recognises the platform's native event, `decode` turns it into
 * neutral records the pipeline reads, `encode` builds the native event from envelopes (tests, `herald
 * invoke` samples, round trips) and `respond` builds the native answer from the records that failed.
 * What a binding maps onto the record is the platform's business; what the record says is not: which
 * channel of the delivery plan it came through, and a token its settlement can act on.
 */
import type { Envelope } from '../contracts/envelope';

/** One delivery of a batch, in the neutral form the entry runs through the pipeline. */
export interface InboundRecord {
  /** What a partial-failure answer names (a message id, a sequence number). */
  readonly itemId: string;
  /** The CloudEvent: JSON text (or a parsed object), unwrapped from any transport wrapper. */
  readonly payload: string | object;
  /** 1 on the first delivery; 1 when the transport does not count. */
  readonly attempt: number;
  /** Records with the same key are handled in order, and a failure fails the later ones. */
  readonly orderKey?: string;
  /**
   * The delivery plan's source key of the source it came from (`queue:<name>`, `stream:<name>`), which
   * selects its channel and its dead-letter target. Undefined for a push, which names no source, and for
   * a source the function's config does not know (a hand-made event).
   */
  readonly channel?: string;
  /**
   * What the target's settlement needs to act on this one delivery (make it return later): opaque to
   * everything but the binding that made it and that target's settlement. Undefined when the transport
   * offers nothing per delivery.
   */
  readonly token?: string;
  /** The native body as received, forwarded as it is to a dead-letter target. */
  readonly rawBody: string;
}

/** A record that did not succeed, with the reason that is logged and attached to its dead letter. */
export interface RecordFailure {
  readonly itemId: string;
  readonly reason: string;
}

/** How a target names the sources a function reads (their native ids) → the delivery plan's source keys. */
export type SourceKeys = Readonly<Record<string, string>>;

/** What `encode` may be told about the native event it builds. */
export interface EncodeOptions {
  /** The native id of the source the records come from (so `decode` finds their channel). @default a placeholder */
  readonly source?: string;
  /** The ordering key (an attribute or `data.<path>`, read by runtime/order-key.ts) the records carry. @default none */
  readonly orderKey?: string;
}

/** A batch trigger (a batch of one for a push). */
export interface RecordBinding<Native, Response> {
  readonly name: string;
  detect(event: unknown): event is Native;
  /** @param sources the function's sources, which name each record's channel @default none */
  decode(event: Native, sources?: SourceKeys): InboundRecord[];
  encode(envelopes: readonly Envelope[], options?: EncodeOptions): Native;
  respond(failures: readonly RecordFailure[]): Response;
}
