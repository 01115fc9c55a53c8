/**
 * The GCP provider: one method per kind, each resolving what its component needs (looked up through the
 * realize context, by logical name) and creating it. Every hop is Pub/Sub: a bus or topic is a topic, and
 * each channel of the delivery plan is one explicit push subscription on the topic its events are
 * published to, carrying its queue's or stream's settings and dead letters (a subscription is Pub/Sub's
 * queue). Functions are Cloud Functions gen2; schedules, webhooks, uploads and table changes have ingress
 * functions. The provider keeps no state between calls: one instance realizes any number of topologies.
 */
import * as pulumi from '@pulumi/pulumi';
import {
  DEFAULTS, toSeconds, type AlarmSpec, type BucketSpec, type BusSpec, type Capabilities, type Channel, type CloudProvider, type FoundationSpec,
  type FunctionSpec, type QueueSpec, type RealizeContext, type RealizedKinds, type Ref, type ScheduleSpec, type StoresSpec,
  type StreamSpec, type SubscriptionSpec, type TableSpec, type Topology, type TopicSpec, type TopologyIssue, type WebhookSpec,
} from '../../contracts';
import { GcpAlarm, type AlarmTarget } from './alarm';
import { GcpBucket } from './bucket';
import { bundleHandler } from './bundle';
import { GcpBus } from './bus';
import { GCP_DELIVERY } from './filter';
import { GcpFoundation } from './foundation';
import { functionConfig, functionEnvironment } from './function-config';
import { GcpFunction } from './function';
import type { IngressArgs } from './ingress';
import { defaultLabels, type Labels } from './labels';
import { SUBSCRIPTION_RETENTION_SECONDS, subscriptionRetention, validateForGcp } from './limits';
import { GcpQueue } from './queue';
import { GcpSchedule } from './schedule';
import { GcpStores, IDEMPOTENCY_STORE } from './stores';
import { GcpStream } from './stream';
import { GcpSubscription, pushSubscriptionNameOf } from './subscription';
import { GcpTable } from './table';
import { GcpTopic } from './topic';
import { GcpWebhook } from './webhook';

/** What each kind realizes to on GCP. */
export interface GcpRealized extends RealizedKinds {
  readonly foundation: GcpFoundation;
  readonly stores: GcpStores; readonly bus: GcpBus; readonly topic: GcpTopic; readonly queue: GcpQueue; readonly stream: GcpStream;
  readonly bucket: GcpBucket; readonly table: GcpTable; readonly fn: GcpFunction; readonly subscription: GcpSubscription;
  readonly schedule: GcpSchedule; readonly webhook: GcpWebhook; readonly alarm: GcpAlarm;
}
type Ctx = RealizeContext<GcpRealized>;

/** What GCP cannot honour, what it only approximates, and why. */
export const GCP_CAPABILITIES: Capabilities = {
  unsupported: {
    'subscription.from.stream': 'on Pub/Sub a stream is the ordered push subscriptions on the topic its events are published to, not a log of its own to read again; subscribe the function to that bus or topic via the stream',
    'alarm.deadLetters.fn': "a function's dead letters are in its queue's or stream's dead-letter topic; alarm on that queue or stream",
    'alarm.errors.queue': 'queues have no error metric; alarm on errors of the function that reads it',
    'alarm.errors.stream': 'streams have no error metric; alarm on errors of the function that reads it',
    'alarm.iteratorAge.queue': 'queues have no iterator; use oldestMessageAge',
    'alarm.iteratorAge.fn': 'functions have no iterator; alarm on the iteratorAge of the stream it reads',
    'alarm.oldestMessageAge.stream': "a stream's lag is its iteratorAge; use that",
    'alarm.depth.fn': "a function holds no events; alarm on its queue's depth",
  },
  degraded: {
    'queue.batch.window': 'Pub/Sub pushes one event per request, so events are never batched and the window is not used',
    'stream.batch.window': 'Pub/Sub pushes one event per request, so events are never batched and the window is not used',
    'table.onChange': 'Eventarc delivers Firestore changes unordered and retries a failing one for up to 24 hours with no dead-letter topic of its own; the ingress dead-letters what it cannot turn into an event',
  },
};

const labels = (ctx: Ctx, name: string, kind: string): Labels => defaultLabels(ctx.stack, name, kind);
const foundation = (ctx: Ctx) => ctx.get('foundation', ctx.topology.name);
/** Every component's GCP resources wait for the APIs. */
const opts = (ctx: Ctx) => foundation(ctx).afterApis();

/** The topic events for `to` are published to. */
function topicOf(ctx: Ctx, to: Ref<'bus' | 'topic'>): pulumi.Output<string> {
  return to.kind === 'bus' ? ctx.get('bus', to.name).topic.id : ctx.get('topic', to.name).topic.id;
}

