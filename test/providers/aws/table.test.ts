/** table → DynamoDB; with a change trigger, its stream → ingress with the stream safety settings. */
import { expect } from 'chai';
import { defineEvent, topology } from '../../../contracts';
import { z } from 'zod';
import { CHANGE_MAPPING } from '../../../providers/aws/table';
import { findResource, inventoryOf, json, realizeOnAws } from '../../helpers/pulumi-mocks';

const CustomerChanged = defineEvent({ type: 'CustomerChanged', version: 1, source: 'shop.customers', schema: z.object({ table: z.string() }).passthrough() });

function app(change = true) {
  const t = topology('tb');
  const bus = t.bus('shop');
  t.table('customers', { partitionKey: 'id', sortKey: 'since', ...(change ? { onChange: { emits: CustomerChanged, to: bus } } : {}) });
  return t.build();
}

describe('aws table', () => {
  it('is a DynamoDB table with string keys and no stream without a change trigger', async () => {
    await realizeOnAws(app(false));
    expect(inventoryOf(findResource('herald:aws:Table', 'customers'))).to.deep.equal({ 'aws:dynamodb/table:Table': 1 });
    const table = findResource('aws:dynamodb/table:Table', 'customers');
    expect(table.inputs).to.deep.include({
      billingMode: 'PAY_PER_REQUEST', hashKey: 'id', rangeKey: 'since', pointInTimeRecovery: { enabled: true },
      attributes: [{ name: 'id', type: 'S' }, { name: 'since', type: 'S' }],
    });
    expect(table.inputs).not.to.have.property('streamEnabled');
  });

  it('adds the stream, the ingress, its failure queue and the mapping for a change trigger', async () => {
    await realizeOnAws(app());
    expect(inventoryOf(findResource('herald:aws:Table', 'customers'))).to.deep.equal({
      'aws:dynamodb/table:Table': 1,
      'aws:cloudwatch/logGroup:LogGroup': 1,
      'aws:iam/role:Role': 1,
      'aws:iam/rolePolicy:RolePolicy': 1,
      'aws:lambda/function:Function': 1, // the change ingress
      'aws:sqs/queue:Queue': 1, // the mapping's on-failure destination
      'aws:cloudwatch/metricAlarm:MetricAlarm': 1,
      'aws:lambda/eventSourceMapping:EventSourceMapping': 1,
    });
    expect(findResource('aws:dynamodb/table:Table', 'customers').inputs).to.include({ streamEnabled: true, streamViewType: 'NEW_AND_OLD_IMAGES' });
  });

  it('maps the stream with bisect, bounded retries and age, an on-failure destination and partial failures', async () => {
    await realizeOnAws(app());
    const table = findResource('aws:dynamodb/table:Table', 'customers');
    expect(findResource('aws:lambda/eventSourceMapping:EventSourceMapping', 'customers-change-mapping').inputs).to.deep.include({
      eventSourceArn: table.outputs.streamArn,
      functionName: findResource('aws:lambda/function:Function', 'customers-change').outputs.arn,
      startingPosition: 'TRIM_HORIZON',
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: CHANGE_MAPPING.maximumRetryAttempts,
      maximumRecordAgeInSeconds: 3_600,
      functionResponseTypes: ['ReportBatchItemFailures'],
      destinationConfig: { onFailure: { destinationArn: findResource('aws:sqs/queue:Queue', 'customers-change-failures').outputs.arn } },
    });
    expect(CHANGE_MAPPING.maximumRetryAttempts).to.be.within(0, 10_000);
  });

  it('lets the ingress read only this table\'s stream', async () => {
    await realizeOnAws(app());
    const statements = json(findResource('aws:iam/rolePolicy:RolePolicy', 'customers-change-policy').inputs.policy).Statement;
    expect(statements.find((s: any) => s.Sid === 'ReadStream')).to.deep.include({
      Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
      Resource: [`${findResource('aws:dynamodb/table:Table', 'customers').outputs.arn}/stream/*`],
    });
  });

  it("tells the ingress the table's key attributes, partition key first: the order of each event's subject", async () => {
    await realizeOnAws(app());
    const config = json(findResource('aws:lambda/function:Function', 'customers-change').inputs.environment.variables.HERALD_AWS_CONFIG);
    expect(config).to.deep.include({ kind: 'change', emits: 'CustomerChanged.v1', keyNames: ['id', 'since'] });
  });
});
