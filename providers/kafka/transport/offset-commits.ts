/**
 * A reader's offset commits, taken off its fetch cycle. A partition's position moves on (kafkajs `resolveOffset`)
 * as soon as its records are settled, so the next fetch does not wait; its offset is committed only once the
 * claims of those records are acknowledged (ClaimsLog `flushed`), so a committed offset still means every claim
 * before it is in the claims topic (claims.ts). Waiting for the acknowledgement in the batch instead held every
 * partition of the subscription for a produce round trip per fetch (kafkajs fetches again only once every batch
 * of a fetch is done).
 * One acknowledgement wait and one commit request at a time, each covering what was settled before it began.
 * Offsets settled under an earlier group generation are dropped, not committed: their partitions may be another
 * member's now, and a commit is not checked against ownership (the next owner delivers them again; the claims
 * answer `duplicate` for what had succeeded).
 */
import type { Consumer, TopicPartitionOffset } from 'kafkajs';
import type { Logger } from '../../../contracts';
import type { ClaimsLog } from './channel-reader';

/** How long to wait before asking again for claims the brokers did not acknowledge. */
const ACK_RETRY_MS = 100;

export class OffsetCommits {
  /** Settled, claims not yet known to be acknowledged: by `topic:partition`, the offset to commit (the next to read). */
  private settledOffsets = new Map<string, TopicPartitionOffset>();
  /** Acknowledged, not yet committed. */
  private readonly acknowledged = new Map<string, TopicPartitionOffset>();
  private acking: Promise<void> | undefined;
  private committing: Promise<void> | undefined;
  private generation = 0;

  /**
   * @param claims the claims topic whose acknowledgement a commit waits for (none: commits at once)
   * @param stopped whether the reader stopped: claims that failed to be written are then not waited for again
   */
  constructor(
    private readonly consumer: Pick<Consumer, 'commitOffsets'>,
    private readonly claims: Pick<ClaimsLog, 'flushed'> | undefined,
    private readonly stopped: () => boolean,
    private readonly logger: Logger,
    private readonly fields: Record<string, unknown>,
  ) {}

  /** Everything of `topic`/`partition` up to `offset` is settled: committed once its claims are acknowledged. */
  settled(topic: string, partition: number, offset: string): void {
    this.settledOffsets.set(`${topic}:${partition}`, { topic, partition, offset: String(BigInt(offset) + 1n) });
    this.acknowledge();
  }

  /** The group's generation changed (a rebalance): what is not committed yet is not committed. */
  forget(): void {
    this.generation++;
    this.settledOffsets.clear();
    this.acknowledged.clear();
  }

  /** Resolves once every offset settled so far is committed, or given up on. */
  async flush(): Promise<void> {
    while (this.acking || this.committing) await (this.acking ?? this.committing);
  }

  private acknowledge(): void {
    if (this.acking || !this.settledOffsets.size) return;
    const offsets = this.settledOffsets;
    this.settledOffsets = new Map();
    const generation = this.generation;
    this.acking = this.journaled().then((ok) => {
      this.acking = undefined;
      if (ok && generation === this.generation) {
        for (const [id, offset] of offsets) this.acknowledged.set(id, offset);
        this.commit();
      }
      this.acknowledge();
    });
  }

  /**
   * Resolves to true once every claim settled so far is acknowledged (at once without a claims store), false
   * when some could not be written and the reader stopped. A failed write is sent again with the next bundle,
   * so asking again waits for that one; a stop does not cut short a write under way.
   */
  private async journaled(): Promise<boolean> {
    if (!this.claims) return true;
    for (;;) {
      try {
        await this.claims.flushed();
        return true;
      } catch (error) {
        if (this.stopped()) return false;
        this.logger.warn('claims not acknowledged yet; waiting for them to be sent again', { ...this.fields, error: (error as Error).message });
        await new Promise((resolve) => setTimeout(resolve, ACK_RETRY_MS));
      }
    }
  }

  private commit(): void {
    if (this.committing || !this.acknowledged.size) return;
    const offsets = [...this.acknowledged.values()];
    this.acknowledged.clear();
    this.committing = this.consumer.commitOffsets(offsets).then(
      () => undefined,
      // A rebalance or a broker going away: the offsets stay uncommitted and their records are delivered again.
      (error: unknown) => this.logger.debug('offsets not committed', { ...this.fields, error: (error as Error).message }),
    ).finally(() => {
      this.committing = undefined;
      this.commit();
    });
  }
}
