/**
 * EventBridge events delivered straight to a function (a direct subscription: an asynchronous invoke).
 * The envelope travels in `detail`. There is no partial-failure answer: a failure is signalled by
 * throwing, so Lambda's asynchronous retries and the on-failure destination take over.
 * @see https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 */
import type { EventBridgeEvent } from 'aws-lambda';
import type { Envelope } from '../../../contracts';
import type { RecordBinding } from './binding';
import { isEventBridgeEvent } from './wire';

/** What a direct subscription's function returns when the event was handled (Lambda ignores it). */
export interface EventBridgeResult {
  readonly status: 'ok';
}

/** The error a failed direct delivery throws: its message is the reason Lambda records. */
export class EventBridgeDeliveryError extends Error {
  constructor(readonly failures: readonly { itemId: string; reason: string }[]) {
    super(failures.map((f) => `event ${f.itemId}: ${f.reason}`).join('; '));
    this.name = 'EventBridgeDeliveryError';
  }
}

export const eventbridge: RecordBinding<EventBridgeEvent<string, unknown>, EventBridgeResult> = {
  name: 'eventbridge',
  detect: (event: unknown): event is EventBridgeEvent<string, unknown> => isEventBridgeEvent(event) && !('Records' in (event as object)),
  decode: (event) => [{
    itemId: event.id,
    payload: typeof event.detail === 'string' ? event.detail : (event.detail as object),
    attempt: 1,
    rawBody: JSON.stringify(event),
  }],
  encode: (envelopes) => {
    if (envelopes.length !== 1) throw new RangeError(`EventBridge invokes a function with one event, not ${envelopes.length}`);
    const e: Envelope = envelopes[0]!;
    return {
      version: '0', id: e.id, 'detail-type': e.type, source: e.source, account: '000000000000',
      time: e.time, region: 'us-east-1', resources: [], detail: e,
    };
  },
  respond: (failures) => {
    if (failures.length) throw new EventBridgeDeliveryError(failures);
    return { status: 'ok' };
  },
};
