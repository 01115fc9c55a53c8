/** queue → SQS queue + DLQ, redrive policies, retention, the 6× rule, FIFO, and the mapping settings it implies. */
import { expect } from 'chai';
import { topology, TopologyError } from '../../../contracts';
import { OrderPlaced } from '../../../app/events';
import { batchingWindowSeconds, SQS_LIMITS } from '../../../providers/aws/limits';
import { findResource, inventoryOf, json, realizeOnAws, resourcesOf } from '../../helpers/pulumi-mocks';
import { expectReject } from '../../helpers/reject';

/** One bus, one queue with the given options, one 10 s function reading it. */
function app(queue: Parameters<ReturnType<typeof topology>['queue']>[1] = {}) {
  const t = topology('q').event(OrderPlaced);
  const bus = t.bus('orders');
  const q = t.queue('payments', queue);
  t.fn('charge', { handler: 'functions/charge-payment.ts', timeout: '10s' }).subscribe(bus, { events: [OrderPlaced], via: q });
  return t.build();
}

describe('aws queue', () => {
  it('creates exactly a queue, its dead-letter queue and the two redrive policies', async () => {
    await realizeOnAws(app());
    expect(inventoryOf(findResource('herald:aws:Queue', 'payments'))).to.deep.equal({
      'aws:sqs/queue:Queue': 2, // the queue and its DLQ
      'aws:sqs/redrivePolicy:RedrivePolicy': 1, // queue → DLQ after maxAttempts
      'aws:sqs/redriveAllowPolicy:RedriveAllowPolicy': 1, // only this queue may redrive into the DLQ
    });
  });

  it('dead-letters after maxAttempts receives, as an integer maxReceiveCount', async () => {
    await realizeOnAws(app({ maxAttempts: 7 }));
    const dlq = findResource('aws:sqs/queue:Queue', 'payments-dlq');
    const queue = findResource('aws:sqs/queue:Queue', 'payments');
    const redrive = findResource('aws:sqs/redrivePolicy:RedrivePolicy', 'payments-redrive');
    expect(redrive.inputs.queueUrl).to.equal(queue.outputs.url);
    expect(json(redrive.inputs.redrivePolicy)).to.deep.equal({ deadLetterTargetArn: dlq.outputs.arn, maxReceiveCount: 7 });
    const allow = findResource('aws:sqs/redriveAllowPolicy:RedriveAllowPolicy', 'payments-redrive-allow');
    expect(allow.inputs.queueUrl).to.equal(dlq.outputs.url);
    expect(json(allow.inputs.redriveAllowPolicy)).to.deep.equal({ redrivePermission: 'byQueue', sourceQueueArns: [queue.outputs.arn] });
  });

  it('keeps dead letters at least as long as the queue keeps events', async () => {
    await realizeOnAws(app({ retention: '10d', deadLetterRetention: '10d' }));
    expect(findResource('aws:sqs/queue:Queue', 'payments').inputs.messageRetentionSeconds).to.equal(864_000);
    expect(findResource('aws:sqs/queue:Queue', 'payments-dlq').inputs.messageRetentionSeconds).to.equal(864_000);
    await realizeOnAws(app());
    expect(findResource('aws:sqs/queue:Queue', 'payments-dlq').inputs.messageRetentionSeconds).to.equal(SQS_LIMITS.maxRetentionSeconds);
  });

  it('sets the visibility timeout to 6× the consumer timeout plus the batching window', async () => {
    await realizeOnAws(app());
    expect(findResource('aws:sqs/queue:Queue', 'payments').inputs.visibilityTimeoutSeconds).to.equal(60);
    await realizeOnAws(app({ batch: { window: '5s' } }));
    expect(findResource('aws:sqs/queue:Queue', 'payments').inputs.visibilityTimeoutSeconds).to.equal(65);
    // Batches over 10 need a window of at least 1 s, which the timeout must cover too.
    await realizeOnAws(app({ batch: { size: 50 } }));
    expect(findResource('aws:sqs/queue:Queue', 'payments').inputs.visibilityTimeoutSeconds).to.equal(61);
  });

  it('keeps a visibility timeout set through overrides.aws', async () => {
    await realizeOnAws(app({ overrides: { aws: { visibilityTimeoutSeconds: 300 } } }));
    expect(findResource('aws:sqs/queue:Queue', 'payments').inputs.visibilityTimeoutSeconds).to.equal(300);
  });

  it('polls with ReportBatchItemFailures and the spec batch size and window', async () => {
    await realizeOnAws(app({ batch: { size: 25, window: '3s' } }));
    const [mapping, ...others] = resourcesOf('aws:lambda/eventSourceMapping:EventSourceMapping');
    expect(others).to.have.length(0);
    expect(mapping!.inputs.eventSourceArn).to.equal(findResource('aws:sqs/queue:Queue', 'payments').outputs.arn);
    expect(mapping!.inputs.functionResponseTypes).to.deep.equal(['ReportBatchItemFailures']);
    expect(mapping!.inputs.batchSize).to.equal(25);
    expect(mapping!.inputs.maximumBatchingWindowInSeconds).to.equal(3);
    expect(mapping!.inputs).not.to.have.property('filterCriteria');
  });

  it('is FIFO, with a FIFO dead-letter queue and no batching window, when it orders by key', async () => {
    await realizeOnAws(app({ orderBy: 'data.orderId' }));
    const queue = findResource('aws:sqs/queue:Queue', 'payments');
    expect(queue.inputs).to.include({ fifoQueue: true, contentBasedDeduplication: true, deduplicationScope: 'messageGroup', fifoThroughputLimit: 'perMessageGroupId' });
    expect(queue.outputs.name).to.match(/\.fifo$/);
    expect(findResource('aws:sqs/queue:Queue', 'payments-dlq').inputs.fifoQueue).to.equal(true);
    expect(resourcesOf('aws:lambda/eventSourceMapping:EventSourceMapping')[0]!.inputs).not.to.have.property('maximumBatchingWindowInSeconds');
  });

  it('refuses a retention SQS cannot keep', async () => {
    const error = await expectReject(realizeOnAws(app({ retention: '20d', deadLetterRetention: '20d' })), TopologyError, /2 problem/);
    expect(error.issues.map((i) => [i.field, i.message])).to.deep.equal([
      ['queues[payments].retention', "[queues[payments].retention] 20d is outside SQS's 60 s–14 d"],
      ['queues[payments].deadLetterRetention', "[queues[payments].deadLetterRetention] 20d is outside SQS's 60 s–14 d"],
    ]);
  });

  it('uses a window of at least 1 s for batches over 10, none on FIFO queues', () => {
    expect(batchingWindowSeconds({ batch: { size: 10, window: '0s' } })).to.equal(0);
    expect(batchingWindowSeconds({ batch: { size: 11, window: '0s' } })).to.equal(1);
    expect(batchingWindowSeconds({ batch: { size: 11, window: '4s' } })).to.equal(4);
    expect(batchingWindowSeconds({ orderBy: 'subject', batch: { size: 10, window: '0s' } })).to.equal(0);
  });
});
