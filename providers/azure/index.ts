/**
 * The Azure provider: one method per kind, each resolving what its component needs (looked up through
 * the realize context, by logical name) and creating it. Channels come from the delivery plan; which
 * subscription grants Event Grid the right to send to a shared queue is derived from it, so the provider
 * keeps no state between calls and one instance realizes any number of topologies.
 */
import * as pulumi from '@pulumi/pulumi';
import {
  UnsupportedFeatureError,
  type AlarmSpec, type BucketSpec, type BusSpec, type Capabilities, type Channel, type CloudProvider, type DeliveryPlan,
  type FoundationSpec, type FunctionSpec, type QueueSpec, type RealizeContext, type RealizedKinds, type Ref, type ScheduleSpec,
  type StoresSpec, type StreamSpec, type SubscriptionSpec, type TableSpec, type Topology, type TopicSpec, type TopologyIssue,
  type WebhookSpec,
} from '../../contracts';
import { AzureAlarm, type AlarmTarget } from './alarm';
import { AzureBucket } from './bucket';
import { bundleHandler } from './bundle';
import { AzureBus } from './bus';
import { AZURE_DELIVERY } from './filter';
import { AZURE_CONFIG_KEYS, AzureFoundation, parseAzureConfig, readAzureSettings } from './foundation';
import { settingReader } from '../setting-reader';
import { AzureFunction, serviceEndpoint, type FunctionSource, type PublishTarget, type StoreRefs } from './function';
import type { AzureSourceResource } from './function-config';
import type { IngressArgs } from './ingress';
import { ALARM_SUBSTITUTE_DEPTH, validateForAzure } from './limits';
import { AzureQueue } from './queue';
import { AzureSchedule } from './schedule';
import { AzureStores } from './stores';
import { AzureStream } from './stream';
import { AzureSubscription, type AzureSubscriptionArgs } from './subscription';
import { AzureTable } from './table';
import { defaultTags } from './tags';
import { AzureTopic } from './topic';
import { AzureWebhook } from './webhook';

/** What each kind realizes to on Azure. */
export interface AzureRealized extends RealizedKinds {
  readonly foundation: AzureFoundation;
  readonly stores: AzureStores; readonly bus: AzureBus; readonly topic: AzureTopic; readonly queue: AzureQueue; readonly stream: AzureStream;
  readonly bucket: AzureBucket; readonly table: AzureTable; readonly fn: AzureFunction; readonly subscription: AzureSubscription;
  readonly schedule: AzureSchedule; readonly webhook: AzureWebhook; readonly alarm: AzureAlarm;
}
type Ctx = RealizeContext<AzureRealized>;

const noMetric = (what: string) => `Azure Monitor has no metric for it: ${what}`;

/** What Azure cannot honour, what it only approximates, and the alarm it watches instead of a missing metric. */
export const AZURE_CAPABILITIES: Capabilities = {
  unsupported: {
    'subscription.from.topic.via.orderedQueue': 'a Service Bus topic forwards to a session queue only messages that carry a session id, and a topic\'s publishers do not know its subscribers\' order keys; subscribe the ordered queue from a bus',
    'table.sortKey': 'a Cosmos DB container has one partition key and an item id, no sort key; fold the sort key into the item id',
    'alarm.oldestMessageAge.queue': noMetric('Service Bus reports message counts, not ages; the default age alarm watches depth instead'),
    'alarm.oldestMessageAge.stream': noMetric('Event Hubs has no consumer-lag metric'),
    'alarm.oldestMessageAge.fn': noMetric('a function holds no events; alarm on its queue'),
    'alarm.iteratorAge.stream': noMetric('Event Hubs has no consumer-lag metric'),
    'alarm.iteratorAge.queue': 'queues have no iterator; use depth',
    'alarm.iteratorAge.fn': noMetric('Event Hubs has no consumer-lag metric'),
    'alarm.deadLetters.stream': noMetric('a stream reader writes what it gives up on to a blob container, and Storage metrics do not split by container'),
    'alarm.deadLetters.fn': noMetric('a function\'s dead letters are blobs in its container; alarm on its queue\'s dead letters or on its errors'),
    'alarm.depth.stream': 'a stream keeps what it was sent; Event Hubs has no consumer-lag metric',
    'alarm.depth.fn': 'a function holds no events; alarm on its queue\'s depth',
    'alarm.errors.queue': 'queues have no error metric; alarm on errors of the function that reads it',
    'alarm.errors.stream': 'streams have no error metric; alarm on errors of the function that reads it',
  },
  degraded: {
    stream: 'Event Hubs has no dead-letter queue and its trigger checkpoints even when the function fails: the runtime retries each event in place and then writes it, with the reason, to the function\'s dead-letter container (the hub never redelivers it)',
    'table.onChange': 'the Cosmos DB change feed (latest-version mode) reports no deletes and no old image',
    'subscription.from.bus.via.orderedQueue': 'Event Grid sets a session queue\'s SessionId from the order key and cannot also set MessageId, so Service Bus duplicate detection is off on ordered queues and duplicates are dropped by the function\'s idempotency store instead',
    'queue.batch.window': 'the Service Bus trigger takes what is waiting, up to the batch size; it does not wait to fill a batch',
    'stream.batch.window': 'the Event Hubs trigger is given a batch size, not a window to fill it',
    'fn.concurrency': 'a Flex Consumption app scales to at least 40 instances: Herald sets the maximum instance count to max(40, concurrency) and the messages in flight per instance in host.json',
  },
  alarmSubstitutes: { oldestMessageAge: ALARM_SUBSTITUTE_DEPTH },
};

