/** queue → a Service Bus queue: delivery count, lock vs timeout, expiry dead-lettering, duplicate detection, sessions. */
import { expect } from 'chai';
import { topology, TopologyError } from '../../../contracts';
import { OrderPlaced } from '../../../app/events';
import { isoSeconds, isoToSeconds } from '../../../providers/azure/iso-duration';
import { findResource, realizeOnAzure } from '../../helpers/azure-mocks';
import { inventoryOf } from '../../helpers/pulumi-mocks';
import { expectReject } from '../../helpers/reject';

/** One bus, one queue with the given options, one function with `timeout` reading it. */
function app(queue: Parameters<ReturnType<typeof topology>['queue']>[1] = {}, timeout: `${number}s` = '10s') {
  const t = topology('q').event(OrderPlaced);
  const bus = t.bus('orders');
  const q = t.queue('payments', queue);
  t.fn('charge', { handler: 'functions/charge-payment.ts', timeout }).subscribe(bus, { events: [OrderPlaced], via: q });
  return t.build();
}

describe('azure queue', () => {
  it('creates exactly one Service Bus queue in the stack namespace (the dead-letter queue is its built-in sub-queue)', async () => {
    await realizeOnAzure(app());
    expect(inventoryOf(findResource('herald:azure:Queue', 'payments'))).to.deep.equal({ 'azure-native:servicebus:Queue': 1 });
    const queue = findResource('azure-native:servicebus:Queue', 'payments');
    expect(queue.inputs.namespaceName).to.equal(findResource('azure-native:servicebus:Namespace', 'q-sb').outputs.name);
    expect(queue.id).to.match(/^\/subscriptions\/0{8}-0{4}-0{4}-0{4}-0{12}\/resourceGroups\/[^/]+\/providers\/Microsoft\.ServiceBus\/namespaces\/q-sb[0-9a-f]{8}\/queues\/payments$/);
  });

  it('dead-letters after maxAttempts deliveries and on expiry, keeps events for the retention, and drops resends by message id', async () => {
    await realizeOnAzure(app({ maxAttempts: 7, retention: '2d' }));
    expect(findResource('azure-native:servicebus:Queue', 'payments').inputs).to.include({
      queueName: 'payments', maxDeliveryCount: 7, deadLetteringOnMessageExpiration: true, defaultMessageTimeToLive: 'P2D',
      requiresDuplicateDetection: true, duplicateDetectionHistoryTimeWindow: 'PT10M', requiresSession: false,
    });
  });

  it('locks a message for the reader timeout plus settling, at least 30 s and at most PT5M', async () => {
    await realizeOnAzure(app({}, '10s'));
    expect(findResource('azure-native:servicebus:Queue', 'payments').inputs.lockDuration).to.equal('PT30S');
    await realizeOnAzure(app({}, '60s'));
    expect(findResource('azure-native:servicebus:Queue', 'payments').inputs.lockDuration).to.equal('PT1M10S');
    await realizeOnAzure(app({}, '500s'));
    expect(findResource('azure-native:servicebus:Queue', 'payments').inputs.lockDuration).to.equal('PT5M');
  });

  it('is a session queue without duplicate detection when it orders by key', async () => {
    await realizeOnAzure(app({ orderBy: 'data.orderId' }));
    const queue = findResource('azure-native:servicebus:Queue', 'payments');
    expect(queue.inputs).to.include({ requiresSession: true, requiresDuplicateDetection: false });
    expect(queue.inputs).not.to.have.property('duplicateDetectionHistoryTimeWindow');
  });

  it('keeps a lock set through overrides.azure, and refuses one shorter than the reader needs or over PT5M', async () => {
    await realizeOnAzure(app({ overrides: { azure: { lockDuration: 'PT2M' } } }));
    expect(findResource('azure-native:servicebus:Queue', 'payments').inputs.lockDuration).to.equal('PT2M');
    const error = await expectReject(realizeOnAzure(app({ overrides: { azure: { lockDuration: 'PT10S' } } }, '60s')), TopologyError, /1 problem/);
    expect(error.issues[0]!.field).to.equal('queues[payments].overrides.azure.lockDuration');
    expect(error.issues[0]!.message).to.match(/PT10S is under PT1M10S/);
    await expectReject(realizeOnAzure(app({ overrides: { azure: { lockDuration: 'PT6M' } } })), TopologyError, /outside Service Bus's PT5S–PT5M/);
  });

  it('writes and reads ISO 8601 durations of whole seconds', () => {
    expect([30, 70, 300, 3_600, 86_400, 93_784].map(isoSeconds)).to.deep.equal(['PT30S', 'PT1M10S', 'PT5M', 'PT1H', 'P1D', 'P1DT2H3M4S']);
    expect(['PT30S', 'P1DT2H3M4S', 'PT5M'].map(isoToSeconds)).to.deep.equal([30, 93_784, 300]);
    expect(isoToSeconds('5m')).to.be.NaN;
    expect(isoToSeconds('PT')).to.be.NaN;
  });
});
