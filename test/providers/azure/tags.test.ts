/** Default tags on Azure resources: the same keys as on AWS, legal in Azure tag names. */
import { expect } from 'chai';
import { defaultTags, TAG_KEYS } from '../../../providers/azure/tags';
import { findResource, realizeOnAzure } from '../../helpers/azure-mocks';
import { topology } from '../../../contracts';
import { OrderPlaced } from '../../../app/events';

describe('azure tags', () => {
  it('uses keys Azure accepts', () => {
    for (const key of Object.values(TAG_KEYS)) expect(key).not.to.match(/[<>%&\\?/]/);
    expect(defaultTags('dev', 'payments', 'queue')).to.deep.equal({ 'herald:stack': 'dev', 'herald:logicalName': 'payments', 'herald:kind': 'queue' });
  });

  it('tags what a kind creates with the stack, logical name and kind', async () => {
    const t = topology('tg').event(OrderPlaced);
    t.fn('charge', { handler: 'functions/charge-payment.ts', timeout: '10s' }).subscribe(t.bus('orders'), { events: [OrderPlaced] });
    await realizeOnAzure(t.build());
    expect(findResource('azure-native:eventgrid:Topic', 'orders').inputs.tags).to.deep.equal(defaultTags('test', 'orders', 'bus'));
    expect(findResource('azure-native:web:WebApp', 'charge').inputs.tags).to.deep.equal(defaultTags('test', 'charge', 'fn'));
  });
});
