/**
 * The Kafka transport: the embedded runtime's transport seam (providers/local/transport.ts) on a real
 * Kafka cluster, so `herald dev --transport kafka` and `herald worker` run the same runtime, pipelines and
 * handlers as `npm start`, with Kafka carrying and keeping the events between processes.
 * - `publish` routes at publish (routing.ts) and resolves once the brokers acknowledged every record
 *   (`acks=all`); the records are CloudEvents in binary mode (binding.ts).
 * - `consume` gives each subscription a reader in its own consumer group (channel-reader.ts), so
 *   workers started anywhere share a subscription's partitions.
 * - Topics are created when missing (cluster-topics.ts: the same list `pulumi up` declares), so a fresh
 *   broker works without a deploy.
 * kafkajs is used only here and in the files it imports, behind this seam, so a KafkaJS-compatible client
 * (`@confluentinc/kafka-javascript`'s KafkaJS API) could replace it.
 */
import type { Admin, ConsumerConfig, Kafka, Producer } from 'kafkajs';
import {
  deliveryPlan, type Channel, type DeliveryTarget, type Envelope, type Logger, type Ref, type Topology,
} from '../../../contracts';
import { EventRegistry } from '../../../runtime/registry';
import type { Publisher } from '../../../runtime/publisher';
import { createLogger } from '../../../runtime/logger';
import type { DeadLetter } from '../../local/dead-letters';
import {
  TransportClosedError, type CloseReport, type Consumer, type Transport, type TransportContext, type TransportFactory,
} from '../../local/transport';
import { KAFKA_DEFAULTS, type KafkaSettings } from '../config';
import { KAFKA_DELIVERY } from '../delivery';
import { topicConfig, topicPartitions } from '../topic-config';
import type { KafkaNames } from '../topics';
import { encodeRecord, type KafkaRecordOut } from './binding';
import { ChannelReader, type ClaimsLog } from './channel-reader';
import { clusterTopics } from './cluster-topics';
import { DELIVERY_HEADERS, writeRetryHeaders } from './delivery-headers';
import { Ledger } from './ledger';
import { RecordSender } from './record-sender';
import { retriable } from './retriable';
import { PublishRouting, recordKey } from './routing';

/** How topics are created when missing: the stack config's topic settings. */
export type TopicSettings = Pick<KafkaSettings, 'partitions' | 'replicationFactor' | 'minInsyncReplicas' | 'retentionMs'>;

export interface KafkaTransportOptions {
  /** The client (connection.ts makes one from brokers, SASL and TLS). */
  readonly kafka: Kafka;
  /** The names of the app on its stack (topics.ts). */
  readonly names: KafkaNames;
  /** Settings of the topics created when missing. @default KAFKA_DEFAULTS (one broker) */
  readonly topics?: TopicSettings;
  /** The delivery plan's target the runtime uses. @default KAFKA_DELIVERY */
  readonly target?: DeliveryTarget;
  /** The idempotency store's claims topic (claims.ts), which offsets wait for. @default none (no dedupe across processes) */
  readonly claims?: ClaimsLog;
  readonly consumerConfig?: Partial<ConsumerConfig>;
  /** Whether to create the missing topics at start (`kafkaRuntime` already did, for its claims). @default true */
  readonly createTopics?: boolean;
  /** @default JSON lines on stderr */
  readonly logger?: Logger;
}

/** A Kafka transport, as its owner sees it while it stops. */
export interface KafkaTransportHandle {
  /**
   * What `close` reports, as far as it got: its report once the grace period is over (from then on only the
   * cluster is left: commit, leave the groups), before that every event not settled yet.
   */
  reportSoFar(): CloseReport;
}

/** The Kafka transport; `made` is handed each one made (its owner bounds the stop: runtime.ts). */
export function kafkaTransport(options: KafkaTransportOptions, made?: (transport: KafkaTransportHandle) => void): TransportFactory {
  return (context) => {
    const transport = new KafkaTransport(context, options);
    made?.(transport);
    return transport;
  };
}

