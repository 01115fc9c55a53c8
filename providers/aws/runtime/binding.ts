/**
 * The shape every AWS trigger binding has, in the style of the CloudEvents SDK bindings: a plain object
 * of pure functions. `detect` recognises the native event, `decode` turns it into records the pipeline
 * reads, `encode` builds the native event from envelopes (tests, `herald invoke`, round trips) and
 * `respond` builds the native answer from the records that failed.
 */
import type { Envelope } from '../../../contracts';

/** One delivery of a batch, in the neutral form the entry runs through the pipeline. */
export interface InboundRecord {
  /** What a partial-failure answer names: SQS `messageId`, Kinesis/DynamoDB sequence number. */
  readonly itemId: string;
  /** The CloudEvent: JSON text (or a parsed object), unwrapped from EventBridge/SNS wrappers. */
  readonly payload: string | object;
  /** 1 on the first delivery; 1 when the transport does not count. */
  readonly attempt: number;
  /** Records with the same key are handled in order, and a failure fails the later ones. */
  readonly orderKey?: string;
  /** The queue or stream ARN the record came from (selects its dead-letter queue). */
  readonly sourceArn?: string;
  /** SQS: the receipt handle, to delay the record's redelivery by the backoff. */
  readonly receiptHandle?: string;
  /** The native body as received, forwarded as it is to a dead-letter queue. */
  readonly rawBody: string;
}

/** A record that did not succeed, with the reason that is logged and attached to its dead letter. */
export interface RecordFailure {
  readonly itemId: string;
  readonly reason: string;
}

/** A batch trigger: SQS, Kinesis, EventBridge (a batch of one). */
export interface RecordBinding<Native, Response> {
  readonly name: string;
  detect(event: unknown): event is Native;
  decode(event: Native): InboundRecord[];
  encode(envelopes: readonly Envelope[]): Native;
  respond(failures: readonly RecordFailure[]): Response;
}

/** Whether `value` is a non-null object with a `Records` array whose first record has `eventSource`. */
export function hasRecordsFrom(value: unknown, eventSource: string): boolean {
  const records = (value as { Records?: unknown } | null)?.Records;
  return Array.isArray(records) && records.length > 0 && (records[0] as { eventSource?: unknown })?.eventSource === eventSource;
}