const tags = (ctx: Ctx, name: string, kind: string) => defaultTags(ctx.stack, name, kind);
const foundationOf = (ctx: Ctx) => ctx.get('foundation', ctx.topology.name);
/** `<namespace>.servicebus.windows.net`, the form identity-based connections and publishers take. */
const fqdn = (name: pulumi.Input<string>) => pulumi.interpolate`${name}.servicebus.windows.net`;

/** Whether `subscription` is the first channel of the plan from the same bus into the same queue or stream (the one granting Event Grid). */
export function firstInto(plan: DeliveryPlan, channel: Channel): boolean {
  const first = plan.channels.find((c) => c.from.kind === 'bus' && c.from.name === channel.from.name && c.sourceKey === channel.sourceKey);
  return first?.subscription === channel.subscription;
}

/** The bus or topic a function, schedule or ingress publishes to, with the role to publish there. */
function publishTarget(ctx: Ctx, to: Ref<'bus' | 'topic'>): PublishTarget {
  if (to.kind === 'topic') {
    const { topic } = ctx.get('topic', to.name);
    const f = foundationOf(ctx);
    return {
      target: pulumi.all([fqdn(f.serviceBus!.name), topic.name]).apply(([namespace, name]) => ({ kind: 'serviceBusTopic' as const, namespace, topic: name })),
      grant: { role: 'serviceBusDataSender', scope: topic.id, purpose: `publish to topic ${to.name}` },
    };
  }
  const { topic } = ctx.get('bus', to.name);
  return {
    target: topic.endpoint.apply((endpoint) => ({ kind: 'eventGrid' as const, endpoint })),
    grant: { role: 'eventGridDataSender', scope: topic.id, purpose: `publish to bus ${to.name}` },
  };
}

function storeRefs(ctx: Ctx): StoreRefs {
  const s = ctx.get('stores', ctx.topology.name);
  return {
    blobEndpoint: serviceEndpoint(s.account.primaryEndpoints.blob), tableEndpoint: serviceEndpoint(s.account.primaryEndpoints.table),
    table: s.idempotencyTable.name, tableId: s.idempotencyTable.id, claimCheck: s.claimCheckContainer.name, claimCheckId: s.claimCheckContainer.id,
  };
}

function ingress(ctx: Ctx, kind: string, name: string, to: Ref<'bus' | 'topic'>): Omit<IngressArgs, 'ingress'> {
  const stores = storeRefs(ctx);
  return {
    app: ctx.app, foundation: foundationOf(ctx), publish: publishTarget(ctx, to), stack: ctx.stack, tags: tags(ctx, name, kind),
    claimCheck: { endpoint: stores.blobEndpoint, container: stores.claimCheck, id: stores.claimCheckId },
  };
}

