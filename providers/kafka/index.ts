/**
 * The Kafka provider: the cluster side of a Kafka deploy (`pulumi up` with `herald:cloud: kafka`), through
 * `@pulumi/kafka`. Topics for every bus, topic, queue and stream, retry and dead-letter topics, the shared
 * outcomes and claims topics, and one principal's ACLs per function; every name from topics.ts, every
 * channel from the delivery plan. Functions run in Herald workers and schedules, webhooks, uploads and
 * table changes in the Herald process: no cluster resource, a warning saying so (`degraded`). Kafka has no
 * alarms: declared ones are refused, default ones left out with a note (`unsupported`).
 */
import * as pulumi from '@pulumi/pulumi';
import {
  type AlarmSpec, type BucketSpec, type BusSpec, type Capabilities, type CloudProvider, type FoundationSpec, type FunctionSpec,
  type QueueSpec, type RealizeContext, type Realized, type RealizedKinds, type ScheduleSpec, type StoresSpec, type StreamSpec,
  type SubscriptionSpec, type TableSpec, type Topology, type TopicSpec, type TopologyIssue, type WebhookSpec,
} from '../../contracts';
import { ALARM_FEATURES, kafkaAlarm } from './alarm';
import { kafkaBucket } from './bucket';
import { KafkaBus } from './bus';
import { parseKafkaConfig } from './config';
import { KAFKA_DELIVERY } from './delivery';
import { KafkaFoundation } from './foundation';
import { KafkaFunction } from './function';
import { RUN_BY_PROCESS } from './ingress';
import { settingReader } from '../setting-reader';
import { KafkaQueue } from './queue';
import { kafkaSchedule } from './schedule';
import { KafkaStores } from './stores';
import { KafkaStream } from './stream';
import { KafkaSubscription } from './subscription';
import { kafkaTable } from './table';
import { KafkaTopic } from './topic';
import { kafkaWebhook } from './webhook';

/** What each kind realizes to on Kafka. */
export interface KafkaRealized extends RealizedKinds {
  readonly foundation: KafkaFoundation;
  readonly stores: KafkaStores; readonly bus: KafkaBus; readonly topic: KafkaTopic; readonly queue: KafkaQueue; readonly stream: KafkaStream;
  readonly bucket: Realized; readonly table: Realized; readonly fn: KafkaFunction; readonly subscription: KafkaSubscription;
  readonly schedule: Realized; readonly webhook: Realized; readonly alarm: Realized;
}
type Ctx = RealizeContext<KafkaRealized>;

const inProcess = (what: string) => `Kafka has no ${what}; it runs in the Herald process (${RUN_BY_PROCESS}), which publishes its events to the Kafka topic, so it works only while that process runs`;

/** What Kafka cannot honour, and what it only approximates. */
export const KAFKA_CAPABILITIES: Capabilities = {
  unsupported: ALARM_FEATURES,
  degraded: {
    schedule: inProcess('timer'),
    webhook: inProcess('HTTP endpoint'),
    bucket: inProcess('object store (uploads are kept on its disk)'),
    table: inProcess('tables (rows are kept in its state)'),
  },
};

export class KafkaProvider implements CloudProvider<KafkaRealized> {
  readonly name = 'kafka' as const;
  readonly capabilities = KAFKA_CAPABILITIES;
  readonly delivery = KAFKA_DELIVERY;

  /** The stack config's problems (brokers, partitions, replication, SASL, TLS): Kafka's own limits on a topology are none Herald's names can break. */
  validate(_t: Topology): TopologyIssue[] {
    return parseKafkaConfig(settingReader()).issues;
  }

  foundation(spec: FoundationSpec, ctx: Ctx): KafkaFoundation {
    return new KafkaFoundation(spec.name, { app: ctx.topology.name, stack: ctx.stack });
  }

  stores(spec: StoresSpec, ctx: Ctx): KafkaStores {
    return new KafkaStores(spec.name, { cluster: cluster(ctx) }, opts(ctx));
  }

  bus(spec: BusSpec, ctx: Ctx): KafkaBus {
    return new KafkaBus(spec.name, { spec, cluster: cluster(ctx) }, opts(ctx));
  }

  topic(spec: TopicSpec, ctx: Ctx): KafkaTopic {
    return new KafkaTopic(spec.name, { spec, plan: ctx.plan, cluster: cluster(ctx) }, opts(ctx));
  }

  queue(spec: QueueSpec, ctx: Ctx): KafkaQueue {
    return new KafkaQueue(spec.name, { spec, cluster: cluster(ctx) }, opts(ctx));
  }

  stream(spec: StreamSpec, ctx: Ctx): KafkaStream {
    return new KafkaStream(spec.name, { spec, cluster: cluster(ctx) }, opts(ctx));
  }

  bucket(spec: BucketSpec, ctx: Ctx): Realized {
    return kafkaBucket(spec, cluster(ctx).names);
  }

  table(spec: TableSpec, ctx: Ctx): Realized {
    return kafkaTable(spec, cluster(ctx).names);
  }

  fn(spec: FunctionSpec, ctx: Ctx): KafkaFunction {
    return new KafkaFunction(spec.name, { spec, plan: ctx.plan, cluster: cluster(ctx) }, opts(ctx));
  }

  subscription(spec: SubscriptionSpec, ctx: Ctx): KafkaSubscription {
    return new KafkaSubscription(spec.name, { channel: ctx.plan.channel(spec.name), cluster: cluster(ctx) }, opts(ctx));
  }

  schedule(spec: ScheduleSpec, ctx: Ctx): Realized {
    return kafkaSchedule(spec, cluster(ctx).names);
  }

  webhook(spec: WebhookSpec, ctx: Ctx): Realized {
    return kafkaWebhook(spec, cluster(ctx).names);
  }

  alarm(spec: AlarmSpec, _ctx: Ctx): Realized {
    return kafkaAlarm(spec);
  }
}

/** The stack's cluster: its provider, settings and names (realized first, by `foundation`). */
function cluster(ctx: Ctx): KafkaFoundation {
  return ctx.get('foundation', ctx.topology.name);
}

/** Every component creates its topics and ACLs through the stack's `kafka.Provider`, inherited by its children. */
function opts(ctx: Ctx): pulumi.ComponentResourceOptions {
  return { providers: [cluster(ctx).provider] };
}

/** The Kafka provider (stateless: one instance serves every realization). */
export const kafka = new KafkaProvider();
