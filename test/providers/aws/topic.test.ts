/** topic → SNS + a queue per subscriber; the SNS subscription: raw delivery, filter policy, redrive policy. */
import { expect } from 'chai';
import { topology, UnsupportedFeatureError } from '../../../contracts';
import { OrderPlaced, OrderPlacedV1 } from '../../../app/events';
import { compileSnsFilterPolicy } from '../../../providers/aws/filter';
import { findResource, inventoryOf, json, realizeOnAws, resourcesOf } from '../../helpers/pulumi-mocks';
import { expectReject } from '../../helpers/reject';

function app(options: { via?: boolean; ordered?: boolean } = {}) {
  const t = topology('t').event(OrderPlacedV1, OrderPlaced);
  const orders = t.topic('orders');
  const q = options.via ? t.queue('confirmations', options.ordered ? { orderBy: 'data.orderId' } : {}) : undefined;
  t.fn('confirm', { handler: 'functions/send-confirmation.ts', timeout: '20s' })
    .subscribe(orders, { events: [OrderPlaced], where: { subject: { prefix: 'eu/' } }, ...(q ? { via: q } : {}) });
  return t.build();
}

describe('aws topic', () => {
  it('creates the SNS topic and, per subscriber without a queue, a queue with its DLQ, redrive and alarms', async () => {
    await realizeOnAws(app());
    expect(inventoryOf(findResource('herald:aws:Topic', 'orders'))).to.deep.equal({
      'aws:sns/topic:Topic': 1,
      'aws:sqs/queue:Queue': 2, // the subscriber queue and its DLQ
      'aws:sqs/redrivePolicy:RedrivePolicy': 1,
      'aws:sqs/redriveAllowPolicy:RedriveAllowPolicy': 1,
      'aws:cloudwatch/metricAlarm:MetricAlarm': 2, // oldest message age, dead letters
    });
    // The 6× rule with the subscriber's 20 s timeout.
    expect(findResource('aws:sqs/queue:Queue', 'orders-confirm-orders').inputs.visibilityTimeoutSeconds).to.equal(120);
  });

  it('subscribes the queue with raw delivery, the compiled filter policy and a redrive policy', async () => {
    await realizeOnAws(app());
    const sub = findResource('aws:sns/topicSubscription:TopicSubscription', 'confirm-orders-sns');
    const queue = findResource('aws:sqs/queue:Queue', 'orders-confirm-orders');
    const dlq = findResource('aws:sqs/queue:Queue', 'orders-confirm-orders-dlq');
    expect(sub.inputs).to.include({ protocol: 'sqs', rawMessageDelivery: true, filterPolicyScope: 'MessageAttributes', topic: findResource('aws:sns/topic:Topic', 'orders').outputs.arn, endpoint: queue.outputs.arn });
    // The v2 subscriber also reads v1 events (upcast), so both wire types are in the policy.
    const expected = compileSnsFilterPolicy({ types: ['OrderPlaced.v2', 'OrderPlaced.v1'], where: { subject: { prefix: 'eu/' } } }).native;
    expect(json(sub.inputs.filterPolicy)).to.deep.equal(expected);
    expect(expected).to.deep.equal({ ce_type: ['OrderPlaced.v2', 'OrderPlaced.v1'], ce_subject: [{ prefix: 'eu/' }] });
    expect(json(sub.inputs.redrivePolicy)).to.deep.equal({ deadLetterTargetArn: dlq.outputs.arn });
  });

  it('lets SNS send to the queue and its DLQ only from this topic', async () => {
    await realizeOnAws(app());
    const topicArn = findResource('aws:sns/topic:Topic', 'orders').outputs.arn;
    const policies = resourcesOf('aws:sqs/queuePolicy:QueuePolicy');
    expect(policies.map((p) => p.inputs.queueUrl).sort()).to.deep.equal(
      [findResource('aws:sqs/queue:Queue', 'orders-confirm-orders').outputs.url, findResource('aws:sqs/queue:Queue', 'orders-confirm-orders-dlq').outputs.url].sort());
    for (const p of policies) {
      const [statement, ...more] = json(p.inputs.policy).Statement;
      expect(more).to.have.length(0);
      expect(statement).to.deep.include({ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': [topicArn] } } });
    }
  });

  it('delivers to a declared queue instead of creating one', async () => {
    await realizeOnAws(app({ via: true }));
    expect(inventoryOf(findResource('herald:aws:Topic', 'orders'))).to.deep.equal({ 'aws:sns/topic:Topic': 1 });
    expect(findResource('aws:sns/topicSubscription:TopicSubscription', 'confirm-orders-sns').inputs.endpoint)
      .to.equal(findResource('aws:sqs/queue:Queue', 'confirmations').outputs.arn);
  });

  it('refuses to feed an ordered (FIFO) queue from a standard topic', async () => {
    await expectReject(realizeOnAws(app({ via: true, ordered: true })), UnsupportedFeatureError, /aws cannot realize subscription.*FIFO/);
  });
});