/** What a function reads for one channel: the resource its config names and the roles reading it takes. */
function sourceOf(ctx: Ctx, c: Channel): FunctionSource {
  const what = `${c.function} reads ${c.sourceKey}`;
  if (c.source.kind === 'stream') {
    const s = ctx.get('stream', c.source.stream);
    const resource = pulumi.all([s.hub.name, s.consumerGroups[c.function]!.name])
      .apply(([hub, consumerGroup]): AzureSourceResource => ({ kind: 'eventHub', hub, consumerGroup }));
    return { sourceKey: c.sourceKey, resource, grants: [{ role: 'eventHubsDataReceiver', scope: s.hub.id, purpose: what }] };
  }
  if (c.source.kind === 'queue' && c.source.own) {
    const t = ctx.get('topic', c.from.name);
    const sub = t.subscriptions[c.subscription]!;
    const resource = pulumi.all([t.topic.name, sub.name]).apply(([topic, subscription]): AzureSourceResource => ({ kind: 'serviceBusSubscription', topic, subscription }));
    return {
      sourceKey: c.sourceKey, resource,
      grants: [
        { role: 'serviceBusDataReceiver', scope: sub.id, purpose: what },
        // A retry is completed and sent again later (runtime settlement): through the topic the subscription reads.
        { role: 'serviceBusDataSender', scope: t.topic.id, purpose: `${c.function} resends retries of ${c.sourceKey}` },
      ],
    };
  }
  const q = ctx.get('queue', (c.source as { queue: string }).queue);
  return {
    sourceKey: c.sourceKey,
    resource: q.queue.name.apply((queue): AzureSourceResource => ({ kind: 'serviceBusQueue', queue })),
    grants: [
      { role: 'serviceBusDataReceiver', scope: q.queue.id, purpose: what },
      { role: 'serviceBusDataSender', scope: q.queue.id, purpose: `${c.function} resends retries of ${c.sourceKey}` },
    ],
  };
}

export class AzureProvider implements CloudProvider<AzureRealized> {
  readonly name = 'azure' as const;
  readonly capabilities = AZURE_CAPABILITIES;
  readonly delivery = AZURE_DELIVERY;

  /** Azure's limits on the topology, and the stack config's problems (location, SKU, action group). */
  validate(t: Topology): TopologyIssue[] {
    const config = parseAzureConfig(settingReader(), new pulumi.Config('azure-native').get('location')).issues;
    return [...validateForAzure(t, this.delivery), ...config];
  }

  foundation(spec: FoundationSpec, ctx: Ctx): AzureFoundation {
    return new AzureFoundation(spec.name, {
      topology: ctx.topology, settings: readAzureSettings(), scope: `${pulumi.getProject()}/${ctx.stack}`, tags: tags(ctx, spec.name, 'foundation'),
    });
  }

  stores(spec: StoresSpec, ctx: Ctx): AzureStores {
    const f = foundationOf(ctx);
    return new AzureStores(spec.name, { resourceGroupName: f.resourceGroupName, location: f.location, scope: f.scope, tags: tags(ctx, spec.name, 'stores') });
  }

  bus(spec: BusSpec, ctx: Ctx): AzureBus {
    return new AzureBus(spec.name, { spec, foundation: foundationOf(ctx), tags: tags(ctx, spec.name, 'bus') });
  }

  topic(spec: TopicSpec, ctx: Ctx): AzureTopic {
    return new AzureTopic(spec.name, { spec, plan: ctx.plan, foundation: foundationOf(ctx), tags: tags(ctx, spec.name, 'topic') });
  }

  queue(spec: QueueSpec, ctx: Ctx): AzureQueue {
    return new AzureQueue(spec.name, { spec, topology: ctx.topology, delivery: this.delivery, foundation: foundationOf(ctx) });
  }

  stream(spec: StreamSpec, ctx: Ctx): AzureStream {
    return new AzureStream(spec.name, { spec, plan: ctx.plan, foundation: foundationOf(ctx) });
  }

  bucket(spec: BucketSpec, ctx: Ctx): AzureBucket {
    const up = spec.onUpload;
    return new AzureBucket(spec.name, {
      spec, foundation: foundationOf(ctx), tags: tags(ctx, spec.name, 'bucket'), ...(up ? { ingress: ingress(ctx, 'bucket', spec.name, up.to) } : {}),
    });
  }

  table(spec: TableSpec, ctx: Ctx): AzureTable {
    const ch = spec.onChange;
    return new AzureTable(spec.name, {
      spec, foundation: foundationOf(ctx), tags: tags(ctx, spec.name, 'table'), ...(ch ? { ingress: ingress(ctx, 'table', spec.name, ch.to) } : {}),
    });
  }

