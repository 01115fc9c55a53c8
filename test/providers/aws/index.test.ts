/** The AWS provider as a whole: what it cannot do, and the example app's full inventory. */
import { expect } from 'chai';
import { shop } from '../../../app/topology';
import { featuresOf } from '../../../contracts';
import { AWS_CAPABILITIES, aws } from '../../../providers/aws';
import { realizeOnAws, resources } from '../../helpers/pulumi-mocks';
import { promiseOf } from '../../helpers/outputs';
import { WEBHOOK_SECRET } from '../../helpers/topologies';

const count = (types: string[]) => types.reduce<Record<string, number>>((acc, t) => ({ ...acc, [t]: (acc[t] ?? 0) + 1 }), {});

describe('aws provider', () => {
  it('is named aws and honours every feature the example app uses', () => {
    expect(aws.name).to.equal('aws');
    expect(featuresOf(shop).filter((f) => AWS_CAPABILITIES.unsupported[f.key])).to.deep.equal([]);
    for (const reason of Object.values(AWS_CAPABILITIES.unsupported)) expect(reason).to.match(/; /); // says what to do instead
  });

  it('realizes the whole example app: one component per declared resource, with their cloud resources', async () => {
    await realizeOnAws(shop, ...WEBHOOK_SECRET);
    const components = count(resources().filter((r) => r.type.startsWith('herald:')).map((r) => r.type));
    expect(components).to.deep.equal({
      'herald:aws:Bus': 1, 'herald:aws:Topic': 1, 'herald:aws:Queue': 1, 'herald:aws:Stream': 1, 'herald:aws:Stores': 1,
      'herald:aws:Bucket': 1, 'herald:aws:Table': 1, 'herald:aws:Function': 9, 'herald:aws:Subscription': 9,
      'herald:aws:Schedule': 1, 'herald:aws:Webhook': 1,
      'herald:aws:Alarm': 4, // payments: age, dead letters; order-audit: iterator age, dead letters
    });
    const cloud = count(resources().filter((r) => r.type.startsWith('aws:')).map((r) => r.type));
    expect(cloud).to.deep.include({
      'aws:lambda/function:Function': 12, // 9 functions, the webhook, upload and change ingress
      'aws:iam/role:Role': 14, // one per Lambda, the stream rule's role, the scheduler's role
      // payments queue, order-audit stream, the 2 order-notifications subscriber queues, the customers table's stream
      'aws:lambda/eventSourceMapping:EventSourceMapping': 5,
      'aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig': 6, // 5 direct subscribers, the upload ingress
      'aws:cloudwatch/eventRule:EventRule': 8, // 7 subscriptions from the bus, the upload trigger
      'aws:sns/topic:Topic': 1,
      'aws:sns/topicSubscription:TopicSubscription': 2, // send-confirmation, notify-warehouse
      'aws:dynamodb/table:Table': 2, // customers, the idempotency store
      // payments + DLQ, order-audit's failures, 5 direct subscribers' failures, the upload and change ingress failures,
      // the schedule's DLQ, a queue + DLQ per order-notifications subscriber
      'aws:sqs/queue:Queue': 15,
    });
    expect(resources().every((r) => r.type.startsWith('herald:') || r.parent)).to.equal(true); // every cloud resource sits in a component
  });

  it('exports names, ARNs and URLs by kind and logical name', async () => {
    const { result } = await realizeOnAws(shop, ...WEBHOOK_SECRET);
    const outputs = result.outputs as Record<string, Record<string, Record<string, any>>>;
    expect(Object.keys(outputs).sort()).to.deep.equal([
      'alarms', 'buckets', 'buses', 'functions', 'queues', 'schedules', 'stores', 'streams', 'subscriptions', 'tables', 'topics', 'webhooks',
    ]);
    expect(await promiseOf(outputs.queues!.payments!.url)).to.match(/^https:\/\/sqs\.eu-west-1\.amazonaws\.com\/123456789012\/payments-/);
    expect(await promiseOf(outputs.schedules!['nightly-report']!.expression)).to.equal('cron(0 2 * * ? *)');
  });
});
