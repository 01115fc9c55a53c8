/**
 * The Azure entry: which triggers it registers from the config, and how each message ends. The SDK
 * clients are the recording fakes `herald invoke` uses, so the Service Bus resends and dead-letter blobs
 * checked here are the calls the SDK would be asked to make.
 */
import { expect } from 'chai';
import { OrderPlaced } from '../../../../app/events';
import { DEFAULT_BACKOFF, NonRetryableError, on, type Envelope, type Logger, type RuntimeChannel } from '../../../../contracts';
import { handler as chargePayment } from '../../../../functions/charge-payment';
import { recordingClients, type RecordedCall } from '../../../../providers/azure/recording-clients';
import type { AzureFunctionConfig } from '../../../../providers/azure/runtime/config';
import { createAzureFunction, EVENT_HUB_RETRY, registerAzureFunction } from '../../../../providers/azure/runtime/entry';
import { EVENT_GRID_HANDLER_MS } from '../../../../providers/azure/host';
import { register } from '../../../../providers/azure/runtime/registration';
import { RESEND_PROPERTIES, serviceBusPropertyName } from '../../../../providers/azure/runtime/wire';
import { InMemoryIdempotencyStore, RecordingPublisher } from '../../../../runtime';
import { envelope, eventHubBatch, serviceBusMessage } from './fixtures';

const NOW = Date.parse('2026-03-01T10:00:00.000Z');
const channel = (sourceKey: string, extra: Partial<RuntimeChannel> = {}): RuntimeChannel => ({
  subscription: `sub-${sourceKey}`, sourceKey, types: ['OrderPlaced.v2', 'OrderPlaced.v1'], maxAttempts: 5, residual: [], backoff: DEFAULT_BACKOFF, ...extra,
});
const blob = { endpoint: 'https://shopherald.blob.core.windows.net', container: 'dead-letters' };
const config = (over: Partial<AzureFunctionConfig> = {}): AzureFunctionConfig => ({
  kind: 'function', name: 'charge-payment', timeoutMs: 10_000, identityClientId: 'client-1',
  allowedPublishes: ['PaymentReceived.v1', 'PaymentFailed.v1'],
  channels: [channel('queue:payments')],
  triggers: [{ kind: 'serviceBusQueue', name: 'queue-payments', sourceKey: 'queue:payments', connection: 'HERALD_SERVICEBUS', queueName: '%HERALD_QUEUE_PAYMENTS%', sessions: false }],
  serviceBus: { namespace: 'shop-bus.servicebus.windows.net', entities: { 'queue:payments': { queue: 'payments' } } },
  deadLetter: blob,
  ...over,
});
const item = { sku: 'sku-1', quantity: 1, unitPrice: 20 };
const order = (id: string, extra: Record<string, unknown> = {}): Envelope =>
  envelope({ id, type: 'OrderPlaced.v2', data: { orderId: id, amount: 20, currency: 'EUR', customerEmail: 'a@example.com', items: [item], channel: 'web', ...extra } });
const failing = (id: string) => order(id, { customerEmail: 'x@fail.example' });

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function harness(over: Partial<AzureFunctionConfig> = {}, definition = chargePayment) {
  const calls: RecordedCall[] = [];
  const publisher = new RecordingPublisher();
  let now = NOW;
  const waits: number[] = [];
  const built = createAzureFunction(definition, {
    config: config(over), publisher, clients: recordingClients((c) => calls.push(c)), logger: quiet,
    idempotency: new InMemoryIdempotencyStore(() => now), now: () => now,
    sleep: async (ms) => { waits.push(ms); now += ms; },
  });
  const run = (name: string, delivery: Parameters<(typeof built.registrations)[number]['run']>[0]) =>
    built.registrations.find((r) => r.name === name)!.run(delivery) as Promise<{ lines: unknown[]; fail?: string }>;
  return { built, calls, publisher, run, waits };
}

