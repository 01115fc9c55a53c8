/**
 * How a Herald envelope travels over Azure transports, in one place so the publisher, the bindings and
 * the filter compilers agree:
 * - Event Grid (custom topic, input and delivery schema `CloudEventSchemaV1_0`): the CloudEvent itself,
 *   structured JSON. Advanced filters read its attributes by name (`type`, `source`, `subject`, an
 *   extension's own name) and `data.<path>`.
 * - Service Bus (queue or topic): body = the CloudEvent JSON (`contentType` `application/cloudevents+json`),
 *   `messageId` = the event id (duplicate detection), `sessionId` = the order key on a session queue.
 *   The filterable attributes are promoted to application properties named by the CloudEvents AMQP
 *   binding's `cloudEvents_` prefix (the form SQL filters can name without brackets). An event Event
 *   Grid forwards into a queue carries no such properties: it is read from the body.
 * - Event Hubs: body = the CloudEvent JSON, partition key = the order key.
 * No Azure SDK here: pure functions.
 * @see https://github.com/cloudevents/spec/blob/main/cloudevents/bindings/amqp-protocol-binding.md
 */
import { CORE_ATTRIBUTES, HERALD_EXTENSIONS, type Envelope } from '../../../contracts';

/** The Service Bus application property that carries an envelope attribute. */
export function serviceBusPropertyName(field: string): string {
  return `cloudEvents_${field}`;
}

const NOT_PROMOTED = new Set<string>([...CORE_ATTRIBUTES, ...HERALD_EXTENSIONS]);

/**
 * The attributes filters may read, promoted to Service Bus application properties: type, source,
 * subject and every declared extension with a string value (an empty string is not promoted, so a
 * filter sees it as absent, as on the other clouds).
 */
export function promotedProperties(envelope: Envelope): Record<string, string> {
  const out: Record<string, string> = {
    [serviceBusPropertyName('type')]: envelope.type, [serviceBusPropertyName('source')]: envelope.source,
  };
  if (typeof envelope.subject === 'string' && envelope.subject !== '') out[serviceBusPropertyName('subject')] = envelope.subject;
  for (const [name, value] of Object.entries(envelope)) {
    if (!NOT_PROMOTED.has(name) && typeof value === 'string' && value !== '') out[serviceBusPropertyName(name)] = value;
  }
  return out;
}
