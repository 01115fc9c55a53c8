/** stream → Kinesis on demand + failure queue; the rule → Kinesis target and the mapping's safety settings. */
import { expect } from 'chai';
import { topology, UnsupportedFeatureError } from '../../../contracts';
import { OrderPlaced, PaymentReceived } from '../../../app/events';
import { partitionKeyPath } from '../../../providers/aws/stream';
import { findResource, inventoryOf, json, realizeOnAws, resourcesOf } from '../../helpers/pulumi-mocks';
import { expectReject } from '../../helpers/reject';

function app(stream: { maxAttempts?: number; maxEventAge?: `${number}${'s' | 'm' | 'h' | 'd'}`; retention?: `${number}${'h' | 'd'}` } = {}) {
  const t = topology('s');
  const bus = t.bus('shop');
  const audit = t.stream('order-audit', { key: 'data.orderId', ...stream });
  t.fn('audit', { handler: 'functions/audit-orders.ts', timeout: '10s' }).subscribe(bus, { events: [OrderPlaced, PaymentReceived], via: audit });
  return t.build();
}

describe('aws stream', () => {
  it('creates exactly an on-demand Kinesis stream and its failure queue', async () => {
    await realizeOnAws(app());
    expect(inventoryOf(findResource('herald:aws:Stream', 'order-audit'))).to.deep.equal({
      'aws:kinesis/stream:Stream': 1,
      'aws:sqs/queue:Queue': 1, // where the consumers' mappings send what they gave up on
    });
    const stream = findResource('aws:kinesis/stream:Stream', 'order-audit');
    expect(stream.inputs.streamModeDetails).to.deep.equal({ streamMode: 'ON_DEMAND' });
    expect(stream.inputs.retentionPeriod).to.equal(24);
    expect(stream.inputs).to.not.have.property('shardCount');
  });

  it('keeps the retention in hours, at least Kinesis\'s 24', async () => {
    await realizeOnAws(app({ retention: '7d' }));
    expect(findResource('aws:kinesis/stream:Stream', 'order-audit').inputs.retentionPeriod).to.equal(168);
    await expectReject(realizeOnAws(app({ retention: '400d' })), UnsupportedFeatureError, /retention/);
  });

  it('puts the rule\'s events on the stream partitioned by the stream key, through a role only that rule may assume', async () => {
    await realizeOnAws(app());
    const rule = findResource('aws:cloudwatch/eventRule:EventRule', 'audit-shop');
    const stream = findResource('aws:kinesis/stream:Stream', 'order-audit');
    const target = findResource('aws:cloudwatch/eventTarget:EventTarget', 'audit-shop-target');
    expect(target.inputs.arn).to.equal(stream.outputs.arn);
    expect(target.inputs.kinesisTarget).to.deep.equal({ partitionKeyPath: '$.detail.data.orderId' });
    expect(target.inputs.deadLetterConfig).to.deep.equal({ arn: findResource('aws:sqs/queue:Queue', 'order-audit-failures').outputs.arn });
    const role = findResource('aws:iam/role:Role', 'audit-shop-events');
    expect(target.inputs.roleArn).to.equal(role.outputs.arn);
    expect(json(role.inputs.assumeRolePolicy).Statement).to.deep.equal([{
      Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { ArnEquals: { 'aws:SourceArn': rule.outputs.arn } },
    }]);
    expect(json(findResource('aws:iam/rolePolicy:RolePolicy', 'audit-shop-events-policy').inputs.policy).Statement).to.deep.equal([{
      Sid: 'PutRecords', Effect: 'Allow', Action: ['kinesis:PutRecord', 'kinesis:PutRecords'], Resource: [stream.outputs.arn],
    }]);
  });

  it('maps the stream to the function with every safety setting, so a poison record never blocks its shard', async () => {
    await realizeOnAws(app({ maxAttempts: 6, maxEventAge: '30m' }));
    const [mapping, ...others] = resourcesOf('aws:lambda/eventSourceMapping:EventSourceMapping');
    expect(others).to.have.length(0);
    expect(mapping!.inputs).to.deep.include({
      eventSourceArn: findResource('aws:kinesis/stream:Stream', 'order-audit').outputs.arn,
      functionName: findResource('aws:lambda/function:Function', 'audit').outputs.arn,
      startingPosition: 'TRIM_HORIZON',
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 5, // 6 attempts: the first and 5 retries — never -1 (forever)
      maximumRecordAgeInSeconds: 1_800,
      functionResponseTypes: ['ReportBatchItemFailures'],
      batchSize: 100,
      destinationConfig: { onFailure: { destinationArn: findResource('aws:sqs/queue:Queue', 'order-audit-failures').outputs.arn } },
    });
  });

  it('builds the partition key path from the stream key', () => {
    expect(partitionKeyPath('data.orderId')).to.equal('$.detail.data.orderId');
    expect(partitionKeyPath('subject')).to.equal('$.detail.subject');
  });
});
