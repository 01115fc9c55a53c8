/** topic → a Service Bus topic and a subscription per queue-less subscriber, each its own queue (delivery count, lock, dead letters). */
import { expect } from 'chai';
import { DEFAULTS, topology } from '../../../contracts';
import { PaymentReceived } from '../../../app/events';
import { findResource, realizeOnAzure, resourcesOf } from '../../helpers/azure-mocks';
import { inventoryOf } from '../../helpers/pulumi-mocks';

function app() {
  const t = topology('tp').event(PaymentReceived);
  const topic = t.topic('notes');
  const inbox = t.queue('inbox');
  t.fn('fan', { handler: 'functions/send-confirmation.ts', timeout: '10s' }).subscribe(topic, { events: [PaymentReceived] });
  t.fn('slow', { handler: 'functions/send-confirmation.ts', timeout: '120s' }).subscribe(topic, { events: [PaymentReceived] });
  t.fn('reader', { handler: 'functions/send-confirmation.ts', timeout: '10s' }).subscribe(topic, { events: [PaymentReceived], via: inbox });
  return t.build();
}

describe('azure topic', () => {
  it('creates the topic, a subscription per queue-less subscriber, and alerts on its dead letters and backlog', async () => {
    await realizeOnAzure(app());
    expect(inventoryOf(findResource('herald:azure:Topic', 'notes'))).to.deep.equal({
      'azure-native:servicebus:Topic': 1,
      'azure-native:servicebus:Subscription': 2, // fan's and slow's; reader's forwards to its queue (subscription.ts)
      'azure-native:monitor:MetricAlert': 2,
    });
    expect(findResource('azure-native:servicebus:Topic', 'notes').inputs).to.include({ topicName: 'notes', requiresDuplicateDetection: true, duplicateDetectionHistoryTimeWindow: 'PT10M' });
  });

  it("gives each subscriber's own subscription the queue defaults and a lock from its reader's timeout", async () => {
    await realizeOnAzure(app());
    const fan = findResource('azure-native:servicebus:Subscription', 'notes-fan-notes');
    expect(fan.inputs).to.include({
      subscriptionName: 'fan-notes', maxDeliveryCount: DEFAULTS.queue.maxAttempts, lockDuration: 'PT30S', deadLetteringOnMessageExpiration: true,
      deadLetteringOnFilterEvaluationExceptions: true, requiresSession: false, defaultMessageTimeToLive: 'P4D',
    });
    expect(findResource('azure-native:servicebus:Subscription', 'notes-slow-notes').inputs.lockDuration).to.equal('PT2M10S');
  });

  it('alerts on the topic entity (Service Bus metrics split by queue or topic, not subscription)', async () => {
    await realizeOnAzure(app());
    const [dead, depth] = ['notes-dead-letters', 'notes-depth'].map((n) => findResource('azure-native:monitor:MetricAlert', n).inputs);
    const ns = findResource('azure-native:servicebus:Namespace', 'tp-sb').id;
    expect(dead!.scopes).to.deep.equal([ns]);
    expect(dead!.criteria.allOf[0]).to.deep.include({ metricName: 'DeadletteredMessages', operator: 'GreaterThan', threshold: 0, dimensions: [{ name: 'EntityName', operator: 'Include', values: ['notes'] }] });
    expect(depth!.criteria.allOf[0]).to.deep.include({ metricName: 'ActiveMessages', threshold: 1000 });
    // The declared queue's defaults come from realize(): its age (as depth) and dead letters.
    expect(resourcesOf('azure-native:monitor:MetricAlert').map((r) => r.name).sort()).to.deep.equal(['inbox-age', 'inbox-dead-letters', 'notes-dead-letters', 'notes-depth']);
  });
});
