/**
 * Runs a batch of records with partial failure, on every target: records with the same order key (a
 * FIFO message group, a partition key) one after another in batch order, and once one fails every later
 * one of its key fails unprocessed, so order is never broken (the platform redelivers them, in order);
 * records without a key and different keys run concurrently. Answers the failures in batch order.
 */
import type { InboundRecord, RecordFailure } from './binding';

/** Handles one record: resolves to undefined on success, or to the reason it failed. Must not reject. */
export type RecordHandler = (record: InboundRecord) => Promise<string | undefined>;

export interface BatchOptions {
  /** Groups in flight at once. @default 10 */
  readonly concurrency?: number;
}

export async function runBatch(records: readonly InboundRecord[], handle: RecordHandler, options: BatchOptions = {}): Promise<RecordFailure[]> {
  const groups: InboundRecord[][] = [];
  const byKey = new Map<string, InboundRecord[]>();
  for (const r of records) {
    if (r.orderKey === undefined) {
      groups.push([r]);
      continue;
    }
    let group = byKey.get(r.orderKey);
    if (!group) byKey.set(r.orderKey, (group = [])) && groups.push(group);
    group.push(r);
  }
  const reasons = new Map<InboundRecord, string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < groups.length) {
      const group = groups[next++]!;
      let failed: string | undefined;
      for (const record of group) {
        if (failed !== undefined) {
          reasons.set(record, `not processed: an earlier record of ${record.orderKey} failed (${failed})`);
          continue;
        }
        const reason = await handle(record).catch((error: unknown) => `unexpected: ${error instanceof Error ? error.message : String(error)}`);
        if (reason !== undefined) {
          reasons.set(record, reason);
          failed = record.itemId;
        }
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 10, groups.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return records.filter((r) => reasons.has(r)).map((r) => ({ itemId: r.itemId, reason: reasons.get(r)! }));
}
