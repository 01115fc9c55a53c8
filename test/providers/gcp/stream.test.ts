/** stream → ordered push subscriptions keyed by the stream's key, its attempts and dead letters; maxEventAge in the runtime. */
import { expect } from 'chai';
import { OrderPlaced, PaymentReceived } from '../../../app/events';
import { topology } from '../../../contracts';
import { GCP_CONFIG_ENV } from '../../../providers/gcp/runtime/config';
import { realizeOnGcp } from '../../helpers/gcp-mocks';
import { findResource, inventoryOf, json } from '../../helpers/pulumi-mocks';

describe('gcp stream', () => {
  it('makes its readers\' subscriptions ordered, with its attempts, retention and dead letters, and its publishers set the key', async () => {
    const t = topology('s');
    const bus = t.bus('shop');
    const s = t.stream('audit', { key: 'data.orderId', maxAttempts: 6, retention: '2d', maxEventAge: '30m' });
    t.fn('auditor', { handler: 'functions/audit-orders.ts' }).subscribe(bus, { events: [OrderPlaced], via: s });
    t.fn('payer', { handler: 'functions/charge-payment.ts', publishes: { to: bus, events: [PaymentReceived] } }).subscribe(bus, { events: [OrderPlaced] });
    await realizeOnGcp(t.build());
    expect(inventoryOf(findResource('herald:gcp:Stream', 'audit'))).to.deep.equal({
      'gcp:pubsub/topic:Topic': 1, 'gcp:pubsub/subscription:Subscription': 1, 'gcp:pubsub/topicIAMMember:TopicIAMMember': 1,
    });
    expect(findResource('gcp:pubsub/subscription:Subscription', 'auditor-shop').inputs).to.deep.include({
      enableMessageOrdering: true, messageRetentionDuration: `${2 * 86_400}s`,
      deadLetterPolicy: { deadLetterTopic: findResource('gcp:pubsub/topic:Topic', 'audit-dlq').id, maxDeliveryAttempts: 6 },
    });
    const auditor = json(findResource('gcp:cloudfunctionsv2/function:Function', 'auditor').inputs.serviceConfig.environmentVariables[GCP_CONFIG_ENV]);
    expect(Object.values(auditor.subscriptions)).to.deep.equal([{ channel: 'auditor-shop', deadLetterTopic: findResource('gcp:pubsub/topic:Topic', 'audit-dlq').id, maxEventAgeMs: 1_800_000 }]);
    const payer = json(findResource('gcp:cloudfunctionsv2/function:Function', 'payer').inputs.serviceConfig.environmentVariables[GCP_CONFIG_ENV]);
    expect(payer.publishTo.orderKey).to.equal('data.orderId');
  });
});
