/**
 * `IdempotencyStore` on DynamoDB: one item per key (partition key `id`) with a `state` (in-progress,
 * released, completed, dead-lettered), the `attempts` claimed so far, `holdUntil` (epoch seconds) while a
 * delivery holds it, and `expiresAt` (epoch seconds), the table's TTL attribute, when the whole record is
 * forgotten. TTL deletion lags, so every condition checks `expiresAt` too.
 *
 * A claim is one conditional update that adds 1 to `attempts`: it succeeds when the key is absent,
 * released after a failed attempt, or held by a holder whose hold has lapsed (a Lambda killed mid-handler
 * never settles its claim), so copies of one event share its attempt count. A refused claim reads the item from the failed
 * condition; an item past `expiresAt` is replaced by a fresh claim (attempt 1). Holders live in other
 * processes, so this store cannot say when a claim settles: a copy that meets one comes back later.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html
 */
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { idempotencyKeyString, type Claim, type IdempotencyKey, type IdempotencyStore } from '../../../runtime/idempotency';
import { memo, type Lazy } from '../../../runtime/lazy';
import { sdk } from './sdk';

export interface DynamoDbIdempotencyOptions {
  readonly table: string;
  readonly client?: Lazy<DynamoDBClient>;
  /**
   * How long an in-progress claim holds. A Lambda killed mid-handler never releases its claim; it must
   * lapse before the redelivery, so keep it near the function timeout. @default 900 (Lambda's maximum)
   */
  readonly inProgressSeconds?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

type Item = Record<string, AttributeValue>;

// `state` is a DynamoDB reserved word: expressions name it through #state.
const CLAIMABLE = 'attribute_not_exists(id) OR (expiresAt > :now AND (#state = :released OR (#state = :inProgress AND holdUntil <= :now)))';

export class DynamoDbIdempotencyStore implements IdempotencyStore {
  private readonly client: () => Promise<DynamoDBClient>;
  private readonly now: () => number;

  constructor(private readonly options: DynamoDbIdempotencyOptions) {
    this.client = memo(options.client ?? (() => new (sdk.dynamodb().DynamoDBClient)({})));
    this.now = options.now ?? Date.now;
  }

  async begin(key: IdempotencyKey, ttlSeconds: number): Promise<Claim> {
    const { UpdateItemCommand, ConditionalCheckFailedException } = sdk.dynamodb();
    const now = Math.floor(this.now() / 1000);
    const holdUntil = now + Math.min(ttlSeconds, this.options.inProgressSeconds ?? 900);
    try {
      const { Attributes } = await (await this.client()).send(new UpdateItemCommand({
        TableName: this.options.table,
        Key: this.key(key),
        UpdateExpression: 'SET #state = :inProgress, holdUntil = :holdUntil, expiresAt = :expiresAt ADD attempts :one',
        ConditionExpression: CLAIMABLE,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':inProgress': { S: 'in-progress' }, ':released': { S: 'released' }, ':one': { N: '1' },
          ':now': { N: String(now) }, ':holdUntil': { N: String(holdUntil) }, ':expiresAt': { N: String(now + ttlSeconds) },
        },
        ReturnValues: 'UPDATED_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
      return { state: 'claimed', attempt: Number(Attributes?.attempts?.N ?? 1) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const held = error.Item ?? {};
      if (Number(held.expiresAt?.N ?? 0) <= now) return this.beginAfresh(key, ttlSeconds, now, holdUntil);
      return refusal(held);
    }
  }

  async complete(key: IdempotencyKey, ttlSeconds: number): Promise<void> {
    await this.put(key, 'completed', ttlSeconds);
  }

  /** Keeps the item and its `attempts` (an update, not a put), so the next claim counts on. */
  async release(key: IdempotencyKey, ttlSeconds: number): Promise<void> {
    const { UpdateItemCommand } = sdk.dynamodb();
    await (await this.client()).send(new UpdateItemCommand({
      TableName: this.options.table,
      Key: this.key(key),
      UpdateExpression: 'SET #state = :released, expiresAt = :expiresAt REMOVE holdUntil',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':released': { S: 'released' }, ':expiresAt': { N: String(Math.floor(this.now() / 1000) + ttlSeconds) } },
    }));
  }

  async giveUp(key: IdempotencyKey, ttlSeconds: number): Promise<void> {
    await this.put(key, 'dead-lettered', ttlSeconds);
  }

  async forget(key: IdempotencyKey): Promise<void> {
    const { DeleteItemCommand } = sdk.dynamodb();
    await (await this.client()).send(new DeleteItemCommand({ TableName: this.options.table, Key: this.key(key) }));
  }

  /** The item outlived its time to live (TTL deletion lags): a new record, claimed as attempt 1, unless another copy replaced it first. */
  private async beginAfresh(key: IdempotencyKey, ttlSeconds: number, now: number, holdUntil: number): Promise<Claim> {
    const { PutItemCommand, ConditionalCheckFailedException } = sdk.dynamodb();
    try {
      await (await this.client()).send(new PutItemCommand({
        TableName: this.options.table,
        Item: { ...this.key(key), state: { S: 'in-progress' }, attempts: { N: '1' }, holdUntil: { N: String(holdUntil) }, expiresAt: { N: String(now + ttlSeconds) } },
        ConditionExpression: 'attribute_not_exists(id) OR expiresAt <= :now',
        ExpressionAttributeValues: { ':now': { N: String(now) } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
      return { state: 'claimed', attempt: 1 };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return refusal(error.Item ?? {});
    }
  }

  private async put(key: IdempotencyKey, state: 'completed' | 'dead-lettered', ttlSeconds: number): Promise<void> {
    const { PutItemCommand } = sdk.dynamodb();
    await (await this.client()).send(new PutItemCommand({
      TableName: this.options.table,
      Item: { ...this.key(key), state: { S: state }, expiresAt: { N: String(Math.floor(this.now() / 1000) + ttlSeconds) } },
    }));
  }

  private key(key: IdempotencyKey): Item {
    return { id: { S: idempotencyKeyString(key) } };
  }
}

/** Why a live item refused a claim. */
function refusal(item: Item): Claim {
  switch (item.state?.S) {
    case 'completed': return { state: 'completed' };
    case 'dead-lettered': return { state: 'dead-lettered' };
    // An item written before holdUntil existed held its claim until expiresAt.
    default: return { state: 'in-progress', until: Number(item.holdUntil?.N ?? item.expiresAt?.N ?? 0) * 1000 };
  }
}