/** The dead-letter topic a channel's owner has (a queue, a stream or a topic subscriber; a function's own is its). */
function ownerDeadLetters(ctx: Ctx, c: Channel) {
  const { owner, name } = c.deadLetter;
  if (owner === 'stream') return ctx.get('stream', name);
  if (owner === 'queue') return c.source.kind === 'queue' && c.source.own ? ctx.get('topic', c.from.name).subscriberDeadLetters[c.subscription]! : ctx.get('queue', name);
  return undefined;
}

/** What every ingress function needs: where it is built, what it publishes to, the claim check. */
function ingressArgs(ctx: Ctx, to: Ref<'bus' | 'topic'>, kind: string, name: string): IngressArgs {
  return {
    app: ctx.app, build: foundation(ctx), publishTopic: topicOf(ctx, to), claimCheckBucket: ctx.get('stores', ctx.topology.name).claimCheckBucket.name,
    stack: ctx.stack, labels: labels(ctx, name, kind),
  };
}

export class GcpProvider implements CloudProvider<GcpRealized> {
  readonly name = 'gcp' as const;
  readonly capabilities = GCP_CAPABILITIES;
  readonly delivery = GCP_DELIVERY;

  validate(t: Topology): TopologyIssue[] {
    return validateForGcp(t, this.delivery);
  }

  foundation(spec: FoundationSpec, ctx: Ctx): GcpFoundation {
    return new GcpFoundation(spec.name, { app: ctx.topology.name, stack: ctx.stack, labels: labels(ctx, spec.name, 'foundation') });
  }

  stores(spec: StoresSpec, ctx: Ctx): GcpStores {
    const f = foundation(ctx);
    return new GcpStores(spec.name, { prefix: f.prefix, region: f.region, labels: labels(ctx, spec.name, 'stores') }, opts(ctx));
  }

  bus(spec: BusSpec, ctx: Ctx): GcpBus {
    return new GcpBus(spec.name, { spec, labels: labels(ctx, spec.name, 'bus') }, opts(ctx));
  }

  topic(spec: TopicSpec, ctx: Ctx): GcpTopic {
    const f = foundation(ctx);
    return new GcpTopic(spec.name, {
      spec, plan: ctx.plan, prefix: f.prefix, agentMember: f.pubsubAgent.member, labels: labels(ctx, spec.name, 'topic'),
      subscriberLabels: (sub) => labels(ctx, sub, 'subscription'),
    }, opts(ctx));
  }

  queue(spec: QueueSpec, ctx: Ctx): GcpQueue {
    return new GcpQueue(spec.name, { spec, agentMember: foundation(ctx).pubsubAgent.member, labels: labels(ctx, spec.name, 'queue') }, opts(ctx));
  }

  stream(spec: StreamSpec, ctx: Ctx): GcpStream {
    return new GcpStream(spec.name, { spec, agentMember: foundation(ctx).pubsubAgent.member, labels: labels(ctx, spec.name, 'stream') }, opts(ctx));
  }

  bucket(spec: BucketSpec, ctx: Ctx): GcpBucket {
    const f = foundation(ctx);
    const up = spec.onUpload;
    return new GcpBucket(spec.name, {
      spec, plan: ctx.plan, region: f.region, labels: labels(ctx, spec.name, 'bucket'),
      ...(up ? { ingress: { ...ingressArgs(ctx, up.to, 'bucket', spec.name), agentMember: f.pubsubAgent.member, storageAgentMember: f.storageAgentMember } } : {}),
    }, opts(ctx));
  }

  table(spec: TableSpec, ctx: Ctx): GcpTable {
    const f = foundation(ctx);
    const ch = spec.onChange;
    return new GcpTable(spec.name, {
      spec, plan: ctx.plan, database: ctx.get('stores', ctx.topology.name).database.name, region: f.region, labels: labels(ctx, spec.name, 'table'),
      ...(ch ? { ingress: { ...ingressArgs(ctx, ch.to, 'table', spec.name), agentMember: f.pubsubAgent.member } } : {}),
    }, opts(ctx));
  }