  fn(spec: FunctionSpec, ctx: Ctx): AzureFunction {
    const f = foundationOf(ctx);
    const channels = ctx.plan.channelsOf(spec.name);
    const sources = new Map<string, FunctionSource>();
    for (const c of channels) if (c.source.kind !== 'direct' && !sources.has(c.sourceKey)) sources.set(c.sourceKey, sourceOf(ctx, c));
    return new AzureFunction(spec.name, {
      spec,
      bundle: bundleHandler(ctx.app.root, spec, channels),
      foundation: f,
      channels,
      sources: [...sources.values()],
      ...(f.serviceBus ? { serviceBusNamespace: fqdn(f.serviceBus.name) } : {}),
      ...(f.eventHubs ? { eventHubsNamespace: fqdn(f.eventHubs.name) } : {}),
      ...(spec.publishes ? { publish: publishTarget(ctx, spec.publishes.to) } : {}),
      stores: storeRefs(ctx),
      stack: ctx.stack,
      tags: tags(ctx, spec.name, 'fn'),
    });
  }

  subscription(spec: SubscriptionSpec, ctx: Ctx): AzureSubscription {
    const channel = ctx.plan.channel(spec.name);
    const f = foundationOf(ctx);
    let source: AzureSubscriptionArgs['source'];
    if (channel.from.kind === 'bus') {
      const bus = ctx.get('bus', channel.from.name);
      const grantSender = firstInto(ctx.plan, channel);
      if (channel.source.kind === 'direct') {
        source = { kind: 'bus', bus, into: { kind: 'function' } };
      } else if (channel.source.kind === 'stream') {
        const s = ctx.get('stream', channel.source.stream);
        source = { kind: 'bus', bus, into: { kind: 'hub', id: s.hub.id, name: channel.source.stream, grantSender } };
      } else {
        const q = ctx.get('queue', channel.source.queue);
        source = { kind: 'bus', bus, into: { kind: 'queue', id: q.queue.id, name: channel.source.queue, grantSender } };
      }
    } else if (channel.from.kind === 'topic') {
      const t = ctx.get('topic', channel.from.name);
      if (channel.source.kind === 'stream') {
        throw new UnsupportedFeatureError('azure', 'subscription', 'via stream from a topic', `[subscriptions[${spec.name}].via] a Service Bus topic cannot forward to an Event Hub; publish to a bus, or read the topic directly`);
      }
      source = channel.source.kind === 'queue' && channel.source.own
        ? { kind: 'topic', topicName: t.topic.name, own: t.subscriptions[spec.name]! }
        : { kind: 'topic', topicName: t.topic.name, forwardTo: ctx.get('queue', (channel.source as { queue: string }).queue).queue.name };
    } else {
      source = { kind: 'stream' };
    }
    return new AzureSubscription(spec.name, { channel, foundation: f, fn: ctx.get('fn', spec.function), source });
  }

  schedule(spec: ScheduleSpec, ctx: Ctx): AzureSchedule {
    return new AzureSchedule(spec.name, { spec, ingress: ingress(ctx, 'schedule', spec.name, spec.to) });
  }

  webhook(spec: WebhookSpec, ctx: Ctx): AzureWebhook {
    return new AzureWebhook(spec.name, { spec, ingress: ingress(ctx, 'webhook', spec.name, spec.to) });
  }

  alarm(spec: AlarmSpec, ctx: Ctx): AzureAlarm {
    const f = foundationOf(ctx);
    const on = spec.on;
    let target: AlarmTarget;
    if (on.kind === 'queue') {
      target = { kind: 'queue', namespaceId: f.serviceBus!.id, entity: ctx.get('queue', on.name).queue.name };
    } else if (on.kind === 'fn') {
      target = { kind: 'fn', appInsightsId: f.appInsights.id, appName: ctx.get('fn', on.name).app.name };
    } else {
      throw new UnsupportedFeatureError('azure', 'alarm', `metric=${spec.metric} on stream`, `[alarms[${spec.name}].on] ${AZURE_CAPABILITIES.unsupported['alarm.deadLetters.stream']}`);
    }
    return new AzureAlarm(spec.name, { spec, target, foundation: f, tags: tags(ctx, spec.name, 'alarm') });
  }
}

export { AZURE_CONFIG_KEYS };

/** The Azure provider (stateless: one instance serves every realization). */
export const azure = new AzureProvider();
