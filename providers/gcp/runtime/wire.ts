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
