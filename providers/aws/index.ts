/**
 * The AWS provider: one method per kind, each resolving what its component needs (looked up through the
 * realize context, by logical name) and creating it. Channels come from the delivery plan; which
 * subscription completes a shared queue policy or owns a shared event source mapping is derived from it
 * (see `routing`), so the provider keeps no state between calls and one instance realizes any number of
 * topologies.
 */
import * as pulumi from '@pulumi/pulumi';
import type * as sqs from '@pulumi/aws/sqs';
import {
  type AlarmSpec, type BucketSpec, type BusSpec, type Capabilities, type CloudProvider, type FoundationSpec,
  type FunctionSpec, type QueueSpec, type RealizeContext, type Realized, type RealizedKinds, type Ref, type ScheduleSpec,
  type StoresSpec, type StreamSpec, type SubscriptionSpec, type TableSpec, type Topology, type TopicSpec, type TopologyIssue,
  type WebhookSpec,
} from '../../contracts';
import { AwsAlarm, type AlarmTarget } from './alarm';
import { AwsBucket } from './bucket';
import { bundleHandler } from './bundle';
import { AwsBus } from './bus';
import { AwsFunction, type FunctionSource, type PublishTarget } from './function';
import { AWS_DELIVERY } from './filter';
import { ACTIONS, putEventsGrant } from './iam';
import { batchingWindowSeconds, validateForAws } from './limits';
import { AwsQueue } from './queue';
import { deliveryKeys, mappingKey, routeOf, routing } from './routing';
import { AwsSchedule } from './schedule';
import { AwsStores } from './stores';
import { AwsStream } from './stream';
import { AwsSubscription, type AwsSubscriptionArgs, type Mapping } from './subscription';
import { AwsTable } from './table';
import { defaultTags } from './tags';
import { AwsTopic } from './topic';
import { AwsWebhook } from './webhook';

/** What each kind realizes to on AWS. */
export interface AwsRealized extends RealizedKinds {
  readonly foundation: Realized;
  readonly stores: AwsStores; readonly bus: AwsBus; readonly topic: AwsTopic; readonly queue: AwsQueue; readonly stream: AwsStream;
  readonly bucket: AwsBucket; readonly table: AwsTable; readonly fn: AwsFunction; readonly subscription: AwsSubscription;
  readonly schedule: AwsSchedule; readonly webhook: AwsWebhook; readonly alarm: AwsAlarm;
}
type Ctx = RealizeContext<AwsRealized>;

/** What AWS cannot honour, and why. */
export const AWS_CAPABILITIES: Capabilities = {
  unsupported: {
    'subscription.from.topic.via.orderedQueue': 'a standard SNS topic cannot deliver to an SQS FIFO queue; subscribe the ordered queue from a bus',
    'alarm.deadLetters.fn': "a function's dead letters are in its queue's or stream's dead-letter queue; alarm on that queue or stream",
    'alarm.errors.queue': 'queues have no error metric; alarm on errors of the function that reads it',
    'alarm.iteratorAge.queue': 'queues have no iterator; use oldestMessageAge',
    'alarm.errors.stream': 'streams have no error metric; alarm on errors of the function that reads it',
    'alarm.depth.stream': 'a stream keeps what it was sent; alarm on iteratorAge for a lagging reader',
    'alarm.depth.fn': "a function holds no events; alarm on its queue's depth",
  },
  degraded: {
    'subscription.from.bus.via.orderedQueue': 'EventBridge gives an SQS FIFO target one fixed message group, so the queue is ordered as a whole rather than per key (300 messages/s); read from a stream for per-key order at scale',
  },
};

const tags = (ctx: Ctx, name: string, kind: string) => defaultTags(ctx.stack, name, kind);
const logGroup = (ctx: Ctx, kind: string, name: string) => `/herald/${pulumi.getProject()}/${ctx.stack}/${kind}/${name}`;

/** The bus or topic a function, schedule or ingress publishes to, with the grant to publish exactly those events. */
function publishTarget(ctx: Ctx, to: Ref<'bus' | 'topic'>, types: readonly string[]): PublishTarget {
  if (to.kind === 'topic') {
    const { topic } = ctx.get('topic', to.name);
    return { kind: 'topic', arn: topic.arn, grant: { sid: 'Publish', actions: ACTIONS.snsPublish, resources: [topic.arn] } };
  }
  const { bus } = ctx.get('bus', to.name);
  const sources = types.map((type) => ctx.topology.events.find((e) => e.wireType === type)!.source);
  return { kind: 'bus', name: bus.name, arn: bus.arn, grant: putEventsGrant('PutEvents', bus.arn, types, sources) };
}