/** A record and the topic it goes to. */
type Addressed = readonly [topic: string, record: KafkaRecordOut];

class KafkaTransport implements Transport, KafkaTransportHandle {
  readonly name = 'kafka';
  private readonly ledger = new Ledger();
  private readonly routing: PublishRouting;
  private readonly registry: EventRegistry;
  private readonly producer: Producer;
  private readonly sender: RecordSender;
  private readonly readers = new Map<string, { reader: ChannelReader; channel: Channel }>();
  private readonly channels: readonly Channel[];
  /** Connected, and every topic exists. */
  private readonly ready: Promise<void>;
  private closing: Promise<CloseReport> | undefined;
  /** The report of `close` as its grace period ended. */
  private graceOver: CloseReport | undefined;

  constructor(private readonly context: TransportContext, private readonly options: KafkaTransportOptions) {
    const t = context.topology;
    this.channels = deliveryPlan(t, options.target ?? KAFKA_DELIVERY).channels;
    this.routing = new PublishRouting(t, this.channels, options.names);
    this.registry = new EventRegistry(t.events);
    // Idempotent: a send retried after a timeout (a slow or restarting broker) is not written twice.
    this.producer = options.kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
    this.sender = new RecordSender(this.producer);
    this.ready = this.setUp(t);
    this.ready.catch(() => {}); // whoever publishes or consumes sees the failure
  }

  get pending(): number {
    return this.ledger.count;
  }

  idle(): Promise<void> {
    return this.ledger.idle();
  }

  async publish(to: Ref<'bus' | 'topic'>, events: readonly Envelope[]): Promise<void> {
    if (this.closing) throw new TransportClosedError(this.name);
    return this.send(to, events);
  }

  async consume(channel: Channel, consumer: Consumer): Promise<void> {
    if (this.closing) throw new TransportClosedError(this.name);
    if (this.readers.has(channel.subscription)) throw new Error(`subscription "${channel.subscription}" is already consumed`);
    const { options } = this;
    const partitions = (options.topics ?? KAFKA_DEFAULTS).partitions;
    const reader = new ChannelReader(channel, consumer, {
      kafka: options.kafka, names: options.names, registry: this.registry, sender: this.sender, ledger: this.ledger, context: this.context,
      logger: options.logger ?? createLogger(), forward: (c, events) => this.send(c.publishTo!, events),
      ...(options.claims ? { claims: options.claims } : {}),
      ...(options.consumerConfig ? { consumerConfig: options.consumerConfig } : {}),
      // Its source's and its retry topic's partitions, all at once.
      partitionsAtOnce: 2 * partitions,
    });
    this.readers.set(channel.subscription, { reader, channel });
    await this.ready;
    await reader.start();
  }

  /** What a handler publishes is sent before its event is marked handled (see Transport.outbox). */
  outbox(to: Ref<'bus' | 'topic'>): Publisher {
    return { publish: (events) => this.send(to, events) };
  }

  async redrive(letters: readonly DeadLetter[]): Promise<void> {
    if (this.closing) throw new TransportClosedError(this.name);
    const unknown = letters.find((l) => !this.readers.has(l.subscription));
    if (unknown) throw new Error(`no subscription "${unknown.subscription}" is consumed`);
    const records: Addressed[] = [];
    const owed: Array<[Channel, Envelope]> = [];
    for (const letter of letters) {
      const { channel, reader } = this.readers.get(letter.subscription)!;
      // To its subscription's retry topic, addressed to it alone, from attempt 1, due at once.
      const record = encodeRecord(letter.event, recordKey(channel, letter.event), writeRetryHeaders({ subscription: channel.subscription, attempt: 1, notBefore: 0 }));
      records.push([this.options.names.retry(channel), record]);
      if (reader.alone) owed.push([channel, letter.event]);
    }
    await this.sendOwing(records, owed);
  }

