/**
 * `IdempotencyStore` on Azure Table Storage: one entity per claim, partition key = the function (the
 * claim's scope), row key = SHA-256 of the event's source and id (hex: row keys refuse `/`, `\`, `#`, `?`),
 * with its `state` (in-progress, released, completed, dead-lettered), the `attempts` claimed so far,
 * `holdUntil` while a delivery holds it and `expiresAt` when the record is forgotten (epoch ms).
 *
 * A claim is a conditional write: an insert (refused with 409 when the entity exists), or, for an entity
 * that is released, held by a holder whose hold has lapsed (an instance that died mid-handler never
 * settles its claim) or past `expiresAt`, a replace on the ETag just read (refused with 412 when another
 * delivery wrote it first, and then read again). Copies of one event thus share its attempt count. Table
 * Storage has no time to live: expired entities are treated as absent and removed by `sweep`, which each
 * function app runs on a timer of its own (entry.ts IDEMPOTENCY_SWEEP). Holders live in other instances, so this store cannot
 * say when a claim settles: a copy that meets one comes back later.
 * @see https://learn.microsoft.com/rest/api/storageservices/insert-entity
 * @see https://learn.microsoft.com/rest/api/storageservices/update-entity2 (If-Match)
 */
import type { TableClient } from '@azure/data-tables';
import { createHash } from 'node:crypto';
import type { Claim, IdempotencyKey, IdempotencyStore } from '../../../runtime/idempotency';

export interface TableIdempotencyOptions {
  readonly client: TableClient;
  /** How long an in-progress claim holds (keep it near the invocation's timeout). @default 600 */
  readonly inProgressSeconds?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

type State = 'in-progress' | 'released' | 'completed' | 'dead-lettered';

interface ClaimEntity {
  partitionKey: string;
  rowKey: string;
  state: State;
  attempts: number;
  holdUntil: number;
  expiresAt: number;
  /** For an operator reading the table: which event this is. */
  source: string;
  eventId: string;
}

/** Conditional writes lost to another delivery before a claim gives up (each loss means someone else progressed). */
const MAX_RACES = 5;

const status = (error: unknown) => (error as { statusCode?: number }).statusCode;

export class TableIdempotencyStore implements IdempotencyStore {
  private readonly client: TableClient;
  private readonly now: () => number;

  constructor(private readonly options: TableIdempotencyOptions) {
    this.client = options.client;
    this.now = options.now ?? Date.now;
  }

  async begin(key: IdempotencyKey, ttlSeconds: number): Promise<Claim> {
    const { partitionKey, rowKey } = keys(key);
    for (let race = 0; race < MAX_RACES; race++) {
      const now = this.now();
      const fresh = (attempts: number): ClaimEntity => ({
        partitionKey, rowKey, state: 'in-progress', attempts,
        holdUntil: now + Math.min(ttlSeconds, this.options.inProgressSeconds ?? 600) * 1000,
        expiresAt: now + ttlSeconds * 1000, source: key.source, eventId: key.id,
      });
      try {
        await this.client.createEntity(fresh(1));
        return { state: 'claimed', attempt: 1 };
      } catch (error) {
        if (status(error) !== 409) throw error;
      }
      let held: ClaimEntity & { etag: string };
      try {
        held = await this.client.getEntity<ClaimEntity>(partitionKey, rowKey) as ClaimEntity & { etag: string };
      } catch (error) {
        if (status(error) === 404) continue; // forgotten between the two calls: insert again
        throw error;
      }
      const expired = held.expiresAt <= now;
      if (!expired && held.state === 'completed') return { state: 'completed' };
      if (!expired && held.state === 'dead-lettered') return { state: 'dead-lettered' };
      if (!expired && held.state === 'in-progress' && held.holdUntil > now) return { state: 'in-progress', until: held.holdUntil };
      const attempts = expired ? 1 : (Number(held.attempts) || 0) + 1;
      try {
        await this.client.updateEntity(fresh(attempts), 'Replace', { etag: held.etag });
        return { state: 'claimed', attempt: attempts };
      } catch (error) {
        if (status(error) !== 412 && status(error) !== 404) throw error;
      }
    }
    throw new Error(`idempotency claim on ${key.id} lost ${MAX_RACES} races in a row`);
  }

  async complete(key: IdempotencyKey, ttlSeconds: number): Promise<void> {
    await this.settle(key, 'completed', ttlSeconds);
  }

  /** Keeps `attempts` (a merge), so the next claim counts on. */
  async release(key: IdempotencyKey, ttlSeconds: number): Promise<void> {
    const { partitionKey, rowKey } = keys(key);
    await this.client.updateEntity({ partitionKey, rowKey, state: 'released', holdUntil: 0, expiresAt: this.now() + ttlSeconds * 1000 }, 'Merge');
  }

  async giveUp(key: IdempotencyKey, ttlSeconds: number): Promise<void> {
    await this.settle(key, 'dead-lettered', ttlSeconds);
  }

  async forget(key: IdempotencyKey): Promise<void> {
    const { partitionKey, rowKey } = keys(key);
    try {
      await this.client.deleteEntity(partitionKey, rowKey);
    } catch (error) {
      if (status(error) !== 404) throw error;
    }
  }

  /**
   * Deletes the records of `scope` past their time to live (Table Storage keeps entities until they are
   * deleted), until none is left, `limit` were deleted or the clock reaches `stopAt`. Entities another
   * delivery changed meanwhile are left alone.
   * @returns how many were deleted
   */
  async sweep(scope: string, { limit = Infinity, stopAt = Infinity }: { readonly limit?: number; readonly stopAt?: number } = {}): Promise<number> {
    const filter = `PartitionKey eq '${scope.replace(/'/g, "''")}' and expiresAt lt ${this.now()}.0`;
    let deleted = 0;
    for await (const entity of this.client.listEntities<ClaimEntity>({ queryOptions: { filter, select: ['PartitionKey', 'RowKey'] } })) {
      if (deleted >= limit || this.now() >= stopAt) break;
      try {
        await this.client.deleteEntity(entity.partitionKey!, entity.rowKey!, { etag: entity.etag });
        deleted++;
      } catch (error) {
        if (status(error) !== 404 && status(error) !== 412) throw error;
      }
    }
    return deleted;
  }

  private async settle(key: IdempotencyKey, state: 'completed' | 'dead-lettered', ttlSeconds: number): Promise<void> {
    const { partitionKey, rowKey } = keys(key);
    await this.client.upsertEntity({ partitionKey, rowKey, state, attempts: 0, holdUntil: 0, expiresAt: this.now() + ttlSeconds * 1000, source: key.source, eventId: key.id }, 'Replace');
  }
}

function keys(key: IdempotencyKey): { partitionKey: string; rowKey: string } {
  return { partitionKey: key.scope, rowKey: createHash('sha256').update(key.source).update('\u0000').update(key.id).digest('hex') };
}
