/** alarm → CloudWatch: queue age and dead letters, stream iterator age, function errors; defaults and overrides. */
import { expect } from 'chai';
import { topology, UnsupportedFeatureError } from '../../../contracts';
import { OrderPlaced } from '../../../app/events';
import { alarmPeriodSeconds } from '../../../providers/aws/alarm';
import { findResource, inventoryOf, realizeOnAws, resourcesOf } from '../../helpers/pulumi-mocks';
import { expectReject } from '../../helpers/reject';

function app(build: (t: ReturnType<typeof topology>, refs: { q: any; s: any; f: any }) => void = () => undefined, queueAlarm: false | '2m' = '2m') {
  const t = topology('a');
  const bus = t.bus('shop');
  const q = t.queue('payments', { alarmOnAge: queueAlarm });
  const s = t.stream('audit', { key: 'data.orderId', alarmOnAge: '10m' });
  const f = t.fn('charge', { handler: 'functions/charge-payment.ts', timeout: '10s' }).subscribe(bus, { events: [OrderPlaced], via: q });
  t.fn('audit', { handler: 'functions/audit-orders.ts', timeout: '10s' }).subscribe(bus, { events: [OrderPlaced], via: s });
  build(t, { q, s, f });
  return t.build();
}
const metric = (name: string) => findResource('aws:cloudwatch/metricAlarm:MetricAlarm', name).inputs;

describe('aws alarm', () => {
  it('gives every queue an oldest-message-age alarm and a dead-letter alarm, every stream an iterator-age one', async () => {
    await realizeOnAws(app());
    expect(inventoryOf(findResource('herald:aws:Alarm', 'payments-age'))).to.deep.equal({ 'aws:cloudwatch/metricAlarm:MetricAlarm': 1 });
    expect(metric('payments-age')).to.deep.include({
      namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage', statistic: 'Maximum', threshold: 120,
      comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'notBreaching', dimensions: { QueueName: findResource('aws:sqs/queue:Queue', 'payments').outputs.name },
    });
    expect(metric('payments-dead-letters')).to.deep.include({
      namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', threshold: 0, comparisonOperator: 'GreaterThanThreshold',
      dimensions: { QueueName: findResource('aws:sqs/queue:Queue', 'payments-dlq').outputs.name },
    });
    expect(metric('audit-iterator-age')).to.deep.include({
      namespace: 'AWS/Kinesis', metricName: 'GetRecords.IteratorAgeMilliseconds', statistic: 'Maximum', threshold: 600_000,
      dimensions: { StreamName: findResource('aws:kinesis/stream:Stream', 'audit').outputs.name },
    });
    expect(metric('audit-dead-letters').dimensions).to.deep.equal({ QueueName: findResource('aws:sqs/queue:Queue', 'audit-failures').outputs.name });
  });

  it('drops the defaults with alarmOnAge: false, and lets a declared alarm replace one', async () => {
    await realizeOnAws(app((t, { s }) => t.alarm('audit-lag', { on: s, metric: 'iteratorAge', threshold: 30, period: '1m' }), false));
    const names = resourcesOf('herald:aws:Alarm').map((a) => a.name).sort();
    expect(names).to.deep.equal(['audit-dead-letters', 'audit-lag']);
    expect(metric('audit-lag')).to.include({ threshold: 30_000, period: 60 });
  });

  it('alarms on a function\'s errors', async () => {
    await realizeOnAws(app((t, { f }) => t.alarm('charge-errors', { on: f, metric: 'errors', threshold: 3 })));
    expect(metric('charge-errors')).to.deep.include({
      namespace: 'AWS/Lambda', metricName: 'Errors', statistic: 'Sum', threshold: 3, period: 300,
      dimensions: { FunctionName: findResource('aws:lambda/function:Function', 'charge').outputs.name },
    });
  });

  it('refuses, before creating anything, a metric the target has none of on AWS', async () => {
    await expectReject(realizeOnAws(app((t, { f }) => t.alarm('charge-dlq', { on: f, metric: 'deadLetters', threshold: 0 }))),
      UnsupportedFeatureError, /aws cannot realize alarm option "metric=deadLetters on fn": \[alarms\[charge-dlq\]\.metric\]/);
    expect(resourcesOf('aws:cloudwatch/metricAlarm:MetricAlarm')).to.have.length(0);
  });

  it('rounds periods to what CloudWatch takes', () => {
    expect([5, 10, 20, 30, 45, 60, 61, 300].map(alarmPeriodSeconds)).to.deep.equal([10, 10, 30, 30, 60, 60, 120, 300]);
  });
});
