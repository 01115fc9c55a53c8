/** topic → a fan-out topic; each subscriber its own push subscription, filter, dead-letter topic and default alerts. */
import { expect } from 'chai';
import { OrderConfirmed } from '../../../app/events';
import { topology } from '../../../contracts';
import { realizeOnGcp, resourcesOf } from '../../helpers/gcp-mocks';
import { findResource, inventoryOf } from '../../helpers/pulumi-mocks';

describe('gcp topic', () => {
  it('gives each subscriber its own push subscription on the topic, its own filter and dead letters, and alerts on both', async () => {
    const t = topology('t');
    const topic = t.topic('notes');
    t.fn('mail', { handler: 'functions/send-confirmation.ts' }).subscribe(topic, { events: [OrderConfirmed], where: { subject: { prefix: 'eu/' } } });
    t.fn('ship', { handler: 'functions/notify-warehouse.ts' }).subscribe(topic, { events: [OrderConfirmed] });
    await realizeOnGcp(t.build());
    expect(inventoryOf(findResource('herald:gcp:Topic', 'notes'))).to.deep.equal({
      'gcp:pubsub/topic:Topic': 3, 'gcp:pubsub/subscription:Subscription': 2, 'gcp:pubsub/topicIAMMember:TopicIAMMember': 2,
      'gcp:monitoring/alertPolicy:AlertPolicy': 4,
    });
    const id = findResource('gcp:pubsub/topic:Topic', 'notes').id;
    const mail = findResource('gcp:pubsub/subscription:Subscription', 'mail-notes').inputs;
    const ship = findResource('gcp:pubsub/subscription:Subscription', 'ship-notes').inputs;
    expect(mail.messageRetentionDuration).to.equal(`${4 * 86_400}s`); // a subscriber's own queue keeps the queue default
    expect(mail).to.deep.include({ topic: id, filter: 'attributes.ce-type = "OrderConfirmed.v1" AND hasPrefix(attributes.ce-subject, "eu/")' });
    expect(ship).to.deep.include({ topic: id, filter: 'attributes.ce-type = "OrderConfirmed.v1"' });
    expect(mail.deadLetterPolicy.deadLetterTopic).to.equal(findResource('gcp:pubsub/topic:Topic', 'notes-mail-notes-dlq').id);
    expect(ship.deadLetterPolicy.deadLetterTopic).to.equal(findResource('gcp:pubsub/topic:Topic', 'notes-ship-notes-dlq').id);
    // The age alert watches the subscriber's push subscription by its physical name.
    const age = resourcesOf('gcp:monitoring/alertPolicy:AlertPolicy').find((p) => p.name === 'notes-mail-notes-age')!;
    expect(age.inputs.conditions[0].conditionThreshold.filter).to.equal(
      `resource.type = "pubsub_subscription" AND resource.labels.subscription_id = one_of("${mail.name}") AND metric.type = "pubsub.googleapis.com/subscription/oldest_unacked_message_age"`);
    expect(age.inputs.conditions[0].conditionThreshold.thresholdValue).to.equal(300);
  });
});