function ingress(ctx: Ctx, kind: string, name: string, to: Ref<'bus' | 'topic'>, emits: string) {
  const stores = ctx.get('stores', ctx.topology.name);
  return {
    app: ctx.app, logGroupName: logGroup(ctx, kind, name), publish: publishTarget(ctx, to, [emits]), stack: ctx.stack, tags: tags(ctx, name, kind),
    claimCheck: { bucket: stores.claimCheckBucket.bucket, arn: stores.claimCheckBucket.arn },
  };
}

/** A queue Herald made a service send to, by delivery key (see `deliveryKeys`). */
function queueOf(ctx: Ctx, key: string): sqs.Queue {
  const [kind, name, part] = key.split(':') as [string, string, string | undefined];
  if (kind === 'fn') return ctx.get('fn', name).deadLetterQueue!;
  if (kind === 'stream') return ctx.get('stream', name).failureQueue;
  const q = kind === 'queue' ? ctx.get('queue', name) : subscriberQueue(ctx, name);
  return part === 'dlq' ? q.deadLetterQueue : q.queue;
}

function subscriberQueue(ctx: Ctx, subscription: string) {
  const c = ctx.plan.channel(subscription);
  return ctx.get('topic', c.from.name).subscriberQueues[subscription]!;
}

export class AwsProvider implements CloudProvider<AwsRealized> {
  readonly name = 'aws' as const;
  readonly capabilities = AWS_CAPABILITIES;
  readonly delivery = AWS_DELIVERY;

  validate(t: Topology): TopologyIssue[] {
    return validateForAws(t, this.delivery);
  }

  /** AWS needs nothing once per stack: every resource belongs to a kind, and IAM is per function. */
  foundation(_spec: FoundationSpec, _ctx: Ctx): Realized {
    return { outputs: {} };
  }

  stores(spec: StoresSpec, ctx: Ctx): AwsStores {
    return new AwsStores(spec.name, { tags: tags(ctx, spec.name, 'stores') });
  }

  bus(spec: BusSpec, ctx: Ctx): AwsBus {
    return new AwsBus(spec.name, { spec, tags: tags(ctx, spec.name, 'bus') });
  }

  topic(spec: TopicSpec, ctx: Ctx): AwsTopic {
    return new AwsTopic(spec.name, {
      spec, plan: ctx.plan, tags: tags(ctx, spec.name, 'topic'), subscriberTags: (sub) => tags(ctx, sub, 'subscription'),
    });
  }

  queue(spec: QueueSpec, ctx: Ctx): AwsQueue {
    return new AwsQueue(spec.name, { spec, topology: ctx.topology, delivery: this.delivery, tags: tags(ctx, spec.name, 'queue') });
  }

  stream(spec: StreamSpec, ctx: Ctx): AwsStream {
    return new AwsStream(spec.name, { spec, tags: tags(ctx, spec.name, 'stream') });
  }

  bucket(spec: BucketSpec, ctx: Ctx): AwsBucket {
    const up = spec.onUpload;
    return new AwsBucket(spec.name, { spec, tags: tags(ctx, spec.name, 'bucket'), ...(up ? { ingress: ingress(ctx, 'bucket', spec.name, up.to, up.emits) } : {}) });
  }

  table(spec: TableSpec, ctx: Ctx): AwsTable {
    const ch = spec.onChange;
    return new AwsTable(spec.name, { spec, tags: tags(ctx, spec.name, 'table'), ...(ch ? { ingress: ingress(ctx, 'table', spec.name, ch.to, ch.emits) } : {}) });
  }

  fn(spec: FunctionSpec, ctx: Ctx): AwsFunction {
    const t = ctx.topology;
    const channels = ctx.plan.channelsOf(spec.name);
    const sources = new Map<string, FunctionSource>();
    for (const c of channels) {
      const r = routeOf(c);
      if (r.kind === 'bus-direct') continue;
      if (r.kind === 'bus-stream' || r.kind === 'stream') {
        const s = ctx.get('stream', r.stream);
        sources.set(c.sourceKey, { kind: 'stream', sourceKey: c.sourceKey, arn: s.stream.arn, deadLetterQueue: s.failureQueue });
      } else {
        const q = r.kind === 'bus-queue' || r.queue ? ctx.get('queue', r.queue!) : subscriberQueue(ctx, c.subscription);
        sources.set(c.sourceKey, { kind: 'queue', sourceKey: c.sourceKey, arn: q.queue.arn, deadLetterQueue: q.deadLetterQueue });
      }
    }
    const stores = ctx.get('stores', t.name);
    return new AwsFunction(spec.name, {
      spec,
      bundle: bundleHandler(ctx.app.root, spec),
      logGroupName: logGroup(ctx, 'fn', spec.name),
      sources: [...sources.values()],
      direct: channels.some((c) => c.source.kind === 'direct'),
      channels,
      ...(spec.publishes ? { publish: publishTarget(ctx, spec.publishes.to, spec.publishes.events) } : {}),
      stores: {
        idempotencyTable: stores.idempotencyTable.name, idempotencyTableArn: stores.idempotencyTable.arn,
        claimCheckBucket: stores.claimCheckBucket.bucket, claimCheckBucketArn: stores.claimCheckBucket.arn,
      },
      stack: ctx.stack,
      tags: tags(ctx, spec.name, 'fn'),
    });
  }

