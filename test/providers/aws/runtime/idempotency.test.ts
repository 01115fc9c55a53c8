import { ConditionalCheckFailedException, DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { DynamoDbIdempotencyStore } from '../../../../providers/aws/runtime/idempotency';

const NOW = 1_000_000; // epoch seconds
const ID = { id: { S: 'fn\u0000src\u0000id' } };
const refused = (item: Record<string, AttributeValue>) =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, Item: { ...ID, ...item } });
const live = { expiresAt: { N: String(NOW + 60) } };

const K = { scope: 'fn', source: 'src', id: 'id' };

describe('providers/aws/runtime/idempotency', () => {
  const ddb = mockClient(DynamoDBClient);
  beforeEach(() => ddb.reset());
  const store = () => new DynamoDbIdempotencyStore({ table: 'dedupe', client: new DynamoDBClient({}), inProgressSeconds: 15, now: () => NOW * 1000 });

  it('claims with one conditional update that counts the attempt, holding it no longer than the function may run', async () => {
    ddb.on(UpdateItemCommand).resolves({ Attributes: { attempts: { N: '3' } } });
    expect(await store().begin(K, 86_400)).to.deep.equal({ state: 'claimed', attempt: 3 });
    expect(ddb.commandCalls(UpdateItemCommand)[0]!.args[0].input).to.deep.equal({
      TableName: 'dedupe',
      Key: ID,
      UpdateExpression: 'SET #state = :inProgress, holdUntil = :holdUntil, expiresAt = :expiresAt ADD attempts :one',
      ConditionExpression: 'attribute_not_exists(id) OR (expiresAt > :now AND (#state = :released OR (#state = :inProgress AND holdUntil <= :now)))',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':inProgress': { S: 'in-progress' }, ':released': { S: 'released' }, ':one': { N: '1' },
        ':now': { N: '1000000' }, ':holdUntil': { N: '1000015' }, ':expiresAt': { N: '1086400' },
      },
      ReturnValues: 'UPDATED_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('reads why a live item refused the claim from the failed condition', async () => {
    ddb.on(UpdateItemCommand)
      .rejectsOnce(refused({ ...live, state: { S: 'completed' } }))
      .rejectsOnce(refused({ ...live, state: { S: 'dead-lettered' } }))
      .rejectsOnce(refused({ ...live, state: { S: 'in-progress' }, holdUntil: { N: String(NOW + 9) }, attempts: { N: '1' } }));
    expect(await store().begin(K, 60)).to.deep.equal({ state: 'completed' });
    expect(await store().begin(K, 60)).to.deep.equal({ state: 'dead-lettered' });
    expect(await store().begin(K, 60)).to.deep.equal({ state: 'in-progress', until: (NOW + 9) * 1000 });
    expect(ddb.commandCalls(PutItemCommand)).to.have.length(0);
  });

  it('replaces an item past its time to live (TTL deletion lags) with a fresh claim at attempt 1', async () => {
    ddb.on(UpdateItemCommand).rejects(refused({ state: { S: 'completed' }, expiresAt: { N: String(NOW) } }));
    ddb.on(PutItemCommand).resolves({});
    expect(await store().begin(K, 60)).to.deep.equal({ state: 'claimed', attempt: 1 });
    expect(ddb.commandCalls(PutItemCommand)[0]!.args[0].input).to.deep.equal({
      TableName: 'dedupe',
      Item: { ...ID, state: { S: 'in-progress' }, attempts: { N: '1' }, holdUntil: { N: '1000015' }, expiresAt: { N: '1000060' } },
      ConditionExpression: 'attribute_not_exists(id) OR expiresAt <= :now',
      ExpressionAttributeValues: { ':now': { N: '1000000' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('reports the copy that replaced an expired item first as holding the claim', async () => {
    ddb.on(UpdateItemCommand).rejects(refused({ state: { S: 'in-progress' }, expiresAt: { N: String(NOW - 5) } }));
    ddb.on(PutItemCommand).rejects(refused({ ...live, state: { S: 'in-progress' }, holdUntil: { N: String(NOW + 15) } }));
    expect(await store().begin(K, 60)).to.deep.equal({ state: 'in-progress', until: (NOW + 15) * 1000 });
  });

  it('passes other errors on', async () => {
    ddb.on(UpdateItemCommand).rejects(new Error('ProvisionedThroughputExceeded'));
    let error: unknown;
    await store().begin(K, 60).catch((e) => { error = e; });
    expect((error as Error).message).to.equal('ProvisionedThroughputExceeded');
  });

  it('completes and gives up with a put, releases with an update that keeps the attempt count, forgets by deleting', async () => {
    ddb.on(PutItemCommand).resolves({});
    ddb.on(UpdateItemCommand).resolves({});
    ddb.on(DeleteItemCommand).resolves({});
    await store().complete(K, 86_400);
    await store().giveUp(K, 600);
    await store().release(K, 60);
    await store().forget(K);
    expect(ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input.Item)).to.deep.equal([
      { ...ID, state: { S: 'completed' }, expiresAt: { N: '1086400' } },
      { ...ID, state: { S: 'dead-lettered' }, expiresAt: { N: '1000600' } },
    ]);
    expect(ddb.commandCalls(UpdateItemCommand)[0]!.args[0].input).to.deep.equal({
      TableName: 'dedupe',
      Key: ID,
      UpdateExpression: 'SET #state = :released, expiresAt = :expiresAt REMOVE holdUntil',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':released': { S: 'released' }, ':expiresAt': { N: '1000060' } },
    });
    expect(ddb.commandCalls(DeleteItemCommand)[0]!.args[0].input).to.deep.equal({ TableName: 'dedupe', Key: ID });
  });

  it('cannot tell when another process settles a claim, so a copy comes back later', () => {
    expect((store() as { whenSettled?: unknown }).whenSettled).to.equal(undefined);
  });
});
