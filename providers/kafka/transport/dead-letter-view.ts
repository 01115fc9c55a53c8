/**
 * The dead letters of an app on a Kafka cluster, read straight from its dead-letter topics (one per queue,
 * stream, or function of a direct channel: topics.ts `deadLetter`), for `herald dlq --brokers`: no dev
 * server needed. A Kafka record cannot be deleted, so a redrive or a purge writes a removal marker to the
 * outcomes topic (key `dlq:<topic>:<partition>:<offset>`), and the view is every dead-letter record minus
 * the removed ones. The markers are also the outcomes topic's own removal records (outcomes.ts), so a dev
 * server following that topic drops the letters too, and the removals its `/dlq` writes hide them here.
 *
 * Reading (topic-scan.ts) takes each topic from its low to its high watermark as of the read's start;
 * records written later wait for the next read.
 * A redrive sends the record as it was dead-lettered (its key, value and CloudEvents headers) to the
 * subscription's retry topic, addressed to that subscription only, from attempt 1 and at once; the marker
 * is written only once the broker acknowledged it, so a crash in between redrives it again, never loses it.
 */
import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { DeliveryPlan, Envelope } from '../../../contracts';
import { silentLogger, type EventRegistry } from '../../../runtime';
import { matchesQuery, type DeadLetter, type DeadLetterQuery } from '../../local/dead-letters';
import type { KafkaNames } from '../topics';
import { BindingError, CE_PREFIX, decodeRecord } from './binding';
import { HERALD_HEADER_PREFIX, readDeliveryHeaders, writeRetryHeaders, type AttemptEntry } from './delivery-headers';
import { KafkaClaims } from './claims';
import type { OutcomeRecord } from './outcomes';
import { RecordSender } from './record-sender';
import { MissingTopicsError, readToEnd, requireTopics, whileRetriable, withProducer } from './topic-scan';

export { MissingTopicsError };

/** Every in-sync replica acknowledges a redrive before its marker is written. */
const ACKS_ALL = -1;
const DEFAULT_READ_TIMEOUT_MS = 30_000;

/** Where a record is on the cluster. */
export interface RecordLocation {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are 64-bit: kept as the decimal string kafkajs gives. */
  readonly offset: string;
}

/**
 * A dead letter on Kafka: the local runtime's fields, where it is, and what a redrive re-sends. `event` is
 * undefined for a record that was dead-lettered because it is not a valid CloudEvent (`unreadable` says
 * why); its id is then its `ce_id` header, or its location when it has none.
 */
export interface KafkaDeadLetter extends Omit<DeadLetter, 'event'>, RecordLocation {
  readonly event: Envelope | undefined;
  /** Why the record cannot be read as an envelope now (set only when `event` is undefined). */
  readonly unreadable?: string;
  /** What each attempt did, the last MAX_HISTORY (its `herald-history` header), when it carries one. */
  readonly history?: readonly AttemptEntry[];
  /** Later dead-letter records of the same event and subscription (a worker that crashed after writing one): removed with it. */
  readonly copies: readonly RecordLocation[];
  /** The record as it was dead-lettered. */
  readonly record: Pick<KafkaMessage, 'key' | 'value' | 'headers'>;
}

/** What the view reads and writes with. */
export interface DeadLetterViewOptions {
  /** A kafkajs client (its brokers, SASL and TLS settings). */
  readonly kafka: Kafka;
  readonly names: KafkaNames;
  readonly plan: DeliveryPlan;
  readonly registry: EventRegistry;
  /** How long reading to the end of every topic may take. @default 30_000 */
  readonly readTimeoutMs?: number;
  /**
   * Makes the idempotency store forget the letters' events for their functions before they are redriven,
   * so the redrive runs the handler again from attempt 1 instead of being answered as a duplicate of the
   * given-up delivery (the local runtime's `pipeline.forget`).
   * @default `forgetInClaims`: a `forgotten` record in the claims topic, which every worker reads
   */
  readonly forget?: (letters: readonly KafkaDeadLetter[]) => Promise<void>;
}

/** The marker key of a record location: what a redrive or purge writes to the outcomes topic. */
export const removalKey = (at: RecordLocation) => `dlq:${at.topic}:${at.partition}:${at.offset}`;

/** The dead-letter topics of a plan, each once. */
export function deadLetterTopics(plan: DeliveryPlan, names: KafkaNames): string[] {
  return [...new Set(plan.channels.map((c) => names.deadLetter(c)))];
}

/**
 * The dead letters a query matches (every one without), oldest first per topic: one per event and
 * subscription, with the locations of its copies.
 * @throws MissingTopicsError when a dead-letter topic or the outcomes topic is not on the cluster
 */
