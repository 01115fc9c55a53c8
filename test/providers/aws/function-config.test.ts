/** The one builder of a function's runtime config (deploy and `herald invoke` both call it). */
import { expect } from 'chai';
import { deliveryPlan, topology } from '../../../contracts';
import { OrderPlaced, PaymentReceived } from '../../../app/events';
import { AWS_DELIVERY } from '../../../providers/aws/filter';
import { functionConfig, publishTarget } from '../../../providers/aws/function-config';

function app() {
  const t = topology('f');
  const bus = t.bus('shop');
  const payments = t.queue('payments', { maxAttempts: 5 });
  t.fn('charge', { handler: 'functions/charge-payment.ts', timeout: '10s', publishes: { to: bus, events: [PaymentReceived] } })
    .subscribe(bus, { events: [OrderPlaced], via: payments, name: 'eu', where: { subject: { prefix: 'eu/' } } })
    .subscribe(bus, { events: [OrderPlaced], via: payments, name: 'us', where: { subject: { prefix: 'us/' } } })
    .subscribe(bus, { events: [PaymentReceived] });
  const built = t.build();
  return { spec: built.functions[0]!, channels: deliveryPlan(built, AWS_DELIVERY).channelsOf('charge') };
}
const queue = { arn: 'arn:aws:sqs:eu-west-1:1:payments', deadLetterQueueUrl: 'https://sqs/1/payments-dlq' };

describe('providers/aws/function-config', () => {
  it('maps each source read once (direct deliveries have none), with every channel', () => {
    const { spec, channels } = app();
    const config = functionConfig(spec, channels, { publishTo: { kind: 'bus', name: 'shop-1' }, sources: { 'queue:payments': queue }, idempotencyTable: 'ids', claimCheckBucket: 'cc' });
    expect(config).to.deep.include({
      kind: 'function', name: 'charge', timeoutMs: 10_000, allowedPublishes: ['PaymentReceived.v1'], publishTo: { kind: 'bus', busName: 'shop-1' },
      sources: { [queue.arn]: 'queue:payments' }, deadLetterQueues: { 'queue:payments': queue.deadLetterQueueUrl }, idempotencyTable: 'ids', claimCheckBucket: 'cc',
    });
    expect(config.channels.map((c) => [c.subscription, c.sourceKey])).to.deep.equal([['eu', 'queue:payments'], ['us', 'queue:payments'], ['charge-shop', 'direct:shop']]);
  });

  it('refuses a channel whose source has no resource, and a publisher without a target', () => {
    const { spec, channels } = app();
    expect(() => functionConfig(spec, channels, { publishTo: { kind: 'bus', name: 'b' }, sources: {} })).to.throw(Error, 'function charge reads queue:payments, which has no resource');
    expect(() => functionConfig(spec, channels, { sources: { 'queue:payments': queue } })).to.throw(Error, /function charge publishes to bus shop, which has no resource/);
  });

  it('publishes to a bus by name and to a topic by ARN', () => {
    expect(publishTarget({ kind: 'bus', name: 'shop-1' })).to.deep.equal({ kind: 'bus', busName: 'shop-1' });
    expect(publishTarget({ kind: 'topic', arn: 'arn:aws:sns:eu-west-1:1:t' })).to.deep.equal({ kind: 'topic', topicArn: 'arn:aws:sns:eu-west-1:1:t' });
  });
});
