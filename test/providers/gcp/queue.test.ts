/** queue → its dead letters (topic, pull subscription, agent publisher); the subscriptions through it carry its settings. */
import { expect } from 'chai';
import { OrderPlaced } from '../../../app/events';
import { topology } from '../../../contracts';
import { realizeOnGcp } from '../../helpers/gcp-mocks';
import { findResource, inventoryOf } from '../../helpers/pulumi-mocks';

describe('gcp queue', () => {
  const t = topology('q');
  const q = t.queue('payments', { maxAttempts: 8, retention: '3d', deadLetterRetention: '20d', orderBy: 'subject' });
  t.fn('charge', { handler: 'functions/charge-payment.ts', timeout: '10s' }).subscribe(t.bus('shop'), { events: [OrderPlaced], via: q });
  const app = t.build();

  it('is a dead-letter topic, the pull subscription keeping its dead letters, and the agent\'s grant to publish there', async () => {
    await realizeOnGcp(app);
    expect(inventoryOf(findResource('herald:gcp:Queue', 'payments'))).to.deep.equal({
      'gcp:pubsub/topic:Topic': 1, 'gcp:pubsub/subscription:Subscription': 1, 'gcp:pubsub/topicIAMMember:TopicIAMMember': 1,
    });
    const dlt = findResource('gcp:pubsub/topic:Topic', 'payments-dlq');
    expect(findResource('gcp:pubsub/subscription:Subscription', 'payments-dead-letters').inputs).to.deep.include({
      topic: dlt.id, messageRetentionDuration: `${20 * 86_400}s`, expirationPolicy: { ttl: '' }, ackDeadlineSeconds: 60,
    });
    expect(findResource('gcp:pubsub/topicIAMMember:TopicIAMMember', 'payments-dlq-agent-publisher').inputs).to.include({ topic: dlt.id, role: 'roles/pubsub.publisher' });
  });

  it('gives the push subscription through it its attempts, retention and order', async () => {
    await realizeOnGcp(app);
    expect(findResource('gcp:pubsub/subscription:Subscription', 'charge-shop').inputs).to.deep.include({
      messageRetentionDuration: `${3 * 86_400}s`, enableMessageOrdering: true,
      deadLetterPolicy: { deadLetterTopic: findResource('gcp:pubsub/topic:Topic', 'payments-dlq').id, maxDeliveryAttempts: 8 },
    });
  });
});
