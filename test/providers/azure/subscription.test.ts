/**
 * subscription → Event Grid event subscriptions (CloudEvents delivery, filters from the plan, retry
 * policy, identity-based dead letters and delivery, message/session id mapping), Service Bus `$Default`
 * rules on topic subscriptions, and Event Grid's Data Sender role on exactly the queue it feeds.
 */
import { expect } from 'chai';
import { topology } from '../../../contracts';
import { OrderPlaced, PaymentReceived } from '../../../app/events';
import { ROLES } from '../../../providers/azure/iam';
import { deliveryAttribute } from '../../../providers/azure/subscription';
import { findResource, realizeOnAzure, resourcesOf, rolesOf } from '../../helpers/azure-mocks';
import { inventoryOf } from '../../helpers/pulumi-mocks';

function busApp(options: { orderBy?: string; twoSubscriptions?: boolean } = {}) {
  const t = topology('s').event(OrderPlaced, PaymentReceived);
  const bus = t.bus('orders');
  const q = t.queue('payments', { maxAttempts: 7, ...(options.orderBy ? { orderBy: options.orderBy } : {}) });
  const charge = t.fn('charge', { handler: 'functions/charge-payment.ts', timeout: '10s' }).subscribe(bus, { events: [OrderPlaced], via: q, where: { source: { in: ['shop.orders'] } } });
  if (options.twoSubscriptions) charge.subscribe(bus, { name: 'charge-paid', events: [PaymentReceived], via: q });
  t.fn('confirm', { handler: 'functions/confirm-order.ts', timeout: '10s' }).subscribe(bus, { events: [PaymentReceived] });
  return t.build();
}

function topicApp() {
  const t = topology('tp').event(PaymentReceived);
  const topic = t.topic('notes');
  const inbox = t.queue('inbox');
  t.fn('fan', { handler: 'functions/send-confirmation.ts', timeout: '10s' }).subscribe(topic, { events: [PaymentReceived], where: { subject: { prefix: 'eu/' } } });
  t.fn('reader', { handler: 'functions/send-confirmation.ts', timeout: '10s' }).subscribe(topic, { events: [PaymentReceived], via: inbox });
  return t.build();
}

