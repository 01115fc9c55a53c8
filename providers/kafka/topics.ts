/**
 * THE naming rule for everything Herald names on a Kafka cluster: topics, consumer groups and principals.
 * The deploy side (`pulumi up`, `herald plan`) and the transport (workers, `herald dev --transport kafka`)
 * both read it, so a worker finds exactly the topics and groups a deploy created and its ACLs allow.
 *
 * Every name starts with `<app>.<stack>`, so several apps and stacks share one cluster:
 * - `<prefix>.bus.<name>`, `<prefix>.topic.<name>`, `<prefix>.queue.<name>`, `<prefix>.stream.<name>`:
 *   one topic per bus, topic, queue (declared, or a topic subscriber's own: `ownQueueName`) and stream;
 * - per subscription: the consumer group `<prefix>.group.<subscription>` and the retry topic
 *   `<prefix>.retry.<subscription>` (retries wait there, and redrives come in); dead letters go to the topic of the channel's dead-letter owner,
 *   `<prefix>.<queue|stream|fn>.<name>.dlq`;
 * - once per app and stack: `<prefix>.outcomes` (what every worker settled: traces, the dlq view) and
 *   `<prefix>.claims` (the idempotency changelog).
 *
 * `.` only ever separates segments: a segment keeps `[a-zA-Z0-9-]` and any other character becomes `-`
 * with a hash of the original appended, so no two inputs share a name. That also keeps `_` out, which Kafka
 * treats as equal to `.` in metric names (it refuses a topic whose name differs from another only there).
 * Pure: no Pulumi, no kafkajs.
 * @see https://github.com/apache/kafka/blob/trunk/clients/src/main/java/org/apache/kafka/common/internals/Topic.java
 */
import { createHash } from 'node:crypto';
import type { Channel } from '../../contracts';

/** Kafka's rule for topic names: legal characters and length (249, so the broker can add a suffix to a partition's folder). */
export const KAFKA_TOPIC_NAME = { maxLength: 249, pattern: /^[a-zA-Z0-9._-]+$/ } as const;

/** A segment kept as it is: what a topology name (lower-case kebab) already is. */
const PLAIN_SEGMENT = /^[a-zA-Z0-9-]+$/;

const digest = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

/**
 * `text` as one segment of a name: as it is when it has only `[a-zA-Z0-9-]`, else every other character
 * replaced by `-` and a hash of the original appended (so `a.b` and `a-b` stay two names).
 * @throws RangeError for an empty segment (it would make `..`, which Kafka refuses).
 */
export function segment(text: string): string {
  if (!text) throw new RangeError('a Kafka name segment (app, stack or resource name) may not be empty');
  return PLAIN_SEGMENT.test(text) ? text : `${text.replace(/[^a-zA-Z0-9-]/g, '-')}-${digest(text, 8)}`;
}

/**
 * `name` within Kafka's length limit: as it is when it fits, else a prefix of it, `-` and a hash of the
 * whole (two long names that share their first 240 characters still differ).
 */
export function fitName(name: string): string {
  const { maxLength } = KAFKA_TOPIC_NAME;
  if (name.length <= maxLength) return name;
  const hash = digest(name, 8);
  return `${name.slice(0, maxLength - hash.length - 1)}-${hash}`;
}

/** A channel as far as naming needs it. */
export type NamedChannel = Pick<Channel, 'subscription' | 'source' | 'deadLetter'>;

/** Every name of one app on one stack. */
export interface KafkaNames {
  /** `<app>.<stack>`, sanitised: what every name starts with. */
  readonly prefix: string;
  bus(name: string): string;
  topic(name: string): string;
  /** A declared queue, or a topic subscriber's own queue (`ownQueueName(subscription)`). */
  queue(name: string): string;
  stream(name: string): string;
  /** The topic a channel reads: its bus (direct), its queue (declared or own) or its stream. */
  source(channel: Pick<Channel, 'source'>): string;
  /** The consumer group of a channel (one per subscription). */
  group(channel: Pick<Channel, 'subscription'>): string;
  /** The topic a channel's failed events wait in for their next attempt. */
  retry(channel: Pick<Channel, 'subscription'>): string;
  /** The dead-letter topic of a channel's dead-letter owner (its queue, stream or, for a direct channel, its function). */
  deadLetter(channel: Pick<Channel, 'deadLetter'>): string;
  /** Every worker's settled outcomes (traces, the dead-letter view). */
  readonly outcomes: string;
  /** The idempotency changelog: every worker's handled and given-up events, in bundles (transport/claims.ts). */
  readonly claims: string;
  /** What the consumer group of each process reading the claims starts with (`<claims>.reader.<uuid>`: one group per process, so each reads every claim). */
  readonly claimsReaders: string;
  /** The SASL user a function's worker authenticates as. */
  user(fn: string): string;
  /** The ACL principal of a function's worker: `User:<user>`. */
  principal(fn: string): string;
}

/**
 * The names of `app` (the topology's name) on `stack`.
 * @throws RangeError when `app` or `stack` is empty.
 */
export function kafkaNames(app: string, stack: string): KafkaNames {
  const prefix = `${segment(app)}.${segment(stack)}`;
  const name = (...parts: string[]) => fitName([prefix, ...parts.map(segment)].join('.'));
  const names: KafkaNames = {
    prefix,
    bus: (n) => name('bus', n),
    topic: (n) => name('topic', n),
    queue: (n) => name('queue', n),
    stream: (n) => name('stream', n),
    source: ({ source }) => (source.kind === 'direct' ? names.bus(source.bus) : source.kind === 'queue' ? names.queue(source.queue) : names.stream(source.stream)),
    group: (c) => name('group', c.subscription),
    retry: (c) => name('retry', c.subscription),
    deadLetter: ({ deadLetter }) => name(deadLetter.owner, deadLetter.name, 'dlq'),
    outcomes: name('outcomes'),
    claims: name('claims'),
    claimsReaders: `${name('claims')}.reader.`,
    user: (fn) => name(fn),
    principal: (fn) => `User:${name(fn)}`,
  };
  return names;
}