export async function readDeadLetters(options: DeadLetterViewOptions, query: DeadLetterQuery = {}): Promise<KafkaDeadLetter[]> {
  const { names, plan } = options;
  const topics = deadLetterTopics(plan, names);
  await requireTopics(options.kafka, [...topics, names.outcomes]);
  // A fresh cluster answers some requests with retriable errors for a while (a coordinator loading, a
  // leader being elected); each try reads everything again from scratch.
  const { records, removals } = await whileRetriable(() => collect(options, topics), options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS);
  // Removed records are gone; the others fold into one letter per event and subscription (an event
  // dead-lettered again after a redrive is a new letter, its old record being removed).
  const letters = new Map<string, KafkaDeadLetter & { copies: RecordLocation[] }>();
  for (const letter of records) {
    if (removals.hides(letter)) continue;
    const held = letters.get(`${letter.subscription}\u0000${letter.id}`);
    if (held) held.copies.push({ topic: letter.topic, partition: letter.partition, offset: letter.offset });
    else letters.set(`${letter.subscription}\u0000${letter.id}`, { ...letter, copies: [] });
  }
  const found: KafkaDeadLetter[] = [];
  for (const letter of letters.values()) if (matchesQuery(asQueryable(letter), query)) found.push(letter);
  return found;
}

/**
 * Sends each letter back to the subscription it was dead-lettered from (its retry topic, read by that
 * subscription only), from attempt 1 and at once, then marks it and its copies removed. How many.
 * @throws MissingTopicsError when a retry topic, the outcomes or the claims topic is gone; Error for a letter whose
 *   subscription is no longer in the app
 */
