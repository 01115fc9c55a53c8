/** fn → Lambda (nodejs22.x) with its own log group, role and least-privilege policy, and its JSON config. */
import { expect } from 'chai';
import * as pulumi from '@pulumi/pulumi';
import { topology } from '../../../contracts';
import { OrderPlaced, PaymentFailed, PaymentReceived } from '../../../app/events';
import { AWS_CONFIG_ENV, type AwsFunctionConfig } from '../../../providers/aws/runtime/config';
import { findResource, inventoryOf, json, realizeOnAws } from '../../helpers/pulumi-mocks';

function app() {
  const t = topology('f');
  const bus = t.bus('shop');
  const payments = t.queue('payments', { maxAttempts: 5 });
  t.fn('charge', { handler: 'functions/charge-payment.ts', timeout: '10s', memory: 512, concurrency: 4, environment: { CURRENCY: 'EUR' }, publishes: { to: bus, events: [PaymentReceived, PaymentFailed] } })
    .subscribe(bus, { events: [OrderPlaced], via: payments });
  t.fn('confirm', { handler: 'functions/send-confirmation.ts', timeout: '10s' }).subscribe(bus, { events: [PaymentReceived] });
  return t.build();
}

const config = (fn: string): AwsFunctionConfig => json(findResource('aws:lambda/function:Function', fn).inputs.environment.variables[AWS_CONFIG_ENV]);
const statements = (fn: string) => json(findResource('aws:iam/rolePolicy:RolePolicy', `${fn}-policy`).inputs.policy).Statement as any[];

