import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { MAX_VISIBILITY_SECONDS, queueUrlOf, visibilityChanger } from '../../../../providers/aws/runtime/visibility';

describe('providers/aws/runtime/visibility', () => {
  it('derives a queue URL from its ARN, and nothing from other ARNs', () => {
    expect(queueUrlOf('arn:aws:sqs:eu-west-1:123456789012:payments')).to.equal('https://sqs.eu-west-1.amazonaws.com/123456789012/payments');
    expect(queueUrlOf('arn:aws:sqs:us-east-2:123456789012:orders.fifo')).to.equal('https://sqs.us-east-2.amazonaws.com/123456789012/orders.fifo');
    expect(queueUrlOf('arn:aws-cn:sqs:cn-north-1:123456789012:q')).to.equal('https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q');
    expect(queueUrlOf('arn:aws:kinesis:eu-west-1:123456789012:stream/s')).to.equal(undefined);
  });

  it('sets the visibility through SQS, clamped to what SQS accepts', async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const change = visibilityChanger(new SQSClient({}));
    await change('https://q', 'rh-1', 7);
    await change('https://q', 'rh-2', 10 ** 6);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).to.deep.equal([
      { QueueUrl: 'https://q', ReceiptHandle: 'rh-1', VisibilityTimeout: 7 },
      { QueueUrl: 'https://q', ReceiptHandle: 'rh-2', VisibilityTimeout: MAX_VISIBILITY_SECONDS },
    ]);
    sqs.restore();
  });
});