describe('azure subscription', () => {
  it('delivers a bus subscription through its queue with the topic identity, the message id from the event id', async () => {
    await realizeOnAzure(busApp());
    const sub = findResource('azure-native:eventgrid:TopicEventSubscription', 'charge-orders');
    const topic = findResource('azure-native:eventgrid:Topic', 'orders');
    const queue = findResource('azure-native:servicebus:Queue', 'payments');
    expect(sub.inputs.topicName).to.equal(topic.outputs.name);
    expect(sub.inputs).to.include({ eventDeliverySchema: 'CloudEventSchemaV1_0', eventSubscriptionName: 'charge-orders' });
    expect(sub.inputs).not.to.have.property('destination');
    expect(sub.inputs.deliveryWithResourceIdentity).to.deep.equal({
      identity: { type: 'SystemAssigned' },
      destination: { endpointType: 'ServiceBusQueue', resourceId: queue.id, deliveryAttributeMappings: [{ name: 'MessageId', type: 'Dynamic', sourceField: 'id' }] },
    });
    expect(sub.inputs.retryPolicy).to.deep.equal({ maxDeliveryAttempts: 7, eventTimeToLiveInMinutes: 1440 });
  });

  it('filters with the compiled includedEventTypes and advanced filters of the delivery plan', async () => {
    await realizeOnAzure(busApp());
    const filter = findResource('azure-native:eventgrid:TopicEventSubscription', 'charge-orders').inputs.filter;
    expect(filter.includedEventTypes).to.deep.equal(['OrderPlaced.v2', 'OrderPlaced.v1']);
    expect(filter.advancedFilters).to.deep.equal([{ operatorType: 'StringIn', key: 'source', values: ['shop.orders'] }]);
  });

  it('dead-letters to the bus container with the topic identity, which may write that container only', async () => {
    await realizeOnAzure(busApp());
    const sub = findResource('azure-native:eventgrid:TopicEventSubscription', 'charge-orders');
    const container = findResource('azure-native:storage:BlobContainer', 'orders-dead-letters');
    expect(container.outputs.name).to.equal('bus-orders-dead-letters');
    expect(sub.inputs).not.to.have.property('deadLetterDestination');
    expect(sub.inputs.deadLetterWithResourceIdentity).to.deep.equal({
      identity: { type: 'SystemAssigned' },
      deadLetterDestination: { endpointType: 'StorageBlob', resourceId: findResource('azure-native:storage:StorageAccount', 's-storage').id, blobContainerName: 'bus-orders-dead-letters' },
    });
    const principal = String(findResource('azure-native:eventgrid:Topic', 'orders').outputs.identity.principalId);
    expect(rolesOf(principal)).to.deep.equal([
      [ROLES.serviceBusDataSender.id, findResource('azure-native:servicebus:Queue', 'payments').id],
      [ROLES.storageBlobDataContributor.id, container.id],
    ].sort());
  });

  it('grants Event Grid the sender role on a queue once, however many subscriptions of the bus feed it', async () => {
    await realizeOnAzure(busApp({ twoSubscriptions: true }));
    const senders = resourcesOf('azure-native:authorization:RoleAssignment').filter((r) => r.inputs.roleDefinitionId.endsWith(ROLES.serviceBusDataSender.id)
      && r.inputs.principalId === findResource('azure-native:eventgrid:Topic', 'orders').outputs.identity.principalId);
    expect(senders.map((r) => r.name)).to.deep.equal(['charge-orders-sender']);
    expect(inventoryOf(findResource('herald:azure:Subscription', 'charge-paid'))).to.deep.equal({ 'azure-native:eventgrid:TopicEventSubscription': 1 });
  });

  it('sets the session id from the order key on an ordered queue (Event Grid sets one of session and message id)', async () => {
    await realizeOnAzure(busApp({ orderBy: 'data.orderId' }));
    expect(findResource('azure-native:eventgrid:TopicEventSubscription', 'charge-orders').inputs.deliveryWithResourceIdentity.destination.deliveryAttributeMappings)
      .to.deep.equal([{ name: 'SessionId', type: 'Dynamic', sourceField: 'data.orderId' }]);
    expect(deliveryAttribute('hub', 'subject')).to.deep.equal({ name: 'PartitionKey', sourceField: 'subject' });
    expect(deliveryAttribute('queue', undefined)).to.deep.equal({ name: 'MessageId', sourceField: 'id' });
  });

  it('pushes a direct subscription to the function one event at a time, with the bounded direct attempts', async () => {
    await realizeOnAzure(busApp());
    const sub = findResource('azure-native:eventgrid:TopicEventSubscription', 'confirm-orders');
    expect(sub.inputs.destination).to.deep.equal({
      endpointType: 'AzureFunction', resourceId: `${findResource('azure-native:web:WebApp', 'confirm').id}/functions/events`, maxEventsPerBatch: 1,
    });
    expect(sub.inputs.retryPolicy.maxDeliveryAttempts).to.equal(3);
    expect(sub.inputs).not.to.have.property('deliveryWithResourceIdentity');
    expect(inventoryOf(findResource('herald:azure:Subscription', 'confirm-orders'))).to.deep.equal({ 'azure-native:eventgrid:TopicEventSubscription': 1 });
  });

  it('warns when a pushed function runs longer than Event Grid waits', async () => {
    const t = topology('w').event(OrderPlaced);
    t.fn('slow', { handler: 'functions/charge-payment.ts', timeout: '60s' }).subscribe(t.bus('orders'), { events: [OrderPlaced] });
    const { warnings } = await realizeOnAzure(t.build());
    expect(warnings.some((w) => /Event Grid waits 30s for slow, whose timeout is 60s/.test(w))).to.equal(true);
  });

  it("replaces a topic subscription's $Default rule with the compiled SQL filter and the resend routing", async () => {
    await realizeOnAzure(topicApp());
    const own = findResource('azure-native:servicebus:Subscription', 'notes-fan-notes');
    const rule = findResource('azure-native:servicebus:DefaultRule', 'fan-notes-rule');
    expect(rule.inputs).to.include({ topicName: 'notes', subscriptionName: own.outputs.name, filterType: 'SqlFilter' });
    expect(rule.inputs.sqlFilter.sqlExpression).to.equal(
      "(herald_subscription IS NULL AND (cloudEvents_type IN ('PaymentReceived.v1') AND cloudEvents_subject LIKE 'eu/%' ESCAPE '!')) OR herald_subscription = 'fan-notes'",
    );
    expect(rule.outputs.name).to.equal('$Default');
  });

  it('forwards a topic subscription to its declared queue, with its own $Default rule', async () => {
    await realizeOnAzure(topicApp());
    const sub = findResource('azure-native:servicebus:Subscription', 'reader-notes');
    expect(sub.inputs).to.include({ topicName: 'notes', subscriptionName: 'reader-notes', forwardTo: 'inbox', deadLetteringOnFilterEvaluationExceptions: true });
    expect(findResource('azure-native:servicebus:DefaultRule', 'reader-notes-rule').inputs.subscriptionName).to.equal('reader-notes');
    expect(inventoryOf(findResource('herald:azure:Subscription', 'reader-notes'))).to.deep.equal({
      'azure-native:servicebus:Subscription': 1, 'azure-native:servicebus:DefaultRule': 1,
    });
  });
});
