/**
 * How a Herald envelope travels over Pub/Sub, in one place so the publisher, the push binding and the
 * filter compiler agree. The CloudEvents binding for Pub/Sub in binary mode: message data = the event's
 * `data` as JSON bytes; every other attribute a message attribute named `ce-<attribute>`, except
 * `datacontenttype`, which travels as `content-type`; the ordering key = the channel's order key.
 * Subscription filters read attributes only, so `ce-type`, `ce-source`, `ce-subject` and the declared
 * extensions are what a filter can name (hyphenated keys need no quoting in the filter syntax).
 * No Google SDK here: pure functions.
 * @see https://github.com/google/knative-gcp/blob/main/docs/spec/pubsub-protocol-binding.md
 * @see https://cloud.google.com/pubsub/docs/subscription-message-filter
 */
import type { Envelope } from '../../../contracts';

/** The message attribute that carries an envelope attribute. */
export function pubsubAttributeName(field: string): string {
  return field === 'datacontenttype' ? 'content-type' : `ce-${field}`;
}

/**
 * The message attributes of an envelope: every attribute but `data`, as a string. Pub/Sub attribute
 * values are strings, and an empty one is dropped, so a filter sees it as absent, as on the other clouds.
 */
export function messageAttributes(envelope: Envelope): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(envelope)) {
    if (name === 'data' || value === undefined || value === null || value === '') continue;
    out[pubsubAttributeName(name)] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

/** The attribute prefix of the binary-mode binding. */
const CE_PREFIX = 'ce-';

/** A Pub/Sub message as Herald publishes it: the data bytes and the attributes. */
export interface WireMessage {
  readonly data: Buffer;
  readonly attributes: Record<string, string>;
}

/** The message of an envelope in binary mode: `data` as JSON bytes (none for a claim-checked event), the rest as attributes. */
export function messageOf(envelope: Envelope): WireMessage {
  const data = envelope.data === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(envelope.data));
  return { data, attributes: messageAttributes(envelope) };
}

/** What a message's bytes and attributes are, read back (see `envelopeOfMessage`). */
export type ReadMessage =
  /** A binary-mode message: the envelope rebuilt from the `ce-*` attributes, its data parsed from the bytes. */
  | { readonly mode: 'binary'; readonly envelope: Record<string, unknown> }
  /** A structured-mode message, or bytes that may be a CloudEvent: the JSON text, decoded by the pipeline. */
  | { readonly mode: 'structured'; readonly text: string };

/**
 * The CloudEvent a message carries. Binary mode (a `ce-specversion` attribute): the attributes named
 * `ce-<name>` become `<name>`, `content-type` becomes `datacontenttype`, other attributes are ignored, and
 * the data is the JSON the bytes hold (absent when there are none, as for a claim-checked event).
 * Otherwise the bytes are taken as the CloudEvents JSON format (structured mode, `content-type:
 * application/cloudevents+json`, or a producer that sends the JSON alone), for the pipeline to decode.
 * @throws SyntaxError when a binary-mode message's bytes are not JSON
 */
export function envelopeOfMessage(data: Buffer, attributes: Readonly<Record<string, string>>): ReadMessage {
  if (attributes[`${CE_PREFIX}specversion`] === undefined) return { mode: 'structured', text: data.toString('utf8') };
  const envelope: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith(CE_PREFIX)) envelope[name.slice(CE_PREFIX.length)] = value;
  }
  if (attributes['content-type'] !== undefined) envelope.datacontenttype = attributes['content-type'];
  if (data.length) envelope.data = JSON.parse(data.toString('utf8'));
  return { mode: 'binary', envelope };
}
