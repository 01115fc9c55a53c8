import { ConditionalCheckFailedException, DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { DynamoDbIdempotencyStore } from '../../../../providers/aws/runtime/idempotency';

const refused = (state: string) => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, Item: { id: { S: 'k' }, state: { S: state } } });

const K = { scope: 'fn', source: 'src', id: 'id' };

describe('providers/aws/runtime/idempotency', () => {
  const ddb = mockClient(DynamoDBClient);
  beforeEach(() => ddb.reset());
  const store = () => new DynamoDbIdempotencyStore({ table: 'dedupe', client: new DynamoDBClient({}), inProgressSeconds: 15, now: () => 1_000_000_000 });

  it('claims a key with a conditional put, holding it in progress no longer than the function may run', async () => {
    ddb.on(PutItemCommand).resolves({});
    expect(await store().begin(K, 86_400)).to.equal('new');
    expect(ddb.commandCalls(PutItemCommand)[0]!.args[0].input).to.deep.equal({
      TableName: 'dedupe',
      Item: { id: { S: 'fn\u0000src\u0000id' }, state: { S: 'in-progress' }, expiresAt: { N: '1000015' } },
      ConditionExpression: 'attribute_not_exists(id) OR expiresAt <= :now',
      ExpressionAttributeValues: { ':now': { N: '1000000' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('reads the state of a key already claimed from the failed condition', async () => {
    ddb.on(PutItemCommand).rejectsOnce(refused('completed')).rejectsOnce(refused('in-progress'));
    expect(await store().begin(K, 60)).to.equal('completed');
    expect(await store().begin(K, 60)).to.equal('in-progress');
  });

  it('passes other errors on', async () => {
    ddb.on(PutItemCommand).rejects(new Error('ProvisionedThroughputExceeded'));
    let error: unknown;
    await store().begin(K, 60).catch((e) => { error = e; });
    expect((error as Error).message).to.equal('ProvisionedThroughputExceeded');
  });

  it('completes with the TTL and releases by deleting', async () => {
    ddb.on(PutItemCommand).resolves({});
    ddb.on(DeleteItemCommand).resolves({});
    await store().complete(K, 86_400);
    await store().release(K);
    expect(ddb.commandCalls(PutItemCommand)[0]!.args[0].input.Item).to.deep.equal({ id: { S: 'fn\u0000src\u0000id' }, state: { S: 'completed' }, expiresAt: { N: '1086400' } });
    expect(ddb.commandCalls(DeleteItemCommand)[0]!.args[0].input).to.deep.equal({ TableName: 'dedupe', Key: { id: { S: 'fn\u0000src\u0000id' } } });
  });
});
