/**
 * Binary-mode CloudEvents Kafka records for the bench's producer, until the transport's own binding
 * (providers/kafka/transport/binding.ts `encodeRecord`) lands on main; then this file re-exports it.
 * Same shape: every attribute but data as a `ce_<name>` header, `content-type`, value = the data's JSON.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md#32-binary-content-mode
 */
import type { Envelope } from '../../contracts';

/** A record as kafkajs `producer.send` takes it. */
export interface KafkaRecordOut { readonly key: string; readonly value: string; readonly headers: Record<string, string> }

export function encodeRecord(envelope: Envelope, key: string): KafkaRecordOut {
  const headers: Record<string, string> = { 'content-type': envelope.datacontenttype };
  for (const [name, value] of Object.entries(envelope)) {
    if (name !== 'data' && name !== 'datacontenttype' && value !== undefined) headers[`ce_${name}`] = String(value);
  }
  return { key, value: JSON.stringify(envelope.data), headers };
}
