import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { DEFAULT_BACKOFF, on, type Envelope, type Logger } from '../../../../contracts';
import { handler as chargePayment } from '../../../../functions/charge-payment';
import { OrderPlaced } from '../../../../app/events';
import { AWS_CONFIG_ENV, type AwsFunctionConfig } from '../../../../providers/aws/runtime/config';
import { deadLetterSender } from '../../../../providers/aws/runtime/dead-letter';
import { createLambdaHandler } from '../../../../providers/aws/runtime/entry';
import { EventBridgeDeliveryError } from '../../../../providers/aws/runtime/eventbridge';
import { InMemoryIdempotencyStore, RecordingPublisher, type IdempotencyStore } from '../../../../runtime';
import { envelope, eventBridgeOf, kinesisEvent, sqsEvent, sqsRecord } from '../../../fixtures/aws';

const QUEUE_ARN = 'arn:aws:sqs:us-east-2:123456789012:my-queue';
const channel = {
  subscription: 'charge-payment-shop', sourceKey: 'queue:payments', types: ['OrderPlaced.v2', 'OrderPlaced.v1'], maxAttempts: 5, residual: [],
  backoff: DEFAULT_BACKOFF,
};
const config: AwsFunctionConfig = {
  kind: 'function', name: 'charge-payment', timeoutMs: 10_000, allowedPublishes: ['PaymentReceived.v1', 'PaymentFailed.v1'],
  channels: [channel], publishTo: { kind: 'bus', busName: 'shop' }, sources: { [QUEUE_ARN]: 'queue:payments' }, deadLetterQueues: {},
};
const item = { sku: 'sku-1', quantity: 1, unitPrice: 20 };
const orderData = (orderId: string, extra: Record<string, unknown> = {}) => ({ orderId, amount: 20, currency: 'EUR', customerEmail: 'a@example.com', items: [item], channel: 'web', ...extra });
const order = (id: string, extra: Record<string, unknown> = {}, type = 'OrderPlaced.v2'): Envelope =>
  envelope({ id, type, data: type === 'OrderPlaced.v1' ? { ...orderData(id, extra), channel: undefined } : orderData(id, extra) });

