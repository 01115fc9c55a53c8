/** subscription → rule (pattern compiled from the filter) → function, queue or stream; SNS → queue; mappings. */
import { expect } from 'chai';
import { deliveryPlan, topology } from '../../../contracts';
import { ImageUploaded, OrderPlaced, OrderPlacedV1, PaymentReceived } from '../../../app/events';
import { compileEventPattern } from '../../../providers/aws/filter';
import { AWS_CONFIG_ENV } from '../../../providers/aws/runtime/config';
import { AWS_DELIVERY } from '../../../providers/aws/filter';
import { deliveryKeys, mappingKey, routeOf } from '../../../providers/aws/routing';
import { TARGET_RETRY_POLICY } from '../../../providers/aws/targets';
import { findResource, inventoryOf, json, realizeOnAws, resourcesOf } from '../../helpers/pulumi-mocks';

const arn = (type: string, name: string): string => findResource(type, name).outputs.arn;

describe('aws subscription', () => {
  describe('bus → function (direct)', () => {
    const t = topology('d').event(OrderPlacedV1, OrderPlaced);
    const bus = t.bus('shop');
    t.fn('thumb', { handler: 'functions/make-thumbnail.ts' }).subscribe(bus, { events: [ImageUploaded], where: { contenttype: { prefix: 'image/' } } });
    const app = t.build();

    it('creates exactly a rule, its target, the invoke permission and the DLQ policy', async () => {
      await realizeOnAws(app);
      expect(inventoryOf(findResource('herald:aws:Subscription', 'thumb-shop'))).to.deep.equal({
        'aws:cloudwatch/eventRule:EventRule': 1,
        'aws:cloudwatch/eventTarget:EventTarget': 1,
        'aws:lambda/permission:Permission': 1,
        'aws:sqs/queuePolicy:QueuePolicy': 1, // EventBridge may dead-letter into the function's failure queue
      });
    });

    it('matches the compiled pattern on the custom bus, state ENABLED', async () => {
      await realizeOnAws(app);
      const rule = findResource('aws:cloudwatch/eventRule:EventRule', 'thumb-shop');
      expect(rule.inputs).to.include({ eventBusName: findResource('aws:cloudwatch/eventBus:EventBus', 'shop').outputs.name, state: 'ENABLED' });
      expect(rule.inputs).not.to.have.property('isEnabled');
      expect(json(rule.inputs.eventPattern)).to.deep.equal({ 'detail-type': ['ImageUploaded.v1'], detail: { contenttype: [{ prefix: 'image/' }] } });
    });

    it('targets the function with explicit retries and a DLQ, invoked only from this rule', async () => {
      await realizeOnAws(app);
      const rule = findResource('aws:cloudwatch/eventRule:EventRule', 'thumb-shop');
      const target = findResource('aws:cloudwatch/eventTarget:EventTarget', 'thumb-shop-target');
      expect(target.inputs).to.deep.include({
        rule: rule.outputs.name, eventBusName: findResource('aws:cloudwatch/eventBus:EventBus', 'shop').outputs.name,
        arn: arn('aws:lambda/function:Function', 'thumb'), retryPolicy: { ...TARGET_RETRY_POLICY },
        deadLetterConfig: { arn: arn('aws:sqs/queue:Queue', 'thumb-async-failures') },
      });
      const permission = findResource('aws:lambda/permission:Permission', 'thumb-shop-invoke');
      expect(permission.inputs).to.deep.include({
        action: 'lambda:InvokeFunction', principal: 'events.amazonaws.com', sourceArn: rule.outputs.arn,
        function: findResource('aws:lambda/function:Function', 'thumb').outputs.name,
      });
      const policy = json(findResource('aws:sqs/queuePolicy:QueuePolicy', 'thumb-shop-fn-thumb-async-policy').inputs.policy);
      expect(policy.Statement[0].Condition).to.deep.equal({ ArnEquals: { 'aws:SourceArn': [rule.outputs.arn] } });
    });
  });

  describe('bus → queue → function', () => {
    function app() {
      const t = topology('v').event(OrderPlacedV1, OrderPlaced);
      const bus = t.bus('shop');
      const q = t.queue('payments', { maxAttempts: 5 });
      t.fn('charge', { handler: 'functions/charge-payment.ts', timeout: '10s' })
        .subscribe(bus, { events: [OrderPlaced], via: q })
        .subscribe(bus, { events: [PaymentReceived], via: q, name: 'charge-retries' });
      return t.build();
    }

    it('matches every wire type the function reads, older upcastable versions included', async () => {
      await realizeOnAws(app());
      expect(json(findResource('aws:cloudwatch/eventRule:EventRule', 'charge-shop').inputs.eventPattern))
        .to.deep.equal(compileEventPattern({ types: ['OrderPlaced.v2', 'OrderPlaced.v1'] }).native);
    });

    it('targets the queue, dead-lettering hand-over failures into its DLQ', async () => {
      await realizeOnAws(app());
      expect(findResource('aws:cloudwatch/eventTarget:EventTarget', 'charge-shop-target').inputs).to.deep.include({
        arn: arn('aws:sqs/queue:Queue', 'payments'), deadLetterConfig: { arn: arn('aws:sqs/queue:Queue', 'payments-dlq') },
      });
    });

    it('writes one policy per queue listing every rule that sends to it, and one mapping', async () => {
      await realizeOnAws(app());
      const rules = ['charge-shop', 'charge-retries'].map((n) => arn('aws:cloudwatch/eventRule:EventRule', n));
      const policies = resourcesOf('aws:sqs/queuePolicy:QueuePolicy');
      expect(policies.map((p) => p.inputs.queueUrl).sort()).to.deep.equal(
        [findResource('aws:sqs/queue:Queue', 'payments').outputs.url, findResource('aws:sqs/queue:Queue', 'payments-dlq').outputs.url].sort());
      const arnByUrl = new Map(['payments', 'payments-dlq'].map((n) => [findResource('aws:sqs/queue:Queue', n).outputs.url, arn('aws:sqs/queue:Queue', n)]));
      for (const p of policies) {
        expect(json(p.inputs.policy).Statement).to.deep.equal([{
          Sid: 'Allowevents', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage',
          Resource: arnByUrl.get(p.inputs.queueUrl), Condition: { ArnEquals: { 'aws:SourceArn': rules } },
        }]);
      }
      expect(resourcesOf('aws:lambda/eventSourceMapping:EventSourceMapping')).to.have.length(1);
    });
  });

  it('caps a limited function\'s SQS pollers at its concurrency (at least 2), and leaves others uncapped', async () => {
    const t = topology('c').event(OrderPlacedV1, OrderPlaced);
    const bus = t.bus('shop');
    t.fn('one', { handler: 'functions/charge-payment.ts', timeout: '10s', concurrency: 1 }).subscribe(bus, { events: [OrderPlaced], via: t.queue('q1') });
    t.fn('five', { handler: 'functions/charge-payment.ts', timeout: '10s', concurrency: 5 }).subscribe(bus, { events: [OrderPlaced], via: t.queue('q5') });
    t.fn('free', { handler: 'functions/charge-payment.ts', timeout: '10s' }).subscribe(bus, { events: [OrderPlaced], via: t.queue('qf') });
    await realizeOnAws(t.build());
    const caps = Object.fromEntries(resourcesOf('aws:lambda/eventSourceMapping:EventSourceMapping').map((m) => [m.name, m.inputs.scalingConfig]));
    expect(caps).to.deep.equal({ 'one-shop-mapping': { maximumConcurrency: 2 }, 'five-shop-mapping': { maximumConcurrency: 5 }, 'free-shop-mapping': undefined });
  });

  it('gives an ordered queue target a message group and says why', async () => {
    const t = topology('o');
    const bus = t.bus('shop');
    const q = t.queue('ledger', { orderBy: 'data.orderId' });
    t.fn('book', { handler: 'functions/charge-payment.ts', timeout: '10s' }).subscribe(bus, { events: [OrderPlaced], via: q });
    const { warnings } = await realizeOnAws(t.build());
    expect(findResource('aws:cloudwatch/eventTarget:EventTarget', 'book-shop-target').inputs.sqsTarget).to.deep.equal({ messageGroupId: 'ledger' });
    expect(warnings.join('\n')).to.match(/subscriptions\[book-shop\]\.via\] via an ordered queue from a bus is degraded on aws: EventBridge gives an SQS FIFO target one fixed message group/);
  });

  it('warns at deploy time about a filter EventBridge cannot hold, and has the function evaluate it', async () => {
    const t = topology('w');
    const bus = t.bus('shop');
    const long = Array.from({ length: 5 }, (_, i) => `${'x'.repeat(480)}${i}`);
    t.fn('picky', { handler: 'functions/send-confirmation.ts' }).subscribe(bus, { events: [OrderPlaced], where: { subject: { in: long } } });
    const { warnings } = await realizeOnAws(t.build());
    expect(warnings.join('\n')).to.match(/picky-shop: the event pattern is over 2048 characters; the filter on subject is evaluated in the function/);
    expect(json(findResource('aws:cloudwatch/eventRule:EventRule', 'picky-shop').inputs.eventPattern)).to.deep.equal({ 'detail-type': ['OrderPlaced.v2', 'OrderPlaced.v1'] });
    const config = json(findResource('aws:lambda/function:Function', 'picky').inputs.environment.variables[AWS_CONFIG_ENV]);
    expect(config.channels.map((c: { residual: unknown }) => c.residual)).to.deep.equal([[{ field: 'subject', op: 'in', values: long }]]);
  });

  it('classifies routes, the queues they make services send to, and the sources they poll', () => {
    const t = topology('r');
    const bus = t.bus('b');
    const topic = t.topic('t');
    const q = t.queue('q');
    const s = t.stream('s', { key: 'subject' });
    const f = t.fn('f', { handler: 'functions/audit-orders.ts' });
    f.subscribe(bus, { events: [OrderPlaced] }).subscribe(bus, { events: [OrderPlaced], via: q, name: 'f-q' })
      .subscribe(bus, { events: [OrderPlaced], via: s, name: 'f-s' }).subscribe(topic, { events: [OrderPlaced] })
      .subscribe(s, { events: [OrderPlaced], name: 'f-read' });
    const [direct, viaQueue, viaStream, fromTopic, fromStream] = deliveryPlan(t.build(), AWS_DELIVERY).channels;
    expect([direct, viaQueue, viaStream, fromTopic, fromStream].map((x) => routeOf(x!).kind)).to.deep.equal(['bus-direct', 'bus-queue', 'bus-stream', 'topic-queue', 'stream']);
    expect(deliveryKeys(direct!)).to.deep.equal([{ key: 'fn:f:async', service: 'events.amazonaws.com' }]);
    expect(deliveryKeys(viaQueue!).map((d) => d.key)).to.deep.equal(['queue:q', 'queue:q:dlq']);
    expect(deliveryKeys(viaStream!).map((d) => d.key)).to.deep.equal(['stream:s:failures']);
    expect(deliveryKeys(fromTopic!)).to.deep.equal([{ key: 'subscriber:f-t', service: 'sns.amazonaws.com' }, { key: 'subscriber:f-t:dlq', service: 'sns.amazonaws.com' }]);
    expect(deliveryKeys(fromStream!)).to.deep.equal([]);
    expect([direct, viaQueue, viaStream, fromTopic, fromStream].map((x) => mappingKey(x!))).to.deep.equal([undefined, 'queue:q', 'stream:s:f', 'subscriber:f-t', 'stream:s:f']);
  });
});
