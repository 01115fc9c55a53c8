/**
 * What the AWS trigger bindings share beyond the neutral binding shape (runtime/binding.ts, which they
 * implement): how Lambda's record batches say where they come from.
 */
export type { InboundRecord, RecordBinding, RecordFailure } from '../../../runtime/binding';

/** Whether `value` is a non-null object with a `Records` array whose first record has `eventSource`. */
export function hasRecordsFrom(value: unknown, eventSource: string): boolean {
  const records = (value as { Records?: unknown } | null)?.Records;
  return Array.isArray(records) && records.length > 0 && (records[0] as { eventSource?: unknown })?.eventSource === eventSource;
}

/** The placeholder account and region of events Herald builds itself (`encode`: tests and `herald invoke` samples). */
export const SAMPLE_ACCOUNT = '000000000000';
export const SAMPLE_REGION = 'us-east-1';
