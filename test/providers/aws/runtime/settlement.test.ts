import { expect } from 'chai';
import type { InboundRecord } from '../../../../runtime/binding';
import { awsSettlement } from '../../../../providers/aws/runtime/settlement';
import { sqsToken } from '../../../../providers/aws/runtime/sqs';

const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:payments';
const config = {
  name: 'charge-payment',
  sources: { [QUEUE_ARN]: 'queue:payments', 'arn:aws:kinesis:eu-west-1:123456789012:stream/audit': 'stream:audit' },
  deadLetterQueues: { 'queue:payments': 'https://sqs.eu-west-1.amazonaws.com/123456789012/payments-dlq' },
};
const record = (extra: Partial<InboundRecord> = {}): InboundRecord => ({ itemId: 'm-1', payload: {}, attempt: 1, rawBody: '{}', ...extra });

function recording() {
  const calls: unknown[][] = [];
  const settlement = awsSettlement(config, {
    visibility: async (...args) => void calls.push(['visibility', ...args]),
    deadLetter: async (url, r, reason, fn, source) => void calls.push(['deadLetter', url, r.itemId, reason, fn, source]),
  });
  return { calls, settlement };
}

describe('providers/aws/runtime/settlement', () => {
  it('delays an SQS record by its visibility, in whole seconds, on the queue its token names', async () => {
    const { calls, settlement } = recording();
    const set = await settlement.retryAfter(record({ channel: 'queue:payments', token: sqsToken(QUEUE_ARN, 'rh-1') }), 1_200);
    expect(set).to.equal(2_000);
    expect(calls).to.deep.equal([['visibility', 'https://sqs.eu-west-1.amazonaws.com/123456789012/payments', 'rh-1', 2]]);
  });

  it('caps the delay at the 12-hour visibility limit', async () => {
    const { calls, settlement } = recording();
    expect(await settlement.retryAfter(record({ token: sqsToken(QUEUE_ARN, 'rh-1') }), 48 * 3_600_000)).to.equal(43_200_000);
    expect(calls[0]![3]).to.equal(43_200);
  });

  it('cannot delay a record without an SQS token (a stream record, a push)', async () => {
    const { calls, settlement } = recording();
    expect(await settlement.retryAfter(record({ channel: 'stream:audit' }), 1_000)).to.equal(undefined);
    expect(await settlement.retryAfter(record({ token: 'something else' }), 1_000)).to.equal(undefined);
    expect(calls).to.deep.equal([]);
  });

  it("dead-letters to its channel's queue, naming the ARN it came from", async () => {
    const { calls, settlement } = recording();
    const target = await settlement.deadLetter(record({ channel: 'queue:payments' }), 'SchemaValidationError: x');
    expect(target).to.equal(config.deadLetterQueues['queue:payments']);
    expect(calls).to.deep.equal([['deadLetter', target, 'm-1', 'SchemaValidationError: x', 'charge-payment', QUEUE_ARN]]);
  });

  it('has no dead-letter target for a channel without one, or a record without a channel', async () => {
    const { calls, settlement } = recording();
    expect(await settlement.deadLetter(record({ channel: 'stream:audit' }), 'x')).to.equal(undefined);
    expect(await settlement.deadLetter(record(), 'x')).to.equal(undefined);
    expect(calls).to.deep.equal([]);
  });
});
