/**
 * `IdempotencyStore` on Firestore: one document per key in the configured collection, its id the SHA-256
 * of the key (document ids cannot hold `/` and are limited in length), with `state` (in-progress, released,
 * completed, dead-lettered), the `attempts` claimed so far, `holdUntil` while a delivery holds it, and
 * `expiresAt`, the field of the collection's TTL policy, when the whole record is forgotten (a Timestamp,
 * as TTL policies require). TTL deletion lags by up to a day, so every decision checks `expiresAt` too.
 *
 * A claim first tries `create()`, which fails with ALREADY_EXISTS when the document exists: the common
 * case (a new event) is one write. Otherwise a transaction reads the document and claims it when it is
 * released after a failed attempt, held by a holder whose hold has lapsed (an instance killed mid-handler
 * never settles its claim), or expired; each claim adds 1 to `attempts`, so copies of one event share its
 * attempt count. Holders live in other instances, so this store cannot say when a claim settles: a copy
 * that meets one comes back later.
 * @see https://cloud.google.com/firestore/docs/manage-data/add-data#set_a_document
 * @see https://cloud.google.com/firestore/docs/ttl
 */
import type { DocumentData, Firestore, Timestamp } from '@google-cloud/firestore';
import { createHash } from 'node:crypto';
import { idempotencyKeyString, type Claim, type IdempotencyKey, type IdempotencyStore } from '../../../runtime/idempotency';
import { memo, type Lazy } from '../../../runtime/lazy';
import { sdk } from './sdk';

/** The gRPC status of a `create()` on an existing document. */
const ALREADY_EXISTS = 6;

/** The field the collection's TTL policy is set on (the deploy side creates the policy). */
export const EXPIRY_FIELD = 'expiresAt';

export interface FirestoreIdempotencyOptions {
  readonly project: string;
  /** The database id. @default '(default)' */
  readonly database?: string;
  readonly collection: string;
  readonly client?: Lazy<Firestore>;
  /**
   * How long an in-progress claim holds. An instance killed mid-handler never releases its claim; it must
   * lapse before the redelivery, so keep it near the function timeout. @default 540 (an event-driven function's maximum)
   */
  readonly inProgressSeconds?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

type State = 'in-progress' | 'released' | 'completed' | 'dead-lettered';

/** A claim document as stored. */
interface Record {
  readonly state: State;
  readonly attempts?: number;
  readonly holdUntil?: Timestamp;
  readonly expiresAt: Timestamp;
}

export class FirestoreIdempotencyStore implements IdempotencyStore {
  private readonly client: () => Promise<Firestore>;
  private readonly now: () => number;

  constructor(private readonly options: FirestoreIdempotencyOptions) {
    this.client = memo(options.client ?? (() => new (sdk.firestore().Firestore)({ projectId: options.project, databaseId: options.database ?? '(default)' })));
    this.now = options.now ?? Date.now;
  }

  async begin(key: IdempotencyKey, ttlSeconds: number): Promise<Claim> {
    const db = await this.client();
    const ref = this.doc(db, key);
    const now = this.now();
    const fresh = (attempts: number) => ({
      scope: key.scope, source: key.source, eventId: key.id, state: 'in-progress' satisfies State, attempts,
      holdUntil: timestamp(now + 1000 * Math.min(ttlSeconds, this.options.inProgressSeconds ?? 540)),
      [EXPIRY_FIELD]: timestamp(now + 1000 * ttlSeconds),
    });
    try {
      await ref.create(fresh(1));
      return { state: 'claimed', attempt: 1 };
    } catch (error) {
      if ((error as { code?: unknown }).code !== ALREADY_EXISTS) throw error;
    }
    return db.runTransaction(async (tx): Promise<Claim> => {
      const snapshot = await tx.get(ref);
      const held = snapshot.data() as Record | undefined;
      if (!held || held.expiresAt.toMillis() <= now) {
        // Gone since the create, or past its time to live (TTL deletion lags): a new record, attempt 1.
        tx.set(ref, fresh(1));
        return { state: 'claimed', attempt: 1 };
      }
      const lapsed = held.state === 'in-progress' && (held.holdUntil?.toMillis() ?? 0) <= now;
      if (held.state === 'released' || lapsed) {
        const attempt = (held.attempts ?? 0) + 1;
        tx.set(ref, fresh(attempt));
        return { state: 'claimed', attempt };
      }
      if (held.state === 'completed' || held.state === 'dead-lettered') return { state: held.state };
      return { state: 'in-progress', until: held.holdUntil!.toMillis() };
    });
  }

  async complete(key: IdempotencyKey, ttlSeconds: number): Promise<void> {
    await this.settle(key, 'completed', ttlSeconds);
  }

  /** Keeps the document and its `attempts` (a merge, not a replacement), so the next claim counts on. */
  async release(key: IdempotencyKey, ttlSeconds: number): Promise<void> {
    await this.settle(key, 'released', ttlSeconds);
  }

  async giveUp(key: IdempotencyKey, ttlSeconds: number): Promise<void> {
    await this.settle(key, 'dead-lettered', ttlSeconds);
  }

  async forget(key: IdempotencyKey): Promise<void> {
    await this.doc(await this.client(), key).delete();
  }

  private async settle(key: IdempotencyKey, state: State, ttlSeconds: number): Promise<void> {
    const { FieldValue } = sdk.firestore();
    const db = await this.client();
    const update: DocumentData = { state, holdUntil: FieldValue.delete(), [EXPIRY_FIELD]: timestamp(this.now() + 1000 * ttlSeconds) };
    await this.doc(db, key).set(update, { merge: true });
  }

  private doc(db: Firestore, key: IdempotencyKey) {
    return db.collection(this.options.collection).doc(documentId(key));
  }
}

/** The document id of a key: hex SHA-256 of the key string (fixed length, no `/`). */
export function documentId(key: IdempotencyKey): string {
  return createHash('sha256').update(idempotencyKeyString(key)).digest('hex');
}

function timestamp(epochMs: number): Timestamp {
  return sdk.firestore().Timestamp.fromMillis(epochMs);
}