describe('aws function', () => {
  it('creates exactly a log group, a role, its policy and the function for a queue consumer', async () => {
    await realizeOnAws(app());
    expect(inventoryOf(findResource('herald:aws:Function', 'charge'))).to.deep.equal({
      'aws:cloudwatch/logGroup:LogGroup': 1,
      'aws:iam/role:Role': 1,
      'aws:iam/rolePolicy:RolePolicy': 1,
      'aws:lambda/function:Function': 1,
    });
  });

  it('adds an on-failure destination, invoke config and DLQ alarm for a direct subscriber', async () => {
    await realizeOnAws(app());
    expect(inventoryOf(findResource('herald:aws:Function', 'confirm'))).to.deep.equal({
      'aws:cloudwatch/logGroup:LogGroup': 1,
      'aws:iam/role:Role': 1,
      'aws:iam/rolePolicy:RolePolicy': 1,
      'aws:lambda/function:Function': 1,
      'aws:sqs/queue:Queue': 1, // failed asynchronous invocations
      'aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig': 1,
      'aws:cloudwatch/metricAlarm:MetricAlarm': 1, // its depth
    });
    const invoke = findResource('aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig', 'confirm-async');
    expect(invoke.inputs).to.deep.include({
      functionName: findResource('aws:lambda/function:Function', 'confirm').outputs.name,
      maximumRetryAttempts: 2,
      destinationConfig: { onFailure: { destination: findResource('aws:sqs/queue:Queue', 'confirm-async-failures').outputs.arn } },
    });
  });

  it('runs the bundle on nodejs22.x with the spec timeout, memory, concurrency and its own log group', async () => {
    await realizeOnAws(app());
    const fn = findResource('aws:lambda/function:Function', 'charge');
    const logs = findResource('aws:cloudwatch/logGroup:LogGroup', 'charge-logs');
    expect(fn.inputs).to.deep.include({
      runtime: 'nodejs22.x', handler: 'index.handler', architectures: ['arm64'], timeout: 10, memorySize: 512, reservedConcurrentExecutions: 4,
      role: findResource('aws:iam/role:Role', 'charge-role').outputs.arn,
      loggingConfig: { logFormat: 'Text', logGroup: logs.outputs.name },
    });
    expect(logs.inputs).to.deep.include({ name: '/herald/herald/test/fn/charge', retentionInDays: 30 });
    const code = fn.inputs.code as pulumi.asset.AssetArchive;
    const assets = await code.assets;
    expect(Object.keys(assets)).to.deep.equal(['index.js']);
    expect(await (assets['index.js'] as pulumi.asset.StringAsset).text).to.contain(AWS_CONFIG_ENV);
  });

  it('writes the runtime config with physical names from outputs', async () => {
    await realizeOnAws(app());
    const queue = findResource('aws:sqs/queue:Queue', 'payments');
    expect(config('charge')).to.deep.equal({
      kind: 'function', name: 'charge', timeoutMs: 10_000, allowedPublishes: ['PaymentReceived.v1', 'PaymentFailed.v1'],
      channels: [{
        subscription: 'charge-shop', sourceKey: 'queue:payments', types: ['OrderPlaced.v2', 'OrderPlaced.v1'], maxAttempts: 5, residual: [],
        backoff: { baseMs: 1000, capMs: 300000 },
      }],
      publishTo: { kind: 'bus', busName: findResource('aws:cloudwatch/eventBus:EventBus', 'shop').outputs.name },
      sources: { [queue.outputs.arn]: 'queue:payments' },
      deadLetterQueues: { 'queue:payments': findResource('aws:sqs/queue:Queue', 'payments-dlq').outputs.url },
      idempotencyTable: findResource('aws:dynamodb/table:Table', 'f-idempotency').outputs.name,
      claimCheckBucket: findResource('aws:s3/bucket:Bucket', 'f-claim-check').outputs.bucket,
    });
    expect(findResource('aws:lambda/function:Function', 'charge').inputs.environment.variables).to.include({ CURRENCY: 'EUR', HERALD_FUNCTION: 'charge', HERALD_STACK: 'test' });
    expect(config('confirm').channels.map((c: { maxAttempts: number }) => c.maxAttempts)).to.deep.equal([3]);
    expect(config('confirm').deadLetterQueues).to.deep.equal({});
  });

  it('lets Lambda assume the role, and grants exactly what the function uses', async () => {
    await realizeOnAws(app());
    expect(json(findResource('aws:iam/role:Role', 'charge-role').inputs.assumeRolePolicy).Statement).to.deep.equal([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    const arn = (type: string, name: string) => findResource(type, name).outputs.arn;
    expect(statements('charge')).to.deep.equal([
      { Sid: 'Logs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`${arn('aws:cloudwatch/logGroup:LogGroup', 'charge-logs')}:*`] },
      { Sid: 'ReadQueues', Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'], Resource: [arn('aws:sqs/queue:Queue', 'payments')] },
      { Sid: 'DeadLetter', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [arn('aws:sqs/queue:Queue', 'payments-dlq')] },
      {
        Sid: 'PutEvents', Effect: 'Allow', Action: ['events:PutEvents'], Resource: [arn('aws:cloudwatch/eventBus:EventBus', 'shop')],
        Condition: { StringEquals: { 'events:detail-type': ['PaymentReceived.v1', 'PaymentFailed.v1'], 'events:source': ['shop.payments'] } },
      },
      { Sid: 'Idempotency', Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], Resource: [arn('aws:dynamodb/table:Table', 'f-idempotency')] },
      { Sid: 'ClaimCheck', Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: [`${arn('aws:s3/bucket:Bucket', 'f-claim-check')}/claim-check/*`] },
    ]);
    // A direct subscriber that publishes nothing: no publish grant, its own DLQ for the on-failure destination.
    expect(statements('confirm').map((s) => s.Sid)).to.deep.equal(['Logs', 'DeadLetter', 'Idempotency', 'ClaimCheck']);
    expect(statements('confirm')[1].Resource).to.deep.equal([arn('aws:sqs/queue:Queue', 'confirm-async-failures')]);
  });

  it('gives a function with several subscriptions one channel each, with its own residual and attempts', async () => {
    const t = topology('f');
    const bus = t.bus('shop');
    const audit = t.stream('audit', { key: 'data.orderId', maxAttempts: 7 });
    t.fn('feed', { handler: 'functions/audit-orders.ts' }).subscribe(bus, { events: [OrderPlaced], via: audit });
    t.fn('watch', { handler: 'functions/audit-orders.ts' })
      .subscribe(audit, { events: [OrderPlaced], where: { subject: { prefix: 'eu/' } } })
      .subscribe(bus, { events: [PaymentReceived] });
    await realizeOnAws(t.build());
    const { channels } = config('watch');
    expect(channels.map((c) => [c.subscription, c.sourceKey, c.maxAttempts, c.residual])).to.deep.equal([
      ['watch-audit', 'stream:audit', 7, [{ field: 'type', op: 'in', values: ['OrderPlaced.v2', 'OrderPlaced.v1'] }, { field: 'subject', op: 'prefix', values: ['eu/'] }]],
      ['watch-shop', 'direct:shop', 3, []],
    ]);
    expect(config('watch').sources).to.deep.equal({ [findResource('aws:kinesis/stream:Stream', 'audit').outputs.arn]: 'stream:audit' });
  });
});
