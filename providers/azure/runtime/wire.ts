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

/**
 * Herald's own application properties on a Service Bus message it resends (runtime/settlement.ts). Lower
 * case: the Functions Node.js library camel-cases the first letter of every trigger metadata key.
 */
export const RESEND_PROPERTIES = {
  /** Attempts made on the event before this copy was sent (absent on a first delivery). */
  attempts: 'herald_attempts',
  /**
   * On a copy resent to a topic: the one subscription it is for. Every subscription's rule admits a copy
   * for it and refuses copies for the others (`subscriptionRuleSql`), so a retry reaches one subscriber.
   */
  subscription: 'herald_subscription',
} as const;

/**
 * A topic subscription's SQL rule with Herald's resend routing around the compiled filter: a first
 * delivery (no `herald_subscription`) passes when the filter does; a resent copy passes only at the
 * subscription it names. Names are `[a-z0-9-]`, quoted all the same.
 * @param filterSql the filter compiled for the subscription (`1=1` when it has none)
 * @see https://learn.microsoft.com/azure/service-bus-messaging/service-bus-messaging-sql-filter
 */
export function subscriptionRuleSql(filterSql: string, subscription: string): string {
  const name = `'${subscription.replace(/'/g, "''")}'`;
  return `(${RESEND_PROPERTIES.subscription} IS NULL AND (${filterSql})) OR ${RESEND_PROPERTIES.subscription} = ${name}`;
}
