/**
 * The AWS provider: one method per kind, each resolving what its component needs (looked up through the
 * realize context, by logical name) and creating it. Which subscription completes a shared queue policy
 * or owns a shared event source mapping is decided from the topology (see `routing`), so the provider
 * keeps no state between calls and one instance realizes any number of topologies.
 */
import * as pulumi from '@pulumi/pulumi';
import type * as sqs from '@pulumi/aws/sqs';
import {
  DEFAULTS, DIRECT_MAX_ATTEMPTS, UnsupportedFeatureError, type AlarmSpec, type BucketSpec, type BusSpec, type Capabilities,
  type CloudProvider, type FunctionSpec, type QueueSpec, type RealizeContext, type RealizedKinds, type Ref, type ScheduleSpec,
  type StoresSpec, type StreamSpec, type SubscriptionSpec, type TableSpec, type TopicSpec, type WebhookSpec,
} from '../../contracts';
import { attemptsFor } from '../../runtime/functions';
import { AwsAlarm, type AlarmTarget } from './alarm';
import { AwsBucket } from './bucket';
import { bundleHandler } from './bundle';
import { AwsBus } from './bus';
import { AwsFunction, type FunctionSource, type PublishTarget } from './function';
import { ACTIONS, putEventsGrant } from './iam';
import { batchingWindowSeconds, AwsQueue } from './queue';
import { routing } from './routing';
import { AwsSchedule } from './schedule';
import { AwsStores } from './stores';
import { AwsStream } from './stream';
import { AwsSubscription, compiledFilter, deliveryKeys, mappingKey, routeOf, type AwsSubscriptionArgs, type Mapping } from './subscription';
import { AwsTable } from './table';
import { defaultTags } from './tags';
import { AwsTopic } from './topic';
import { AwsWebhook } from './webhook';

/** What each kind realizes to on AWS. */
export interface AwsRealized extends RealizedKinds {
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
  const sources = types.map((type) => routing(ctx.topology).events.get(type)!.source);
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
  const sub = routing(ctx.topology).subscriptions.get(subscription)!;
  return ctx.get('topic', sub.from.name).subscriberQueues[subscription]!;
}

export class AwsProvider implements CloudProvider<AwsRealized> {
  readonly name = 'aws' as const;
  readonly capabilities = AWS_CAPABILITIES;

  stores(spec: StoresSpec, ctx: Ctx): AwsStores {
    return new AwsStores(spec.name, { tags: tags(ctx, spec.name, 'stores') });
  }

  bus(spec: BusSpec, ctx: Ctx): AwsBus {
    return new AwsBus(spec.name, { spec, tags: tags(ctx, spec.name, 'bus') });
  }

  topic(spec: TopicSpec, ctx: Ctx): AwsTopic {
    return new AwsTopic(spec.name, {
      spec, topology: ctx.topology, tags: tags(ctx, spec.name, 'topic'), subscriberTags: (sub) => tags(ctx, sub, 'subscription'),
    });
  }

  queue(spec: QueueSpec, ctx: Ctx): AwsQueue {
    return new AwsQueue(spec.name, { spec, topology: ctx.topology, tags: tags(ctx, spec.name, 'queue') });
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

  /** @throws UnsupportedFeatureError when several subscriptions of one function need filtering in it. */
  fn(spec: FunctionSpec, ctx: Ctx): AwsFunction {
    const t = ctx.topology;
    const subs = routing(t).byFunction.get(spec.name) ?? [];
    const sources = new Map<string, FunctionSource>();
    let direct = false;
    for (const sub of subs) {
      const r = routeOf(sub);
      if (r.kind === 'bus-direct') direct = true;
      else if (r.kind === 'bus-stream' || r.kind === 'stream') {
        const s = ctx.get('stream', r.stream);
        sources.set(`stream:${r.stream}`, { kind: 'stream', arn: s.stream.arn, deadLetterQueue: s.failureQueue });
      } else {
        const q = r.kind === 'bus-queue' || r.queue ? ctx.get('queue', r.queue!) : subscriberQueue(ctx, sub.name);
        sources.set(mappingKey(sub)!, { kind: 'queue', arn: q.queue.arn, deadLetterQueue: q.deadLetterQueue });
      }
    }
    const residuals = subs.map((s) => compiledFilter(t, s).residual);
    if (subs.length > 1 && residuals.some((r) => r.length)) {
      const sub = subs[residuals.findIndex((r) => r.length)]!;
      throw new UnsupportedFeatureError('aws', 'subscription', 'where', `[subscriptions[${sub.name}].where] is evaluated in the function, and function ${spec.name} has ${subs.length} subscriptions; give the filtered one its own function`);
    }
    const stores = ctx.get('stores', t.name);
    return new AwsFunction(spec.name, {
      spec,
      bundle: bundleHandler(ctx.app.root, spec),
      logGroupName: logGroup(ctx, 'fn', spec.name),
      sources: [...sources.values()],
      direct,
      maxAttempts: subs.length ? Math.max(...subs.map((s) => attemptsFor(t, s))) : DIRECT_MAX_ATTEMPTS,
      residual: residuals[0] ?? [],
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
    const r = routeOf(spec);
    const index = routing(t);
    let source: AwsSubscriptionArgs['source'];
    let mapping: Mapping | undefined;
    const owner = index.firstMapping.get(mappingKey(spec) ?? '') === spec.name;
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
      const queueSpec = r.queue ? index.queues.get(r.queue)! : { batch: DEFAULTS.queue.batch };
      source = r.kind === 'bus-queue'
        ? { kind: 'bus', bus: ctx.get('bus', r.bus), into: { kind: 'queue', queue, ...(declared?.fifo ? { messageGroupId: r.queue } : {}) } }
        : { kind: 'topic', topic: ctx.get('topic', r.topic), queue };
      if (owner) mapping = { kind: 'queue', queue, batchSize: queueSpec.batch.size, windowSeconds: batchingWindowSeconds(queueSpec), fifo: declared?.fifo ?? false };
    }
    const policies = deliveryKeys(spec).filter(({ key }) => index.lastDelivery.get(key) === spec.name).map(({ key }) => ({
      key,
      queue: queueOf(ctx, key),
      earlier: index.deliverers.get(key)!.filter((n) => n !== spec.name).map((n) => ctx.get('subscription', n).deliveries[key]!),
    }));
    return new AwsSubscription(spec.name, {
      spec, topology: t, fn: ctx.get('fn', spec.function), source, ...(mapping ? { mapping } : {}), policies, tags: tags(ctx, spec.name, 'subscription'),
    });
  }

  schedule(spec: ScheduleSpec, ctx: Ctx): AwsSchedule {
    return new AwsSchedule(spec.name, {
      spec, event: routing(ctx.topology).events.get(spec.emits)!, target: publishTarget(ctx, spec.to, [spec.emits]), tags: tags(ctx, spec.name, 'schedule'),
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