describe('providers/azure/runtime/entry', () => {
  it('registers one trigger per source, with the %SETTING% names and options the host reads', () => {
    const { built } = harness({
      channels: [channel('queue:payments'), channel('stream:order-audit', { orderKey: 'data.orderId' }), channel('direct:shop')],
      triggers: [
        { kind: 'serviceBusQueue', name: 'queue-payments', sourceKey: 'queue:payments', connection: 'HERALD_SERVICEBUS', queueName: '%HERALD_QUEUE_PAYMENTS%', sessions: true },
        { kind: 'serviceBusTopic', name: 'queue-t-s', sourceKey: 'queue:t-s', connection: 'HERALD_SERVICEBUS', topicName: '%HERALD_TOPIC_T_S%', subscriptionName: '%HERALD_SUBSCRIPTION_T_S%', sessions: false },
        { kind: 'eventHub', name: 'stream-order-audit', sourceKey: 'stream:order-audit', connection: 'HERALD_EVENTHUBS', eventHubName: '%HERALD_EVENTHUB_ORDER_AUDIT%', consumerGroup: '%HERALD_CONSUMER_GROUP_ORDER_AUDIT%' },
        { kind: 'eventGrid', name: 'events' },
      ],
    });
    const registered: Array<[string, string, Record<string, unknown>]> = [];
    const fake = (kind: string) => (name: string, options: Record<string, unknown>) => void registered.push([kind, name, options]);
    register(built.registrations, {
      serviceBusQueue: fake('serviceBusQueue'), serviceBusTopic: fake('serviceBusTopic'), eventHub: fake('eventHub'), eventGrid: fake('eventGrid'),
      http: fake('http'), timer: fake('timer'), cosmosDB: fake('cosmosDB'),
    } as never);
    expect(registered.map(([kind, name, { handler, ...options }]) => [kind, name, typeof handler, options])).to.deep.equal([
      ['serviceBusQueue', 'queue-payments', 'function', { connection: 'HERALD_SERVICEBUS', queueName: '%HERALD_QUEUE_PAYMENTS%', isSessionsEnabled: true, cardinality: 'one', autoCompleteMessages: true }],
      ['serviceBusTopic', 'queue-t-s', 'function', { connection: 'HERALD_SERVICEBUS', topicName: '%HERALD_TOPIC_T_S%', subscriptionName: '%HERALD_SUBSCRIPTION_T_S%', isSessionsEnabled: false, cardinality: 'one', autoCompleteMessages: true }],
      ['eventHub', 'stream-order-audit', 'function', { connection: 'HERALD_EVENTHUBS', eventHubName: '%HERALD_EVENTHUB_ORDER_AUDIT%', consumerGroup: '%HERALD_CONSUMER_GROUP_ORDER_AUDIT%', cardinality: 'many', retry: EVENT_HUB_RETRY }],
      ['eventGrid', 'events', 'function', {}],
    ]);
  });

  it('reads its config from HERALD_AZURE_CONFIG, and refuses an ingress config', () => {
    expect(() => createAzureFunction(chargePayment, { env: {} })).to.throw(Error, /HERALD_AZURE_CONFIG is not set/);
    expect(() => createAzureFunction(chargePayment, { env: { HERALD_AZURE_CONFIG: '{"kind":"webhook"}' } })).to.throw(Error, /for a webhook ingress, not a function/);
    const built = createAzureFunction(chargePayment, { env: { HERALD_AZURE_CONFIG: JSON.stringify(config()) }, clients: recordingClients(() => {}), logger: quiet });
    expect(built.registrations.map((r) => r.name)).to.deep.equal(['queue-payments']);
    expect(registerAzureFunction).to.be.a('function');
  });

  it('completes a message that succeeded, publishing what the handler published', async () => {
    const { run, publisher, calls } = harness();
    expect(await run('queue-payments', serviceBusMessage(order('o-1')))).to.deep.equal({ lines: [{ outcome: 'ok', attempt: 1 }] });
    expect(publisher.events.map((e) => e.type)).to.deep.equal(['PaymentReceived.v1']);
    expect(calls).to.deep.equal([]);
  });

  it('retries a failed message by a scheduled resend after the backoff, carrying the attempts spent, and completes the original', async () => {
    const { run, calls } = harness();
    const answer = await run('queue-payments', serviceBusMessage(failing('o-2'), { messageId: 'o-2', deliveryCount: 1, properties: { [serviceBusPropertyName('type')]: 'OrderPlaced.v2' } }));
    expect(answer.fail).to.equal(undefined);
    const [line] = answer.lines as Array<{ outcome: string; reason: string; retryAfterMs: number; attempt: number }>;
    expect(line).to.include({ outcome: 'retry', attempt: 1 });
    expect(line!.reason).to.match(/payment processor unavailable/);
    expect(calls).to.have.length(1);
    const call = calls[0]!;
    expect(call).to.include({ sdk: 'serviceBus', call: 'scheduleMessages', target: 'shop-bus.servicebus.windows.net/payments' });
    const { messages, scheduledEnqueueTimeUtc } = call.input as { messages: { body: Buffer; messageId: string; contentType: string; applicationProperties: Record<string, unknown> }; scheduledEnqueueTimeUtc: string };
    expect(Date.parse(scheduledEnqueueTimeUtc) - NOW).to.equal(line!.retryAfterMs);
    expect(line!.retryAfterMs).to.be.within(0, DEFAULT_BACKOFF.baseMs);
    expect(messages.messageId).to.equal('o-2~2');
    expect(messages.contentType).to.equal('application/cloudevents+json');
    expect(JSON.parse(messages.body.toString('utf8'))).to.deep.equal(failing('o-2'));
    expect(messages.applicationProperties).to.include({ [RESEND_PROPERTIES.attempts]: 1, [serviceBusPropertyName('type')]: 'OrderPlaced.v2' });
  });

  it('counts a resent copy\'s attempts on, and dead-letters it with the reason when they are spent', async () => {
    const { run, calls } = harness();
    const answer = await run('queue-payments', serviceBusMessage(failing('o-3'), { messageId: 'o-3~5', properties: { [RESEND_PROPERTIES.attempts]: 4 } }));
    const [line] = answer.lines as Array<{ outcome: string; reason: string; attempt: number }>;
    expect(line).to.include({ outcome: 'dead-letter', attempt: 5 });
    expect(line!.reason).to.match(/^gave up after 5 attempts: .*payment processor unavailable/);
    expect(answer.fail).to.equal(undefined);
    expect(calls.map((c) => [c.sdk, c.call])).to.deep.equal([['blob', 'upload']]);
    expect(calls[0]!.target).to.match(/^https:\/\/shopherald\.blob\.core\.windows\.net\/dead-letters\/herald\/charge-payment\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/o-3-[0-9a-f-]{36}\.json$/);
    const document = JSON.parse((calls[0]!.input as { body: string }).body);
    expect(document).to.include({ function: 'charge-payment', source: 'queue:payments', itemId: 'o-3~5', eventId: 'o-3', type: 'OrderPlaced.v2', attempt: 5 });
    expect(document.reason).to.equal(line!.reason);
    expect(JSON.parse(document.body)).to.deep.equal(failing('o-3'));
  });

  it('dead-letters bad input and NonRetryableError at once, with the reason', async () => {
    const refuse = on(OrderPlaced, async () => { throw new NonRetryableError('card declined for good'); });
    const { run, calls } = harness({}, refuse);
    const notJson = await run('queue-payments', serviceBusMessage('not json'));
    expect(notJson.lines).to.deep.equal([{ outcome: 'dead-letter', reason: (notJson.lines[0] as { reason: string }).reason, attempt: 1 }]);
    expect((notJson.lines[0] as { reason: string }).reason).to.match(/EnvelopeDecodeError/);
    const declined = await run('queue-payments', serviceBusMessage(order('o-4')));
    expect(declined.lines).to.deep.equal([{ outcome: 'dead-letter', reason: 'NonRetryableError: card declined for good', attempt: 1 }]);
    expect(calls.map((c) => c.call)).to.deep.equal(['upload', 'upload']);
  });

  it('retries a session message in place: the invocation fails so the session redelivers it at once, in order', async () => {
    const { run, calls } = harness({
      channels: [channel('queue:payments', { orderKey: 'data.orderId' })],
      triggers: [{ kind: 'serviceBusQueue', name: 'queue-payments', sourceKey: 'queue:payments', connection: 'HERALD_SERVICEBUS', queueName: '%HERALD_QUEUE_PAYMENTS%', sessions: true }],
    });
    const answer = await run('queue-payments', serviceBusMessage(failing('o-5'), { sessionId: 'o-5', deliveryCount: 2 }));
    expect(answer.lines).to.have.length(1);
    expect(answer.lines[0]).to.include({ outcome: 'retry', attempt: 2 });
    expect(answer.lines[0]).not.to.have.property('retryAfterMs');
    expect(answer.fail).to.match(/1 of 1 message\(s\) to be redelivered: .*payment processor unavailable/);
    expect(calls).to.deep.equal([]);
  });

  it('fails the invocation when the dead letter cannot be written, so the message is not lost', async () => {
    const { built } = { built: createAzureFunction(chargePayment, {
      config: config(), publisher: new RecordingPublisher(), clients: recordingClients(() => {}), logger: quiet,
      deadLetter: async () => { throw new Error('403 AuthorizationPermissionMismatch'); },
    }) };
    const answer = await built.registrations[0]!.run(serviceBusMessage('not json')) as { lines: unknown[]; fail?: string };
    expect(answer.lines[0]).to.include({ outcome: 'dead-letter' });
    expect(answer.fail).to.match(/to be redelivered/);
  });

  it('drops a retry copy resent to the topic for another subscription', async () => {
    const { run, publisher } = harness({
      channels: [channel('queue:order-notifications-a')],
      triggers: [{ kind: 'serviceBusTopic', name: 'queue-t-a', sourceKey: 'queue:order-notifications-a', connection: 'HERALD_SERVICEBUS', topicName: '%T%', subscriptionName: '%S%', sessions: false }],
      serviceBus: { namespace: 'ns', entities: { 'queue:order-notifications-a': { topic: 'order-notifications', subscription: 'a' } } },
    });
    const other = await run('queue-t-a', serviceBusMessage(order('o-6'), { properties: { [RESEND_PROPERTIES.subscription]: 'b' } }));
    expect(other.lines).to.deep.equal([{ outcome: 'filtered', reason: 'a retry copy for subscription b' }]);
    const mine = await run('queue-t-a', serviceBusMessage(order('o-6'), { properties: { [RESEND_PROPERTIES.subscription]: 'a' } }));
    expect(mine.lines).to.deep.equal([{ outcome: 'ok', attempt: 1 }]);
    expect(publisher.events).to.have.length(1);
  });

  it('resends a topic subscriber\'s retry to the topic, naming its subscription', async () => {
    const { run, calls } = harness({
      channels: [channel('queue:order-notifications-a')],
      triggers: [{ kind: 'serviceBusTopic', name: 'queue-t-a', sourceKey: 'queue:order-notifications-a', connection: 'HERALD_SERVICEBUS', topicName: '%T%', subscriptionName: '%S%', sessions: false }],
      serviceBus: { namespace: 'ns', entities: { 'queue:order-notifications-a': { topic: 'order-notifications', subscription: 'a' } } },
    });
    await run('queue-t-a', serviceBusMessage(failing('o-7')));
    expect(calls[0]).to.include({ call: 'scheduleMessages', target: 'ns/order-notifications' });
    expect((calls[0]!.input as { messages: { applicationProperties: Record<string, unknown> } }).messages.applicationProperties)
      .to.include({ [RESEND_PROPERTIES.subscription]: 'a', [RESEND_PROPERTIES.attempts]: 1 });
  });

  describe('Event Hubs', () => {
    const streamConfig: Partial<AzureFunctionConfig> = {
      channels: [channel('stream:order-audit', { orderKey: 'data.orderId', maxAttempts: 3 })],
      triggers: [{ kind: 'eventHub', name: 'stream-order-audit', sourceKey: 'stream:order-audit', connection: 'HERALD_EVENTHUBS', eventHubName: '%H%', consumerGroup: '%G%' }],
    };

    it('retries a record in place with backoff, keeps its key\'s later records behind it, and dead-letters it when its attempts are spent', async () => {
      const seen: string[] = [];
      const flaky = on(OrderPlaced, async (e) => {
        seen.push(e.id);
        if (e.data.customerEmail === 'x@fail.example') throw new Error('warehouse down');
      });
      const { run, calls, waits } = harness(streamConfig, flaky);
      const batch = eventHubBatch([failing('a1'), order('a2'), order('b1')], ['k-a', 'k-a', 'k-b']);
      const answer = await run('stream-order-audit', batch);
      expect(answer.fail).to.equal(undefined);
      expect(answer.lines).to.have.length(3);
      expect(answer.lines[0]).to.include({ outcome: 'dead-letter', attempt: 3 });
      expect(answer.lines.slice(1)).to.deep.equal([{ outcome: 'ok', attempt: 1 }, { outcome: 'ok', attempt: 1 }]);
      // a2 ran only after a1 was settled; b1 did not wait for key k-a.
      expect(seen.indexOf('a2')).to.be.greaterThan(seen.lastIndexOf('a1'));
      expect(seen.filter((id) => id === 'a1')).to.have.length(3);
      expect(waits).to.have.length(2);
      expect(calls.map((c) => c.call)).to.deep.equal(['upload']);
      expect(JSON.parse((calls[0]!.input as { body: string }).body)).to.include({ source: 'stream:order-audit', itemId: '3:4711' });
    });

    it('fails the batch (the trigger\'s retry policy runs it again) when a record cannot be settled within the invocation', async () => {
      const slow = on(OrderPlaced, async () => { throw new Error('still down'); });
      const { run } = harness({ ...streamConfig, timeoutMs: 10_000, channels: [channel('stream:order-audit', { orderKey: 'data.orderId', maxAttempts: 30, backoff: { baseMs: 60_000, capMs: 600_000 } })] }, slow);
      const answer = await run('stream-order-audit', eventHubBatch([order('a1'), order('a2')], ['k-a', 'k-a']));
      expect(answer.lines[0]).to.include({ outcome: 'retry' });
      expect(answer.lines[1]).to.deep.equal({ outcome: 'retry', reason: answer.lines[1] && (answer.lines[1] as { reason: string }).reason });
      expect((answer.lines[1] as { reason: string }).reason).to.match(/not processed: an earlier record of k-a failed/);
      expect(answer.fail).to.match(/2 of 2 message\(s\) to be redelivered/);
    });
  });

  describe('Event Grid', () => {
    const directConfig: Partial<AzureFunctionConfig> = {
      timeoutMs: 60_000,
      channels: [channel('direct:shop', { maxAttempts: 3 })],
      triggers: [{ kind: 'eventGrid', name: 'events' }],
    };

    it('answers a pushed event; a failure fails the invocation so Event Grid retries it on its schedule', async () => {
      const { run } = harness(directConfig);
      expect(await run('events', { input: order('o-8') })).to.deep.equal({ lines: [{ outcome: 'ok', attempt: 1 }] });
      const failed = await run('events', { input: failing('o-9') });
      expect(failed.lines[0]).to.include({ outcome: 'retry', attempt: 1 });
      expect(failed.fail).to.match(/payment processor unavailable/);
    });

    it('gives a pushed event\'s handler until Event Grid\'s answer is due, whatever the function\'s timeout; a queued one its whole timeout', async () => {
      const budgets: number[] = [];
      const measure = on(OrderPlaced, async (_e, ctx) => { budgets.push(ctx.deadline.getTime() - Date.now()); });
      const { run } = harness({
        ...directConfig,
        channels: [channel('direct:shop'), channel('queue:payments')],
        triggers: [{ kind: 'eventGrid', name: 'events' }, config().triggers[0]!],
      }, measure);
      await run('events', { input: order('o-10') });
      await run('queue-payments', serviceBusMessage(order('o-11')));
      expect(budgets[0]).to.be.within(EVENT_GRID_HANDLER_MS - 1_000, EVENT_GRID_HANDLER_MS);
      expect(budgets[1]).to.be.within(59_000, 60_000);
    });
  });
});
