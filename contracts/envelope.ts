/**
 * The CloudEvents 1.0 envelope every event travels in, with Herald's extension attributes.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export interface Envelope<T = unknown> {
  readonly specversion: '1.0';
  /** Unique per event; the idempotency key. */
  readonly id: string;
  readonly source: string;
  /** Wire type `Name.vN`. */
  readonly type: string;
  /** RFC 3339 timestamp. */
  readonly time: string;
  readonly subject?: string;
  readonly datacontenttype: 'application/json';
  readonly dataschema?: string;
  readonly data: T;
  /** The id shared by every event caused, directly or not, by one originating request. */
  readonly correlationid?: string;
  /** The `id` of the event whose handler published this one. */
  readonly causationid?: string;
  /** W3C trace context. @see https://www.w3.org/TR/trace-context/#traceparent-header */
  readonly traceparent?: string;
  /** Claim check: where the data is stored when it is too large to travel inline. */
  readonly dataref?: string;
  /** Declared extension attributes (lower-case alphanumeric names), e.g. `contenttype`. */
  readonly [extension: string]: unknown;
}

/** Attributes that are not extensions. */
export const CORE_ATTRIBUTES = new Set([
  'specversion', 'id', 'source', 'type', 'time', 'subject', 'datacontenttype', 'dataschema', 'data',
]);

/** Herald's own extension attributes, carried by every transport. */
export const HERALD_EXTENSIONS = ['correlationid', 'causationid', 'traceparent', 'dataref'] as const;

/** Media types of the CloudEvents JSON format. */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json';
export const CLOUDEVENTS_BATCH_JSON = 'application/cloudevents-batch+json';

/** The string attributes filters read: core ones and every extension whose value is a string. */
export function attributeOf(envelope: Envelope, name: string): string | undefined {
  const value = envelope[name];
  return typeof value === 'string' ? value : undefined;
}
