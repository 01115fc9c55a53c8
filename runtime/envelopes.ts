/** Building the envelopes of new events: ids, correlation, causation, trace and declared extensions. */
import {
  MAX_EVENT_BYTES, OversizeEventError, type Envelope, type EventDefinition, type PublishOptions,
} from '../contracts';
import type { ClaimCheckStore } from './claim-check';
import { exceedsLimit } from './codec';
import { childTraceparent, derivedEventId, newEventId } from './ids';
import { parseData } from './registry';

/** The event being handled, when a new event is published from a handler. */
export interface Cause {
  readonly envelope: Envelope;
  readonly functionName: string;
  /** How many events this handler has published so far (for deterministic ids). */
  readonly index: number;
}

export interface NewEventOptions extends PublishOptions {
  /** Correlation id for an event with no cause (an ingress request). @default the event's own id */
  readonly correlationId?: string;
  readonly traceparent?: string;
  readonly time?: string;
}

/**
 * A new envelope for `data`, checked against the definition.
 * @throws SchemaValidationError
 */
export function newEnvelope<T>(definition: EventDefinition<T>, data: T, options: NewEventOptions = {}, cause?: Cause): Envelope<T> {
  const checked = parseData(definition, data) as T;
  const parent = cause?.envelope;
  const id = options.id ?? (cause ? derivedEventId(parent!.id, cause.functionName, cause.index) : newEventId());
  const envelope: Record<string, unknown> = {
    specversion: '1.0',
    id,
    source: definition.source,
    type: definition.wireType,
    time: options.time ?? new Date().toISOString(),
    datacontenttype: 'application/json',
    correlationid: parent ? (parent.correlationid ?? parent.id) : (options.correlationId ?? id),
    traceparent: childTraceparent(parent?.traceparent ?? options.traceparent),
    data: checked,
  };
  if (options.subject !== undefined) envelope.subject = options.subject;
  if (parent) envelope.causationid = parent.id;
  for (const [name, compute] of Object.entries(definition.extensions)) {
    const value = compute(checked);
    if (value !== undefined) envelope[name] = value;
  }
  return envelope as unknown as Envelope<T>;
}

/**
 * Offloads the data of an envelope over the size limit to the claim-check store.
 * @throws OversizeEventError when it is too large and there is no store.
 */
export async function fitToLimit(envelope: Envelope, store?: ClaimCheckStore): Promise<Envelope> {
  const bytes = exceedsLimit(JSON.stringify(envelope), MAX_EVENT_BYTES);
  if (bytes === undefined) return envelope;
  if (!store) throw new OversizeEventError(bytes, MAX_EVENT_BYTES);
  const { data, ...rest } = envelope;
  const dataref = await store.put(envelope.id, JSON.stringify(data));
  return { ...rest, dataref } as Envelope;
}