  fn(spec: FunctionSpec, ctx: Ctx): GcpFunction {
    const t = ctx.topology;
    const f = foundation(ctx);
    const stores = ctx.get('stores', t.name);
    const channels = ctx.plan.channelsOf(spec.name);
    const deadLetters: Record<string, pulumi.Output<string>> = {};
    for (const c of channels) {
      const owner = ownerDeadLetters(ctx, c);
      if (owner) deadLetters[c.subscription] = owner.topic.id;
    }
    const publishTopic = spec.publishes ? topicOf(ctx, spec.publishes.to) : undefined;
    return new GcpFunction(spec.name, {
      spec, build: f, bundle: bundleHandler(ctx.app.root, spec), channels, deadLetters,
      ...(publishTopic ? { publishTopic } : {}),
      stores: { project: f.project, database: stores.database.name, claimCheckBucket: stores.claimCheckBucket.name },
      agentMember: f.pubsubAgent.member,
      // The config as `herald invoke` builds it too (function-config.ts), with the names Pulumi reports.
      environment: (direct) => pulumi.all([pulumi.output(deadLetters), direct ?? '', publishTopic ?? '', stores.database.name, stores.claimCheckBucket.name])
        .apply(([owned, directTopic, publishTo, database, claimCheckBucket]) => functionEnvironment(functionConfig(t, ctx.plan, spec, {
          project: f.project,
          channels: Object.fromEntries(channels.map((c) => [c.subscription, {
            subscription: `projects/${f.project}/subscriptions/${pushSubscriptionNameOf(f.prefix, c)}`,
            deadLetterTopic: owned[c.subscription] ?? directTopic,
          }])),
          ...(publishTo ? { publishTopic: publishTo } : {}),
          idempotency: { database, collection: IDEMPOTENCY_STORE.collection },
          claimCheckBucket,
        }), spec.environment, ctx.stack)),
      pushSubscriptions: channels.map((c) => pushSubscriptionNameOf(f.prefix, c)),
      labels: labels(ctx, spec.name, 'fn'),
    }, opts(ctx));
  }

  subscription(spec: SubscriptionSpec, ctx: Ctx): GcpSubscription {
    const f = foundation(ctx);
    const channel = ctx.plan.channel(spec.name);
    const fn = ctx.get('fn', spec.function);
    const source = channel.source;
    // A declared queue's or stream's retention; a topic subscriber's own queue keeps the queue default; a direct one Pub/Sub's.
    const retention = source.kind === 'stream' ? ctx.get('stream', source.stream).retention
      : source.kind === 'queue' ? (source.own ? subscriptionRetention(toSeconds(DEFAULTS.queue.retention)) : ctx.get('queue', source.queue).retention)
        : subscriptionRetention(SUBSCRIPTION_RETENTION_SECONDS.default);
    return new GcpSubscription(spec.name, {
      channel, prefix: f.prefix,
      // `subscription.from.stream` is unsupported, so every channel reads a bus's or a topic's topic.
      topic: topicOf(ctx, channel.from as Ref<'bus' | 'topic'>),
      endpoint: { url: fn.url, serviceAccountEmail: fn.pushAccount!.email },
      deadLetterTopic: fn.channelDeadLetters[spec.name]!,
      retention, agentMember: f.pubsubAgent.member, labels: labels(ctx, spec.name, 'subscription'),
    }, opts(ctx));
  }

  schedule(spec: ScheduleSpec, ctx: Ctx): GcpSchedule {
    return new GcpSchedule(spec.name, { spec, plan: ctx.plan, ingress: ingressArgs(ctx, spec.to, 'schedule', spec.name), labels: labels(ctx, spec.name, 'schedule') }, opts(ctx));
  }

  webhook(spec: WebhookSpec, ctx: Ctx): GcpWebhook {
    return new GcpWebhook(spec.name, { spec, plan: ctx.plan, ingress: ingressArgs(ctx, spec.to, 'webhook', spec.name), labels: labels(ctx, spec.name, 'webhook') }, opts(ctx));
  }

  alarm(spec: AlarmSpec, ctx: Ctx): GcpAlarm {
    const on = spec.on;
    const readers = ctx.plan.channels.filter((c) => (on.kind === 'fn' ? c.function === on.name
      : on.kind === 'queue' ? c.source.kind === 'queue' && !c.source.own && c.source.queue === on.name
        : c.source.kind === 'stream' && c.source.stream === on.name));
    const subscriptions = readers.map((c) => ctx.get('subscription', c.subscription).subscription.name);
    let target: AlarmTarget;
    if (on.kind === 'fn') target = { kind: 'fn', subscriptions, service: ctx.get('fn', on.name).function.name };
    else target = { kind: on.kind, subscriptions, deadLetterSubscription: (on.kind === 'queue' ? ctx.get('queue', on.name) : ctx.get('stream', on.name)).subscription.name };
    return new GcpAlarm(spec.name, { spec, target, prefix: foundation(ctx).prefix, labels: labels(ctx, spec.name, 'alarm') }, opts(ctx));
  }
}

/** The GCP provider (stateless: one instance serves every realization). */
export const gcp = new GcpProvider();
