/**
 * The parent side of `bench kafka` on the broker: topics, waiting for a group to settle, and the one producer
 * both sides get — a burst (as fast as plain kafkajs sends) for throughput, a fixed rate for latency. Producing
 * from the parent, with the consumers in processes of their own, keeps a busy consumer from slowing its own load.
 */
import { type Admin, type Kafka, type Producer } from 'kafkajs';
import { KAFKA_DEFAULTS } from '../../providers/kafka/config';
import { kafkaNames } from '../../providers/kafka/topics';
import { ensureTopics } from '../../providers/kafka/transport';
import { benchApp } from './workload';
import { nowMs, orderRecord, type BenchOrderData } from './workload';
import type { KafkaRecordOut } from '../../providers/kafka/transport/binding';
import type { Envelope } from '../../contracts';

/** Records per `producer.send` in a burst, and sends in flight at once. */
export const BURST = { batch: 500, inFlight: 4 } as const;
/**
 * The fixed-rate producer sends what is due every tick (one `send`, all stamped together). Stamped as they go, so
 * the tick adds no latency; 5 ms, not 1, because a produce request per millisecond costs the broker and the
 * producer CPU the consumers need on 2 cores.
 */
const TICK_MS = 5;
/** How long a group may take to settle with its members. */
const SETTLE_TIMEOUT_MS = 60_000;

/** Creates each topic with its partitions (those that exist are left as they are), in one request. */
export async function createTopics(admin: Admin, partitionsOf: Readonly<Record<string, number>>): Promise<void> {
  await admin.createTopics({ topics: Object.entries(partitionsOf).map(([topic, numPartitions]) => ({ topic, numPartitions })), waitForLeaders: true });
}

/**
 * Creates every topic of the Herald side on `stack` (the transport's own list, as `pulumi up` would) with `partitions`
 * each, and resolves once each answers an offsets request: a worker started on topics just created can otherwise
 * meet "not the leader for that topic-partition" when it reads the claims topic's end offsets.
 */
export async function createHeraldTopics(kafka: Kafka, admin: Admin, stack: string, partitions: number): Promise<void> {
  const app = benchApp();
  const names = kafkaNames(app.name, stack);
  await ensureTopics(kafka, app, names, { ...KAFKA_DEFAULTS, partitions });
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${names.prefix}.`));
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  for (const topic of topics) {
    for (;;) {
      try {
        await admin.fetchTopicOffsets(topic);
        break;
      } catch (e) {
        if (performance.now() > deadline) throw e;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }
}

/** Resolves once `group` is Stable with `members` members (a rebalance done), so no partition is left unfetched. */
export async function groupSettled(admin: Admin, group: string, members: number): Promise<void> {
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  let seen = '';
  while (performance.now() < deadline) {
    const { groups } = await admin.describeGroups([group]);
    const g = groups[0];
    seen = `${g?.state ?? 'absent'} with ${g?.members.length ?? 0} members`;
    if (g?.state === 'Stable' && g.members.length === members) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`group ${group} not Stable with ${members} members within ${SETTLE_TIMEOUT_MS} ms (last: ${seen})`);
}

/** The members of `group`, as one string: a change means a member left or joined (a rebalance). */
export async function memberIds(admin: Admin, group: string): Promise<string> {
  const { groups } = await admin.describeGroups([group]);
  return (groups[0]?.members ?? []).map((m) => m.memberId).sort().join(',');
}

/**
 * Sends `records` to `topic` in batches of BURST.batch, BURST.inFlight at once, acks=all.
 * @returns `nowMs` at the first send and at the last acknowledgement
 */
export async function burst(producer: Producer, topic: string, records: readonly KafkaRecordOut[]): Promise<{ startedAt: number; sentAt: number }> {
  const batches: KafkaRecordOut[][] = [];
  for (let i = 0; i < records.length; i += BURST.batch) batches.push(records.slice(i, i + BURST.batch));
  let next = 0;
  const sender = async () => {
    while (next < batches.length) await producer.send({ topic, acks: -1, messages: batches[next++]! });
  };
  const startedAt = nowMs();
  await Promise.all(Array.from({ length: BURST.inFlight }, sender));
  return { startedAt, sentAt: nowMs() };
}

/**
 * Sends `envelopes` to `topic` at `rate` per second, each tick sending what is due as one batch stamped
 * (`data.sentAt`) just before it goes; sends overlap when the broker is slower than a tick, so a slow
 * acknowledgement never lowers the offered rate. `onWarm` is called `warmMs` after the start.
 * @returns the rate actually offered (events over the time from the first to the last send)
 */
export async function fixedRate(producer: Producer, topic: string, envelopes: readonly Envelope<BenchOrderData>[], rate: number, warmMs: number, onWarm: () => void): Promise<number> {
  const pending = new Set<Promise<unknown>>();
  let failure: unknown;
  let sent = 0;
  let warm = false;
  const start = nowMs();
  let last = start;
  while (sent < envelopes.length && failure === undefined) {
    const now = nowMs();
    if (!warm && now - start >= warmMs) { warm = true; onWarm(); }
    const due = Math.min(envelopes.length, Math.floor(((now - start) / 1_000) * rate) + 1);
    // A late tick (a busy event loop) owes more: still sent now, in requests of at most a burst's batch.
    while (due > sent) {
      const stamp = nowMs();
      const upTo = Math.min(due, sent + BURST.batch);
      const messages = envelopes.slice(sent, upTo).map((e) => orderRecord(e, stamp));
      sent = upTo;
      last = stamp;
      const sending = producer.send({ topic, acks: -1, messages }).catch((e: unknown) => { failure = e; });
      pending.add(sending);
      void sending.finally(() => pending.delete(sending));
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  await Promise.all(pending);
  if (failure !== undefined) throw failure;
  return (sent - 1) / ((last - start) / 1_000);
}
