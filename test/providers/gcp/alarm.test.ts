/** alarm → Cloud Monitoring alert policies: oldest unacked age, dead-letter depth, push errors; channels from config. */
import { expect } from 'chai';
import { OrderPlaced } from '../../../app/events';
import { topology, UnsupportedFeatureError } from '../../../contracts';
import { conditionFor } from '../../../providers/gcp/alarm';
import { realizeOnGcp, resourcesOf } from '../../helpers/gcp-mocks';
import { findResource } from '../../helpers/pulumi-mocks';

const threshold = (name: string) => findResource('gcp:monitoring/alertPolicy:AlertPolicy', name).inputs.conditions[0].conditionThreshold;

describe('gcp alarm', () => {
  function app() {
    const t = topology('al');
    const bus = t.bus('shop');
    const q = t.queue('payments', { alarmOnAge: '2m' });
    const charge = t.fn('charge', { handler: 'functions/charge-payment.ts' }).subscribe(bus, { events: [OrderPlaced], via: q });
    t.alarm('charge-errors', { on: charge, metric: 'errors', threshold: 3 });
    return t.build();
  }

  it('alarms on a queue\'s oldest unacked age on the subscriptions reading it, and on its dead letters > 0', async () => {
    await realizeOnGcp(app());
    const sub = findResource('gcp:pubsub/subscription:Subscription', 'charge-shop').inputs.name;
    expect(threshold('payments-age')).to.deep.equal({
      filter: `resource.type = "pubsub_subscription" AND resource.labels.subscription_id = one_of("${sub}") AND metric.type = "pubsub.googleapis.com/subscription/oldest_unacked_message_age"`,
      comparison: 'COMPARISON_GT', thresholdValue: 120, duration: '0s',
      aggregations: [{ alignmentPeriod: '300s', perSeriesAligner: 'ALIGN_MAX', crossSeriesReducer: 'REDUCE_MAX' }],
      trigger: { count: 1 }, evaluationMissingData: 'EVALUATION_MISSING_DATA_INACTIVE',
    });
    const dead = findResource('gcp:pubsub/subscription:Subscription', 'payments-dead-letters').outputs.name;
    expect(threshold('payments-dead-letters')).to.deep.include({
      filter: `resource.type = "pubsub_subscription" AND resource.labels.subscription_id = one_of("${dead}") AND metric.type = "pubsub.googleapis.com/subscription/num_undelivered_messages"`,
      thresholdValue: 0,
    });
  });

  it('alarms on a function\'s push error rate: pushes not acknowledged', async () => {
    await realizeOnGcp(app());
    const sub = findResource('gcp:pubsub/subscription:Subscription', 'charge-shop').inputs.name;
    expect(threshold('charge-errors')).to.deep.include({
      filter: `resource.type = "pubsub_subscription" AND resource.labels.subscription_id = one_of("${sub}") AND metric.type = "pubsub.googleapis.com/subscription/push_request_count" AND metric.labels.response_class != "ack"`,
      thresholdValue: 3, aggregations: [{ alignmentPeriod: '300s', perSeriesAligner: 'ALIGN_DELTA', crossSeriesReducer: 'REDUCE_SUM' }],
    });
  });

  it('gives every function pushed to a push error rate policy: pushes not acknowledged over all pushes, above 5%', async () => {
    await realizeOnGcp(app());
    const sub = findResource('gcp:pubsub/subscription:Subscription', 'charge-shop').inputs.name;
    const base = `resource.type = "pubsub_subscription" AND resource.labels.subscription_id = one_of("${sub}") AND metric.type = "pubsub.googleapis.com/subscription/push_request_count"`;
    const aggregation = [{ alignmentPeriod: '300s', perSeriesAligner: 'ALIGN_DELTA', crossSeriesReducer: 'REDUCE_SUM' }];
    expect(threshold('charge-push-errors')).to.deep.include({
      filter: `${base} AND metric.labels.response_class != "ack"`, denominatorFilter: base,
      aggregations: aggregation, denominatorAggregations: aggregation, thresholdValue: 0.05, comparison: 'COMPARISON_GT',
    });
  });

  it('notifies the channels herald:gcpNotificationChannels names, and none when it is unset', async () => {
    const channels = ['projects/herald-dev/notificationChannels/123', 'projects/herald-dev/notificationChannels/456'];
    await realizeOnGcp(app(), { 'herald:gcpNotificationChannels': JSON.stringify(channels) });
    const policies = resourcesOf('gcp:monitoring/alertPolicy:AlertPolicy');
    expect(policies.length).to.be.greaterThan(2);
    for (const p of policies) expect(p.inputs.notificationChannels, p.name).to.deep.equal(channels);
    await realizeOnGcp(app());
    for (const p of resourcesOf('gcp:monitoring/alertPolicy:AlertPolicy')) expect(p.inputs, p.name).not.to.have.property('notificationChannels');
  });

  it('refuses a metric with no GCP meaning, naming the alarm', () => {
    const spec = { kind: 'alarm', name: 'x', on: { kind: 'queue', name: 'q' }, metric: 'errors', threshold: 1, period: '5m' } as const;
    expect(() => conditionFor(spec, { kind: 'queue', subscriptions: ['s'], deadLetterSubscription: 'd' })).to.throw(UnsupportedFeatureError, /\[alarms\[x\]\.metric\] a queue has no error metric/);
    expect(() => conditionFor({ ...spec, metric: 'depth' }, { kind: 'queue', subscriptions: [], deadLetterSubscription: 'd' })).to.throw(UnsupportedFeatureError, /no subscription reads queue q/);
  });
});