export async function redrive(options: DeadLetterViewOptions, letters: readonly KafkaDeadLetter[]): Promise<number> {
  if (!letters.length) return 0;
  const { names, plan } = options;
  const known = new Set(plan.channels.map((c) => c.subscription));
  const gone = [...new Set(letters.map((l) => l.subscription).filter((s) => !known.has(s)))];
  if (gone.length) throw new Error(`cannot redrive to ${gone.map((s) => `"${s}"`).join(', ')}: no such subscription in the app any more; purge those letters instead`);
  const byTopic = new Map<string, Array<{ key: Buffer | null; value: Buffer | null; headers: IHeaders }>>();
  for (const letter of letters) {
    const topic = names.retry(letter);
    const headers: IHeaders = {};
    // The event as it was (its ce_ and content-type headers); Herald's own headers start afresh.
    for (const [name, value] of Object.entries(letter.record.headers ?? {})) if (!name.startsWith(HERALD_HEADER_PREFIX)) headers[name] = value;
    Object.assign(headers, writeRetryHeaders({ subscription: letter.subscription, attempt: 1, notBefore: 0 }));
    const list = byTopic.get(topic) ?? [];
    list.push({ key: letter.record.key, value: letter.record.value, headers });
    byTopic.set(topic, list);
  }
  await requireTopics(options.kafka, [...byTopic.keys(), names.outcomes, ...(options.forget ? [] : [names.claims])]);
  await (options.forget ?? forgetInClaims(options.kafka, names))(letters);
  await withProducer(options.kafka, async (producer) => {
    await producer.sendBatch({ acks: ACKS_ALL, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    await producer.send({ topic: names.outcomes, acks: ACKS_ALL, messages: markers(letters, 'redrive') });
  });
  return letters.length;
}

/**
 * The forget of a process with no claims store of its own (`herald dlq --brokers`): each letter's event
 * forgotten for the function that gave up on it, through the claims changelog (claims.ts), acknowledged
 * before it resolves. A letter that was never read as an event (unreadable) has no claim to forget.
 */
export function forgetInClaims(kafka: Kafka, names: KafkaNames): (letters: readonly KafkaDeadLetter[]) => Promise<void> {
  return (letters) => withProducer(kafka, async (producer) => {
    const claims = new KafkaClaims({ kafka, names, sender: new RecordSender(producer), logger: silentLogger });
    await Promise.all(letters.flatMap((l) => (l.event ? [claims.forget({ scope: l.function, source: l.event.source, id: l.event.id })] : [])));
  });
}

/** Marks each letter (and its copies) removed for good. How many. @throws MissingTopicsError without the outcomes topic */
export async function purge(options: DeadLetterViewOptions, letters: readonly KafkaDeadLetter[]): Promise<number> {
  if (!letters.length) return 0;
  await requireTopics(options.kafka, [options.names.outcomes]);
  await withProducer(options.kafka, (producer) => producer.send({ topic: options.names.outcomes, acks: ACKS_ALL, messages: markers(letters, 'purge') }).then(() => undefined));
  return letters.length;
}

/** Who wrote a marker, in the outcomes topic's `w` (a process id elsewhere: no process skips these as its own). */
const MARKER_WRITER = 'herald-dlq';

/**
 * One marker per location of each letter. Its value is also the outcomes topic's own removal record
 * (outcomes.ts), naming the letter's subscription and event, so a dev server following the topic drops
 * the letter from its `/dlq` as well.
 */
function markers(letters: readonly KafkaDeadLetter[], by: 'redrive' | 'purge') {
  const at = new Date().toISOString();
  return letters.flatMap((l) => [l, ...l.copies].map((where) => {
    const key = removalKey(where);
    const record: OutcomeRecord & { readonly letter: string } = {
      kind: 'dlq-removed', letter: key.slice('dlq:'.length), by, at, w: MARKER_WRITER, letters: [{ subscription: l.subscription, id: l.id }],
    };
    return { key, value: JSON.stringify(record) };
  }));
}

/**
 * The removals the outcomes topic holds: by location (`herald dlq --brokers`, key `dlq:<location>`), and
 * by subscription and event (the dev server's `/dlq/redrive` and `/dlq/purge`, key `dlq`), which remove
 * what was dead-lettered up to the removal's time, not what the event's next failure brings.
 */
class Removals {
  private readonly locations = new Set<string>();
  /** Per subscription and event id, the latest removal by reference (epoch ms). */
  private readonly byRef = new Map<string, number>();

  /** Takes an outcomes-topic record; anything but a removal is skipped unparsed, by its key. */
  add(key: string | undefined, value: Buffer | null): void {
    if (!value || (key !== 'dlq' && !key?.startsWith('dlq:'))) return;
    let removal: Partial<{ kind: string; letter: string; letters: Array<{ subscription?: unknown; id?: unknown }>; at: string }>;
    try {
      removal = JSON.parse(value.toString('utf8')) as typeof removal;
    } catch {
      return;
    }
    if (removal.kind !== 'dlq-removed') return;
    if (key !== 'dlq') {
      this.locations.add(key);
      return;
    }
    const at = Date.parse(removal.at ?? '');
    if (!Array.isArray(removal.letters) || Number.isNaN(at)) return;
    for (const ref of removal.letters) {
      if (typeof ref?.subscription !== 'string' || typeof ref.id !== 'string') continue;
      const name = `${ref.subscription}\u0000${ref.id}`;
      this.byRef.set(name, Math.max(at, this.byRef.get(name) ?? at));
    }
  }

  /** Whether a dead-letter record was removed. */
  hides(letter: KafkaDeadLetter): boolean {
    if (this.locations.has(removalKey(letter))) return true;
    const removedAt = this.byRef.get(`${letter.subscription}\u0000${letter.id}`);
    if (removedAt === undefined) return false;
    const at = Date.parse(letter.at);
    return Number.isNaN(at) || at <= removedAt;
  }
}

/** Every dead-letter record of `topics` as a letter of its own, and the removals. */
async function collect(options: DeadLetterViewOptions, topics: readonly string[]) {
  const { names } = options;
  const removals = new Removals();
  const records: KafkaDeadLetter[] = [];
  const scan = { groupPrefix: `${names.prefix}.dlq-view`, timeoutMs: options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS };
  await readToEnd(options.kafka, [...topics, names.outcomes], scan, (topic, partition, message) => {
    if (topic === names.outcomes) removals.add(message.key?.toString('utf8'), message.value);
    else records.push(letterOf(options.registry, { topic, partition, offset: message.offset }, message));
  });
  return { records, removals };
}

/** A dead-letter record read as a letter: its event decoded when it can be, Herald's headers for the rest. */
function letterOf(registry: EventRegistry, where: RecordLocation, message: KafkaMessage): KafkaDeadLetter {
  const h = readDeliveryHeaders(message.headers);
  let event: Envelope | undefined;
  let unreadable: string | undefined;
  try {
    event = decodeRecord(message, registry);
  } catch (error) {
    if (!(error instanceof BindingError)) throw error;
    unreadable = error.message;
  }
  const header = (name: string) => {
    const value = message.headers?.[name];
    return Buffer.isBuffer(value) ? value.toString('utf8') : typeof value === 'string' ? value : undefined;
  };
  const location = `${where.topic}:${where.partition}:${where.offset}`;
  return {
    ...where,
    id: event?.id ?? header(`${CE_PREFIX}id`) ?? location,
    type: event?.type ?? header(`${CE_PREFIX}type`) ?? '',
    function: h.function ?? '',
    subscription: h.subscription ?? '',
    attempts: h.attempts ?? 0,
    reason: h.reason ?? (unreadable !== undefined ? `unreadable record: ${unreadable}` : ''),
    lastError: h.lastError ?? h.reason ?? '',
    at: h.deadLetteredAt ?? (message.timestamp ? new Date(Number(message.timestamp)).toISOString() : ''),
    event,
    ...(unreadable !== undefined ? { unreadable } : {}),
    ...(h.history ? { history: h.history } : {}),
    copies: [],
    record: { key: message.key, value: message.value, headers: message.headers ?? {} },
  };
}

/** The fields a query reads (matchesQuery takes a local DeadLetter; it reads none of `event`). */
const asQueryable = (letter: KafkaDeadLetter) => letter as unknown as DeadLetter;
