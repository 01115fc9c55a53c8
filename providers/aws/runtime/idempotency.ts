/**
 * `IdempotencyStore` on DynamoDB: one item per claimed key (partition key `id`), a `state` and an
 * `expiresAt` epoch-seconds attribute that is also the table's TTL attribute. A claim is a conditional
 * put that succeeds only when the key is absent or expired (TTL deletion lags, so expiry is checked in the
 * condition too); a refused claim reads the existing item from the failed condition.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { idempotencyKeyString, type ClaimState, type IdempotencyKey, type IdempotencyStore } from '../../../runtime/idempotency';
import { memo, type Lazy } from './send';
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

export class DynamoDbIdempotencyStore implements IdempotencyStore {
  private readonly client: () => Promise<DynamoDBClient>;
  private readonly now: () => number;

  constructor(private readonly options: DynamoDbIdempotencyOptions) {
    this.client = memo(options.client ?? (() => new (sdk.dynamodb().DynamoDBClient)({})));
    this.now = options.now ?? Date.now;
  }

  async begin(key: IdempotencyKey, ttlSeconds: number): Promise<ClaimState> {
    const { PutItemCommand, ConditionalCheckFailedException } = sdk.dynamodb();
    const nowSeconds = Math.floor(this.now() / 1000);
    const hold = Math.min(ttlSeconds, this.options.inProgressSeconds ?? 900);
    try {
      await (await this.client()).send(new PutItemCommand({
        TableName: this.options.table,
        Item: { id: { S: idempotencyKeyString(key) }, state: { S: 'in-progress' }, expiresAt: { N: String(nowSeconds + hold) } },
        ConditionExpression: 'attribute_not_exists(id) OR expiresAt <= :now',
        ExpressionAttributeValues: { ':now': { N: String(nowSeconds) } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
      return 'new';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return error.Item?.state?.S === 'completed' ? 'completed' : 'in-progress';
    }
  }

  async complete(key: IdempotencyKey, ttlSeconds: number): Promise<void> {
    const { PutItemCommand } = sdk.dynamodb();
    await (await this.client()).send(new PutItemCommand({
      TableName: this.options.table,
      Item: { id: { S: idempotencyKeyString(key) }, state: { S: 'completed' }, expiresAt: { N: String(Math.floor(this.now() / 1000) + ttlSeconds) } },
    }));
  }

  async release(key: IdempotencyKey): Promise<void> {
    const { DeleteItemCommand } = sdk.dynamodb();
    await (await this.client()).send(new DeleteItemCommand({ TableName: this.options.table, Key: { id: { S: idempotencyKeyString(key) } } }));
  }
}