function recordingLogger(): Logger & { lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> } {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => { lines.push({ level, message, ...(fields ? { fields } : {}) }); };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('providers/aws/runtime/entry', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => sqs.reset());

  it('handles a mixed SQS batch: good events pass, bad input and failing handlers are reported with their reasons', async () => {
    const publisher = new RecordingPublisher();
    const logger = recordingLogger();
    const handle = createLambdaHandler(chargePayment, { config, publisher, logger });
    const response = await handle(sqsEvent(
      sqsRecord(JSON.stringify(order('o-1')), { messageId: 'm-ok' }),
      sqsRecord(JSON.stringify(order('o-2', {}, 'OrderPlaced.v1')), { messageId: 'm-v1' }),
      sqsRecord('not json at all', { messageId: 'm-text' }),
      sqsRecord('{"foo": 2}', { messageId: 'm-foreign' }),
      sqsRecord(JSON.stringify(order('o-3', { currency: 'euro' })), { messageId: 'm-invalid' }),
      sqsRecord(JSON.stringify(order('o-4', { customerEmail: 'x@fail.example' })), { messageId: 'm-fails' }),
    ));
    expect(response).to.deep.equal({ batchItemFailures: ['m-text', 'm-foreign', 'm-invalid', 'm-fails'].map((itemIdentifier) => ({ itemIdentifier })) });
    expect(publisher.events.map((e) => [e.type, (e.data as { orderId: string }).orderId])).to.deep.equal([['PaymentReceived.v1', 'o-1'], ['PaymentReceived.v1', 'o-2']]);
    const reasons = logger.lines.filter((l) => l.fields?.itemId).map((l) => [l.fields!.itemId, String(l.fields!.reason)]);
    expect(reasons.find(([id]) => id === 'm-text')![1]).to.match(/EnvelopeDecodeError: not JSON/);
    expect(reasons.find(([id]) => id === 'm-invalid')![1]).to.match(/SchemaValidationError: .*currency/);
    expect(reasons.find(([id]) => id === 'm-fails')![1]).to.match(/payment processor unavailable/);
  });

  it('sends bad input straight to the source queue\'s DLQ with the reason, and reports it handled', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
    const handle = createLambdaHandler(chargePayment, {
      config: { ...config, deadLetterQueues: { 'queue:payments': 'https://sqs.us-east-2.amazonaws.com/123456789012/my-queue-dlq' } },
      publisher: new RecordingPublisher(), logger: recordingLogger(), deadLetter: deadLetterSender(new SQSClient({})),
    });
    const response = await handle(sqsEvent(
      sqsRecord('{"foo": 2}', { messageId: 'm-foreign' }),
      sqsRecord(JSON.stringify(order('o-4', { customerEmail: 'x@fail.example' })), { messageId: 'm-fails', receiveCount: 2 }),
    ));
    // The failing handler still has attempts left: redelivered, not dead-lettered.
    expect(response).to.deep.equal({ batchItemFailures: [{ itemIdentifier: 'm-fails' }] });
    const sent = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(sent).to.have.length(1);
    expect(sent[0]).to.deep.include({ QueueUrl: 'https://sqs.us-east-2.amazonaws.com/123456789012/my-queue-dlq', MessageBody: '{"foo": 2}' });
    expect(sent[0]!.MessageAttributes!.herald_reason!.StringValue).to.match(/^EnvelopeDecodeError: unsupported specversion/);
    expect(sent[0]!.MessageAttributes!.herald_function!.StringValue).to.equal('charge-payment');
    expect(sent[0]!.MessageAttributes!.herald_source!.StringValue).to.equal(QUEUE_ARN);
  });

  it('dead-letters a handler that fails on its last attempt, and reports failure when the DLQ refuses', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('AccessDenied'));
    const logger = recordingLogger();
    const handle = createLambdaHandler(chargePayment, {
      config: { ...config, deadLetterQueues: { 'queue:payments': 'https://dlq' } }, publisher: new RecordingPublisher(), logger,
      deadLetter: deadLetterSender(new SQSClient({})),
    });
    const response = await handle(sqsEvent(sqsRecord(JSON.stringify(order('o-4', { customerEmail: 'x@fail.example' })), { messageId: 'm-last', receiveCount: 5 })));
    expect(response).to.deep.equal({ batchItemFailures: [{ itemIdentifier: 'm-last' }] });
    expect(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageAttributes!.herald_reason!.StringValue).to.match(/gave up after 5 attempts/);
    expect(logger.lines.some((l) => l.level === 'error' && /could not dead-letter/.test(l.message))).to.equal(true);
  });

  it('delays a failed SQS record\'s redelivery by the retry backoff, through its visibility', async () => {
    const calls: unknown[][] = [];
    const logger = recordingLogger();
    const handle = createLambdaHandler(chargePayment, {
      config, publisher: new RecordingPublisher(), logger, visibility: async (...args) => { calls.push(args); },
    });
    const failing = sqsRecord(JSON.stringify(order('o-9', { customerEmail: 'x@fail.example' })), { messageId: 'm-9' });
    const response = await handle(sqsEvent(failing));
    expect(response).to.deep.equal({ batchItemFailures: [{ itemIdentifier: 'm-9' }] });
    expect(calls).to.have.length(1);
    const [url, receipt, seconds] = calls[0] as [string, string, number];
    expect(url).to.equal('https://sqs.us-east-2.amazonaws.com/123456789012/my-queue');
    expect(receipt).to.equal(failing.receiptHandle);
    expect(seconds).to.be.within(0, 1); // attempt 1: full jitter below the 1 s base
    expect(logger.lines.find((l) => l.message.startsWith('record failed'))!.fields).to.include({ delayMs: seconds * 1000 });
  });

  it('defers a record whose event another process is handling: back once that hold lapses, not dead-lettered', async () => {
    const calls: unknown[][] = [];
    const logger = recordingLogger();
    let handled = 0;
    const now = Date.now();
    // As DynamoDB answers while another Lambda holds the claim for 4 more seconds.
    const elsewhere: IdempotencyStore = {
      begin: () => ({ state: 'in-progress', until: now + 4_000 }),
      complete() {}, release() {}, giveUp() {}, forget() {},
    };
    const handle = createLambdaHandler(on(OrderPlaced, async () => { handled++; }), {
      config: { ...config, deadLetterQueues: { 'queue:payments': 'https://dlq' } }, publisher: new RecordingPublisher(), logger,
      idempotency: elsewhere, visibility: async (...args) => { calls.push(args); }, deadLetter: async () => { throw new Error('not a dead letter'); },
    });
    const copy = sqsRecord(JSON.stringify(order('o-7')), { messageId: 'm-7', receiveCount: 5 });
    const response = await handle(sqsEvent(copy));
    expect(response).to.deep.equal({ batchItemFailures: [{ itemIdentifier: 'm-7' }] });
    expect(handled).to.equal(0);
    expect((calls[0] as [string, string, number])[2]).to.be.within(3, 4);
    expect(logger.lines.find((l) => l.message.startsWith('record deferred'))!.fields!.reason).to.equal('another delivery of this event is being handled');
  });

  it('still reports the record failed when SQS refuses the visibility change', async () => {
    const logger = recordingLogger();
    const handle = createLambdaHandler(chargePayment, {
      config, publisher: new RecordingPublisher(), logger, visibility: async () => { throw new Error('AccessDenied'); },
    });
    const response = await handle(sqsEvent(sqsRecord(JSON.stringify(order('o-8', { customerEmail: 'x@fail.example' })), { messageId: 'm-8' })));
    expect(response).to.deep.equal({ batchItemFailures: [{ itemIdentifier: 'm-8' }] });
    expect(logger.lines.some((l) => l.message.startsWith('could not set the retry backoff') && l.fields?.error === 'AccessDenied')).to.equal(true);
  });

  it('fails every later message of a FIFO group after a failure, and not the other groups', async () => {
    const seen: string[] = [];
    const definition = on(OrderPlaced, async (event) => {
      seen.push(event.data.orderId);
      if (event.data.orderId === 'a-1') throw new Error('boom');
    });
    const handle = createLambdaHandler(definition, { config, publisher: new RecordingPublisher(), logger: recordingLogger() });
    const response = await handle(sqsEvent(
      sqsRecord(JSON.stringify(order('a-1')), { messageId: 'a1', groupId: 'a' }),
      sqsRecord(JSON.stringify(order('b-1')), { messageId: 'b1', groupId: 'b' }),
      sqsRecord(JSON.stringify(order('a-2')), { messageId: 'a2', groupId: 'a' }),
      sqsRecord(JSON.stringify(order('b-2')), { messageId: 'b2', groupId: 'b' }),
    ));
    expect(response).to.deep.equal({ batchItemFailures: [{ itemIdentifier: 'a1' }, { itemIdentifier: 'a2' }] });
    expect(seen).to.include.members(['a-1', 'b-1', 'b-2']).and.not.include('a-2');
  });

  it('keeps Kinesis order per partition key and reports failed sequence numbers', async () => {
    const seen: string[] = [];
    const definition = on(OrderPlaced, async (event) => {
      seen.push(event.data.orderId);
      if (event.data.orderId === 'k-2') throw new Error('boom');
    });
    const handle = createLambdaHandler(definition, { config, publisher: new RecordingPublisher(), logger: recordingLogger() });
    const response = await handle(kinesisEvent(
      { data: JSON.stringify(order('k-1')), partitionKey: 'k', sequenceNumber: '1' },
      { data: JSON.stringify(order('k-2')), partitionKey: 'k', sequenceNumber: '2' },
      { data: JSON.stringify(order('j-1')), partitionKey: 'j', sequenceNumber: '3' },
      { data: JSON.stringify(order('k-3')), partitionKey: 'k', sequenceNumber: '4' },
    ));
    expect(response).to.deep.equal({ batchItemFailures: [{ itemIdentifier: '2' }, { itemIdentifier: '4' }] });
    expect(seen.filter((s) => s.startsWith('k'))).to.deep.equal(['k-1', 'k-2']);
  });

  it('answers a direct EventBridge delivery, and throws the reason when it fails', async () => {
    const handle = createLambdaHandler(chargePayment, { config, publisher: new RecordingPublisher(), logger: recordingLogger() });
    expect(await handle(eventBridgeOf(order('o-1')))).to.deep.equal({ status: 'ok' });
    let error: unknown;
    await handle(eventBridgeOf(order('o-5', { customerEmail: 'x@fail.example' }))).catch((e) => { error = e; });
    expect(error).to.be.instanceOf(EventBridgeDeliveryError);
    expect((error as Error).message).to.match(/payment processor unavailable/);
  });

  it('applies the residual filter and deduplicates with the idempotency store', async () => {
    const publisher = new RecordingPublisher();
    const handle = createLambdaHandler(chargePayment, {
      config: { ...config, channels: [{ ...channel, residual: [{ field: 'subject', op: 'prefix', values: ['eu/'] }] }] },
      publisher, logger: recordingLogger(), idempotency: new InMemoryIdempotencyStore(),
    });
    const eu = { ...order('o-eu'), subject: 'eu/o-eu' };
    const us = { ...order('o-us'), subject: 'us/o-us' };
    const response = await handle(sqsEvent(sqsRecord(JSON.stringify(eu)), sqsRecord(JSON.stringify(us))));
    await handle(sqsEvent(sqsRecord(JSON.stringify(eu))));
    expect(response).to.deep.equal({ batchItemFailures: [] });
    expect(publisher.events.map((e) => (e.data as { orderId: string }).orderId)).to.deep.equal(['o-eu']);
  });

  it('runs each channel with its own residual and attempts, chosen by the source a record came from', async () => {
    const OTHER_ARN = 'arn:aws:sqs:us-east-2:123456789012:other';
    const publisher = new RecordingPublisher();
    const logger = recordingLogger();
    const handle = createLambdaHandler(chargePayment, {
      config: {
        ...config,
        channels: [
          { ...channel, residual: [{ field: 'subject', op: 'prefix', values: ['eu/'] }] },
          { ...channel, subscription: 'charge-payment-other', sourceKey: 'queue:other', maxAttempts: 7, residual: [{ field: 'subject', op: 'prefix', values: ['us/'] }] },
        ],
        sources: { [QUEUE_ARN]: 'queue:payments', [OTHER_ARN]: 'queue:other' },
      },
      // No idempotency store: the attempt is the record's receive count (a store would count its own claims).
      publisher, logger,
    });
    const at = (id: string, subject: string, arn: string, extra: Record<string, unknown> = {}, receiveCount = 1) =>
      ({ ...sqsRecord(JSON.stringify({ ...order(id, extra), subject }), { messageId: id, receiveCount }), eventSourceARN: arn });
    const response = await handle(sqsEvent(
      at('o-1', 'eu/1', QUEUE_ARN), at('o-2', 'us/2', QUEUE_ARN), at('o-3', 'us/3', OTHER_ARN), at('o-4', 'eu/4', OTHER_ARN),
      // Attempt 5 of 7 on the second channel: retried, where the first channel (5 attempts) would give up.
      at('o-5', 'us/5', OTHER_ARN, { customerEmail: 'x@fail.example' }, 5),
    ));
    expect(publisher.events.map((e) => (e.data as { orderId: string }).orderId).sort()).to.deep.equal(['o-1', 'o-3']);
    expect(response).to.deep.equal({ batchItemFailures: [{ itemIdentifier: 'o-5' }] });
  });

  it('reads the config from the environment once, and explains a missing or wrong config', async () => {
    const env = { [AWS_CONFIG_ENV]: JSON.stringify(config) };
    const handle = createLambdaHandler(chargePayment, { env, publisher: new RecordingPublisher(), logger: recordingLogger() });
    await handle(sqsEvent(sqsRecord(JSON.stringify(order('o-1')))));
    env[AWS_CONFIG_ENV] = 'garbage';
    expect(await handle(sqsEvent(sqsRecord(JSON.stringify(order('o-2')))))).to.deep.equal({ batchItemFailures: [] });
    const missing = createLambdaHandler(chargePayment, { env: {} });
    let error: unknown;
    await missing(sqsEvent(sqsRecord('{}'))).catch((e) => { error = e; });
    expect((error as Error).message).to.match(/HERALD_AWS_CONFIG is not set/);
  });

  it('rejects a trigger it does not know, naming the function', async () => {
    const handle = createLambdaHandler(chargePayment, { config, publisher: new RecordingPublisher(), logger: recordingLogger() });
    let error: unknown;
    await handle({ hello: 'world' }).catch((e) => { error = e; });
    expect((error as Error).message).to.equal('charge-payment: not an SQS, Kinesis or EventBridge event');
  });
});
