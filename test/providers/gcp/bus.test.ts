/** bus → one Pub/Sub topic, labelled; its subscriptions are explicit push subscriptions on it. */
import { expect } from 'chai';
import { OrderPlaced } from '../../../app/events';
import { topology } from '../../../contracts';
import { realizeOnGcp } from '../../helpers/gcp-mocks';
import { findResource, inventoryOf } from '../../helpers/pulumi-mocks';

describe('gcp bus', () => {
  it('is one labelled topic, reported by its full name, with overrides passed through', async () => {
    const t = topology('b');
    t.fn('audit', { handler: 'functions/audit-orders.ts' }).subscribe(t.bus('shop', { overrides: { gcp: { messageRetentionDuration: '86400s' } } }), { events: [OrderPlaced] });
    const { result } = await realizeOnGcp(t.build());
    expect(inventoryOf(findResource('herald:gcp:Bus', 'shop'))).to.deep.equal({ 'gcp:pubsub/topic:Topic': 1 });
    const topic = findResource('gcp:pubsub/topic:Topic', 'shop');
    expect(topic.inputs).to.deep.equal({ labels: { 'herald-stack': 'test', 'herald-name': 'shop', 'herald-kind': 'bus' }, messageRetentionDuration: '86400s' });
    expect(topic.id).to.match(/^projects\/herald-dev\/topics\/shop-[0-9a-f]{7}$/);
    expect(result.outputs.buses!.shop).to.have.keys('name', 'id');
    expect(findResource('gcp:pubsub/subscription:Subscription', 'audit-shop').inputs.topic).to.equal(topic.id);
  });
});
