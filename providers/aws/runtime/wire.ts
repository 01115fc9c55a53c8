/**
 * How a Herald envelope travels over AWS transports, in one place so the publisher, the bindings and the
 * filter compiler agree:
 * - EventBridge: `Source` = source, `DetailType` = wire type, `Detail` = the whole CloudEvent JSON. A rule
 *   target (SQS queue, Kinesis stream) receives the whole EventBridge event, the CloudEvent in `detail`.
 * - SNS: body = the CloudEvent JSON; attributes `ce_type`, `ce_source`, `ce_subject` and each declared
 *   extension under its own name. Without raw delivery, SQS receives SNS's notification JSON instead.
 * - SQS and Kinesis: body/data = the CloudEvent JSON.
 * No AWS SDK here: pure functions.
 */
import { CORE_ATTRIBUTES, HERALD_EXTENSIONS, type Envelope } from '../../../contracts';

/** The SNS message attribute that carries an envelope attribute. */
export function snsAttributeName(field: string): string {
  return field === 'type' || field === 'source' || field === 'subject' ? `ce_${field}` : field;
}

const NOT_PROMOTED = new Set<string>([...CORE_ATTRIBUTES, ...HERALD_EXTENSIONS]);

/**
 * The attributes filters may read, promoted to SNS message attributes: type, source, subject and every
 * declared extension with a string value. SNS rejects empty attribute values, so an empty string is
 * not promoted (a filter then sees the attribute as absent).
 */
export function promotedAttributes(envelope: Envelope): Record<string, string> {
  const out: Record<string, string> = { ce_type: envelope.type, ce_source: envelope.source };
  if (typeof envelope.subject === 'string' && envelope.subject !== '') out.ce_subject = envelope.subject;
  for (const [name, value] of Object.entries(envelope)) {
    if (!NOT_PROMOTED.has(name) && typeof value === 'string' && value !== '') out[name] = value;
  }
  return out;
}

/** Whether a parsed value is an EventBridge event (as a rule target receives it). */
export function isEventBridgeEvent(value: unknown): value is { 'detail-type': string; source: string; detail: unknown; id: string } {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)['detail-type'] === 'string'
    && 'detail' in value && typeof (value as Record<string, unknown>).source === 'string';
}

/** Whether a parsed value is SNS's notification JSON (an SQS body when raw message delivery is off). */
export function isSnsNotification(value: unknown): value is { Type: 'Notification'; Message: string; TopicArn: string; MessageId: string } {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>).Type === 'Notification'
    && typeof (value as Record<string, unknown>).Message === 'string' && typeof (value as Record<string, unknown>).TopicArn === 'string';
}

/**
 * The CloudEvent carried by a message body, unwrapping an EventBridge event (`detail`) or an SNS
 * notification (`Message`). Text that is not JSON is returned as it is, so the pipeline's decoder names
 * the problem. One JSON parse in the common case (a raw CloudEvent).
 */
export function unwrapBody(text: string): string | object {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  if (isSnsNotification(value)) return unwrapBody(value.Message);
  if (isEventBridgeEvent(value)) return typeof value.detail === 'string' ? value.detail : (value.detail as object);
  return typeof value === 'object' && value !== null ? value : text;
}