  subscription(spec: SubscriptionSpec, ctx: Ctx): AwsSubscription {
    const t = ctx.topology;
    const channel = ctx.plan.channel(spec.name);
    const r = routeOf(channel);
    const index = routing(t, ctx.plan);
    let source: AwsSubscriptionArgs['source'];
    let mapping: Mapping | undefined;
    const owner = index.firstMapping.get(mappingKey(channel) ?? '') === spec.name;
    if (r.kind === 'stream' || r.kind === 'bus-stream') {
      const stream = ctx.get('stream', r.stream);
      const streamSpec = index.streams.get(r.stream)!;
      source = r.kind === 'stream' ? { kind: 'stream' } : { kind: 'bus', bus: ctx.get('bus', r.bus), into: { kind: 'stream', stream, key: streamSpec.key } };
      if (owner) mapping = { kind: 'stream', stream, spec: streamSpec };
    } else if (r.kind === 'bus-direct') {
      source = { kind: 'bus', bus: ctx.get('bus', r.bus), into: { kind: 'function' } };
    } else {
      const declared = r.queue ? ctx.get('queue', r.queue) : undefined;
      const queue = declared ?? subscriberQueue(ctx, spec.name);
      const queueSpec: Pick<QueueSpec, 'batch' | 'orderBy'> = (r.queue ? index.queues.get(r.queue) : undefined)
        ?? { batch: { size: channel.batch.size, window: `${channel.batch.windowSeconds}s` } };
      source = r.kind === 'bus-queue'
        ? { kind: 'bus', bus: ctx.get('bus', r.bus), into: { kind: 'queue', queue, ...(declared?.fifo ? { messageGroupId: r.queue } : {}) } }
        : { kind: 'topic', topic: ctx.get('topic', r.topic), queue };
      if (owner) mapping = { kind: 'queue', queue, batchSize: channel.batch.size, windowSeconds: batchingWindowSeconds(queueSpec), fifo: declared?.fifo ?? false };
    }
    const policies = deliveryKeys(channel).filter(({ key }) => index.lastDelivery.get(key) === spec.name).map(({ key }) => ({
      key,
      queue: queueOf(ctx, key),
      earlier: index.deliverers.get(key)!.filter((n) => n !== spec.name).map((n) => ctx.get('subscription', n).deliveries[key]!),
    }));
    return new AwsSubscription(spec.name, {
      channel, topology: t, fn: ctx.get('fn', spec.function), source, ...(mapping ? { mapping } : {}), policies, tags: tags(ctx, spec.name, 'subscription'),
    });
  }

  schedule(spec: ScheduleSpec, ctx: Ctx): AwsSchedule {
    return new AwsSchedule(spec.name, {
      spec, event: ctx.topology.events.find((e) => e.wireType === spec.emits)!, target: publishTarget(ctx, spec.to, [spec.emits]), tags: tags(ctx, spec.name, 'schedule'),
    });
  }

  webhook(spec: WebhookSpec, ctx: Ctx): AwsWebhook {
    return new AwsWebhook(spec.name, { spec, ingress: ingress(ctx, 'webhook', spec.name, spec.to, spec.emits), tags: tags(ctx, spec.name, 'webhook') });
  }

  alarm(spec: AlarmSpec, ctx: Ctx): AwsAlarm {
    const on = spec.on;
    let target: AlarmTarget;
    if (on.kind === 'queue') {
      const q = ctx.get('queue', on.name);
      target = { kind: 'queue', queue: q.queue, deadLetterQueue: q.deadLetterQueue };
    } else if (on.kind === 'stream') {
      const s = ctx.get('stream', on.name);
      target = { kind: 'stream', stream: s.stream, failureQueue: s.failureQueue };
    } else {
      target = { kind: 'fn', function: ctx.get('fn', on.name).function };
    }
    return new AwsAlarm(spec.name, { spec, target, tags: tags(ctx, spec.name, 'alarm') });
  }
}

/** The AWS provider (stateless: one instance serves every realization). */
export const aws = new AwsProvider();
