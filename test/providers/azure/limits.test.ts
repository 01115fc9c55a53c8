/** Azure limits as data and the settings derived from them. */
import { expect } from 'chai';
import { topology } from '../../../contracts';
import { OrderPlaced } from '../../../app/events';
import { AZURE_DELIVERY } from '../../../providers/azure/filter';
import { EVENT_GRID_LIMITS, FLEX_LIMITS, partitionCount, queueLockDuration, requiredLock, SERVICE_BUS_LIMITS } from '../../../providers/azure/limits';

function app(timeout: `${number}s`) {
  const t = topology('l').event(OrderPlaced);
  const q = t.queue('payments');
  t.fn('a', { handler: 'functions/charge-payment.ts', timeout }).subscribe(t.bus('orders'), { events: [OrderPlaced], via: q });
  t.fn('b', { handler: 'functions/charge-payment.ts', timeout: '20s' }).subscribe(t.bus('orders'), { name: 'b-orders', events: [OrderPlaced], via: q });
  t.queue('idle');
  return t.build();
}

describe('azure limits', () => {
  it('locks a queue for its slowest reader plus settling, within Service Bus bounds', () => {
    const t = app('100s');
    expect(requiredLock(t, AZURE_DELIVERY, { name: 'payments' })).to.equal('PT1M50S');
    expect(requiredLock(t, AZURE_DELIVERY, { name: 'idle' })).to.equal('PT40S');
    expect(queueLockDuration(t, AZURE_DELIVERY, { ...t.queues[0]!, overrides: { azure: { lockDuration: 'PT3M' } } })).to.equal('PT3M');
    expect(SERVICE_BUS_LIMITS.maxLockSeconds).to.equal(300);
  });

  it('keeps the documented bounds', () => {
    expect(EVENT_GRID_LIMITS).to.deep.equal({ maxDeliveryAttempts: 30, maxEventTtlMinutes: 1440, responseTimeoutSeconds: 30 });
    expect(FLEX_LIMITS.instanceMemoryMb).to.deep.equal([512, 2048, 4096]);
    expect(partitionCount({})).to.equal(4);
    expect(partitionCount({ overrides: { azure: { partitionCount: 2 } } })).to.equal(2);
  });
});