  close(graceMs: number, hurry?: AbortSignal): Promise<CloseReport> {
    this.closing ??= (async () => {
      const timedOut = await this.ledger.idleWithin(graceMs, hurry);
      const report = (this.graceOver = { timedOut, undelivered: this.ledger.undelivered() });
      await Promise.allSettled([...this.readers.values()].map(({ reader }) => reader.stop()));
      await this.producer.disconnect().catch(() => {});
      return report;
    })();
    return this.closing;
  }

  reportSoFar(): CloseReport {
    return this.graceOver ?? { timedOut: true, undelivered: this.ledger.undelivered() };
  }

  /** Routes and sends, owing each event to the channels consumed here that accept it. */
  private async send(to: Ref<'bus' | 'topic'>, events: readonly Envelope[]): Promise<void> {
    const records: Addressed[] = [];
    const owed: Array<[Channel, Envelope]> = [];
    for (const e of events) {
      const routed = this.routing.route(to, e);
      for (const r of routed.records) {
        records.push([r.topic, encodeRecord(e, r.key, r.subscription === undefined ? undefined : { [DELIVERY_HEADERS.subscription]: r.subscription })]);
      }
      for (const c of routed.owedTo) if (this.readers.get(c.subscription)?.reader.alone) owed.push([c, e]);
      for (const c of routed.refusedBy) this.context.filtered(c, e);
    }
    await this.sendOwing(records, owed);
  }

  /**
   * Sends `records`, owing `owed` meanwhile (an event is owed here only while its subscription's reader is its
   * group's only member: ChannelReader.alone), and no longer when the send fails.
   */
  private async sendOwing(records: readonly Addressed[], owed: ReadonlyArray<readonly [Channel, Envelope]>): Promise<void> {
    // Owed before the records exist, so a reader that settles one at once never finds it unowed.
    for (const [c, e] of owed) this.ledger.owe(c, e);
    try {
      await this.sendAll(records);
    } catch (error) {
      for (const [c, e] of owed) this.ledger.unowe(c, e);
      throw error;
    }
  }

  /** Once set up, sends `records`; the sender groups them by topic (one request per turn). */
  private async sendAll(records: readonly Addressed[]): Promise<void> {
    await this.ready;
    await Promise.all(records.map(([topic, record]) => this.sender.send(topic, [record])));
  }

  /** Creates the topics that are missing (unless the caller did), then connects the producer. */
  private async setUp(t: Topology): Promise<void> {
    if (this.options.createTopics !== false) await ensureTopics(this.options.kafka, t, this.options.names, this.options.topics, this.options.target);
    await this.producer.connect();
  }
}

/**
 * Creates every topic of `t` that the cluster lacks (cluster-topics.ts: what `pulumi up` declares), with the
 * settings a deploy would give them. Safe to run from several processes at once.
 */
export async function ensureTopics(kafka: Kafka, t: Topology, names: KafkaNames, settings: TopicSettings = KAFKA_DEFAULTS, target: DeliveryTarget = KAFKA_DELIVERY): Promise<void> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    await retriable(() => createMissing(admin, t, names, settings, target));
  } finally {
    await admin.disconnect();
  }
}

async function createMissing(admin: Admin, t: Topology, names: KafkaNames, settings: TopicSettings, target: DeliveryTarget): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = clusterTopics(t, deliveryPlan(t, target), names).filter((topic) => !existing.has(topic.name));
  if (!missing.length) return;
  // Another process may create some of them at the same moment: kafkajs answers false for those.
  await admin.createTopics({
    waitForLeaders: true,
    timeout: 30_000,
    topics: missing.map((topic) => ({
      topic: topic.name, numPartitions: topicPartitions(settings, topic.options), replicationFactor: settings.replicationFactor,
      configEntries: Object.entries(topicConfig(settings, topic.options)).map(([name, value]) => ({ name, value })),
    })),
  });
}
