/**
 * The portable filter compiled to a Pub/Sub subscription filter, and GCP's part of the delivery plan. On
 * GCP every hop (bus, topic, stream) is a Pub/Sub topic read through push (or ordered push) subscriptions,
 * and a subscription's filter reads message attributes only: `ce-type`, `ce-source`, `ce-subject` and the
 * declared extensions, named by `pubsubAttributeName` (runtime/wire.ts). Pure: the deploy side writes
 * `native.filter` into the subscription and `residual` into the function's config, where the pipeline
 * evaluates it again before the handler.
 *
 * The syntax, as the service documents it (and what we keep to so that pstest, the fake the tests run
 * against, reads it the same way; its departures are in /work/shared/reference/real-components.md §5):
 * - `in` → `attributes.k = "a"`, several values an OR chain (there is no `IN`); `prefix` →
 *   `hasPrefix(attributes.k, "p")`; `exists` → `attributes:k`; `notExists` → `NOT attributes:k`;
 *   `notIn` → `attributes:k AND attributes.k != "a"`: `!=` matches a message without the key, and the
 *   reference semantics want the key present.
 * - An OR group inside an AND is always parenthesised: the service refuses AND and OR mixed without
 *   parentheses (pstest accepts them and reads `a AND b OR c` as `(a AND b) OR c`).
 * - Keys are `ce-` plus letters and digits, which need no quoting (pstest reads quoted keys only after `:`).
 * - In string literals only `"` and `\` are escaped; everything else is written as raw UTF-8 (pstest
 *   decodes no other escape). A value with a control character, which the service wants escaped and
 *   pstest could not read escaped, is left to the function.
 * - Equality is exact and case-sensitive ("the key and value are case-sensitive and must match the
 *   attribute exactly"), as the reference is: no residual check for case.
 * - At most 256 bytes (UTF-8 bytes, not characters; pstest does not enforce it): clauses are moved to the
 *   residual, heaviest first, until the filter fits, with a `TOO_LONG` warning. The event types stay native
 *   unless they alone are too long; then they too go to the function, which drops the other types.
 * A filter cannot be changed once the subscription exists; the deploy side derives the subscription's
 * name from it.
 * @see https://cloud.google.com/pubsub/docs/subscription-message-filter
 */
import {
  normalizeFilter, shedDiagnostic, shedToBudget, type Backoff, type Clause, type CompiledFilter, type DeliveryTarget,
  type FilterCompiler, type FilterDiagnostic, type FilterInput,
} from '../../contracts';
import { pubsubAttributeName } from './runtime/wire';

export { pubsubAttributeName };
export type { CompiledFilter, FilterInput };

/**
 * Longest subscription filter the service accepts, in UTF-8 bytes.
 * @see https://cloud.google.com/pubsub/docs/subscription-message-filter
 */
export const PUBSUB_FILTER_MAX_BYTES = 256;

/**
 * What a dead-letter policy's `maxDeliveryAttempts` may be (0 means the default, 5).
 * @see https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.subscriptions#DeadLetterPolicy
 */
export const PUBSUB_MIN_DELIVERY_ATTEMPTS = 5;
export const PUBSUB_MAX_DELIVERY_ATTEMPTS = 100;

/**
 * What a retry policy's `minimumBackoff` and `maximumBackoff` may be: 0 to 600 s each.
 * @see https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.subscriptions#RetryPolicy
 */
export const PUBSUB_MAX_BACKOFF_SECONDS = 600;

/**
 * Attempts of a direct channel. On GCP even a "direct" subscription is a push subscription with a
 * dead-letter policy (an event given up must land somewhere), and the service takes no fewer than 5
 * attempts there. 5 is also the closest to the other clouds' direct deliveries (Lambda: 3 async attempts):
 * a direct channel makes few attempts and dead-letters; a queue is for more.
 */
export const GCP_DIRECT_ATTEMPTS = PUBSUB_MIN_DELIVERY_ATTEMPTS;

/**
 * The backoff every GCP channel is deployed with, as its subscription's retry policy (`pubsubRetryPolicy`):
 * Pub/Sub's own defaults, an exponential delay from 10 s up to 600 s, the most a policy takes. Pub/Sub, not
 * the function, waits between deliveries (after a nack or an ack deadline passed), best effort and without
 * the runtime's jitter; the plan states what the subscription does. 10 s rather than the runtime's 1 s:
 * with the dead-letter minimum of 5 attempts, a direct channel then rides out minutes of a failing
 * dependency before it dead-letters (about 2.5 min if the delay doubles: 10 + 20 + 40 + 80 s), not seconds.
 * @see https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.subscriptions#RetryPolicy
 */
export const GCP_BACKOFF: Backoff = { baseMs: 10_000, capMs: PUBSUB_MAX_BACKOFF_SECONDS * 1_000 };

/** The Pub/Sub form of a backoff: a subscription's `retryPolicy`, in the API's duration strings. @throws RangeError outside 0–600 s */
export function pubsubRetryPolicy(backoff: Backoff): { minimumBackoff: string; maximumBackoff: string } {
  const seconds = (ms: number, what: string) => {
    const s = Math.ceil(ms / 1_000);
    if (!(s >= 0 && s <= PUBSUB_MAX_BACKOFF_SECONDS)) throw new RangeError(`a Pub/Sub retry policy's ${what} is 0–${PUBSUB_MAX_BACKOFF_SECONDS} s; got ${ms} ms`);
    return `${s}s`;
  };
  return { minimumBackoff: seconds(backoff.baseMs, 'minimum backoff'), maximumBackoff: seconds(backoff.capMs, 'maximum backoff') };
}

/** A compiled Pub/Sub subscription filter; the empty string is no filter (every message is delivered). */
export interface PubSubFilter {
  readonly filter: string;
}

/** Compiles a subscription's filter to a Pub/Sub subscription filter over message attributes. */
export function compilePubSubFilter(input: FilterInput): CompiledFilter<PubSubFilter> {
  const normal = normalizeFilter(input);
  const diagnostics: FilterDiagnostic[] = [...normal.diagnostics];
  const typeClause: Clause | undefined = normal.types ? { field: 'type', op: 'in', values: normal.types } : undefined;
  const candidates = typeClause ? [typeClause, ...normal.clauses] : normal.clauses;

  const unwritable = candidates.filter((c) => !writable(c));
  if (unwritable.length) {
    diagnostics.push({
      code: 'UNSUPPORTED_OP', severity: 'info',
      message: `the filter on ${unwritable.map((c) => c.field).join(', ')} has a name or value a Pub/Sub filter cannot carry as written (a control character, or a name beyond letters, digits, - and _); it is evaluated in the function instead`,
    });
  }
  const clauses = candidates.filter((c) => writable(c));
  const fits = (native: readonly Clause[]) => byteLength(render(native)) <= PUBSUB_FILTER_MAX_BYTES;
  // Heaviest (most bytes) first; the event types last, so they stay native unless they alone are too long.
  const weight = (c: Clause) => (c === typeClause ? -1 : byteLength(term(c)));
  const first = shedToBudget(clauses, (n) => ({ bytes: byteLength(render(n)) }), { bytes: PUBSUB_FILTER_MAX_BYTES }, weight);
  // Then take back, lightest (and the types) first, what fits again beside what was kept: shedding the
  // types may have made room for a clause shed before them.
  let native = first.native;
  for (const c of [...first.shed].sort((a, b) => weight(a) - weight(b))) {
    const trial = clauses.filter((x) => x === c || native.includes(x));
    if (fits(trial)) native = trial;
  }
  const shed = clauses.filter((c) => !native.includes(c));
  if (shed.length) diagnostics.push(shedDiagnostic('the Pub/Sub subscription filter', `${PUBSUB_FILTER_MAX_BYTES} bytes`, shed));
  return { native: { filter: render(native) }, residual: [...normal.residual, ...unwritable, ...shed], diagnostics };
}

/**
 * The subscription filter of a channel planned with `GCP_DELIVERY` (the plan types `native` as unknown).
 * @throws TypeError when the channel's filter is not a Pub/Sub filter (it was planned for another target)
 */
export function pubsubFilterOf(channel: { readonly subscription?: string; readonly filter: CompiledFilter }): string {
  const native = channel.filter.native as Partial<PubSubFilter> | null | undefined;
  if (typeof native?.filter !== 'string') {
    throw new TypeError(`${channel.subscription ? `subscription ${channel.subscription}: ` : ''}not a Pub/Sub filter (plan the topology with GCP_DELIVERY): ${JSON.stringify(native)}`);
  }
  return native.filter;
}

/** The compilers GCP puts between a publisher and a subscription: every hop is a Pub/Sub subscription. */
export const GCP_FILTER_COMPILERS: Readonly<Record<'bus' | 'topic' | 'stream', FilterCompiler<PubSubFilter>>> = {
  bus: { compile: compilePubSubFilter },
  topic: { compile: compilePubSubFilter },
  stream: { compile: compilePubSubFilter },
};

/** GCP's part of the delivery plan: its compilers, the direct attempts and the subscriptions' retry backoff. */
export const GCP_DELIVERY: DeliveryTarget = {
  name: 'gcp',
  compiler: (from) => GCP_FILTER_COMPILERS[from],
  directAttempts: GCP_DIRECT_ATTEMPTS,
  backoff: GCP_BACKOFF,
};

/** The filter of an AND of clauses; an OR group is parenthesised whenever it is not the whole filter. */
function render(clauses: readonly Clause[]): string {
  const terms = clauses.map((c) => ({ text: term(c), or: alternatives(c).length > 1 }));
  return terms.map((t) => (t.or && terms.length > 1 ? `(${t.text})` : t.text)).join(' AND ');
}

/** One clause, unparenthesised. */
function term(clause: Clause): string {
  const key = pubsubAttributeName(clause.field);
  const list = alternatives(clause);
  switch (clause.op) {
    case 'in':
      return list.map((v) => `attributes.${key} = ${literal(v)}`).join(' OR ');
    case 'prefix':
      // A prefix "" accepts every present value: the same as `exists`, and shorter.
      return list.includes('') ? `attributes:${key}` : list.map((p) => `hasPrefix(attributes.${key}, ${literal(p)})`).join(' OR ');
    case 'exists':
      return `attributes:${key}`;
    case 'notExists':
      return `NOT attributes:${key}`;
    case 'notIn':
      return [`attributes:${key}`, ...[...new Set(clause.values)].map((v) => `attributes.${key} != ${literal(v)}`)].join(' AND ');
  }
}

/** The alternatives a clause ORs (duplicates dropped; a prefix list with "" is one `exists`). */
function alternatives(clause: Clause): string[] {
  if (clause.op === 'prefix' && clause.values.includes('')) return [''];
  return clause.op === 'in' || clause.op === 'prefix' ? [...new Set(clause.values)] : [];
}

/** A string literal: `"` and `\` escaped, the rest raw UTF-8. */
function literal(value: string): string {
  return `"${value.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
}

/** Attribute keys that need no quoting in the filter syntax. */
const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;
/** Characters the service wants escaped (and pstest cannot read escaped), and lone surrogates, which are not UTF-8. */
const UNWRITABLE_VALUE = /[\p{Cc}\p{Cs}]/u;

function writable(clause: Clause): boolean {
  return PLAIN_KEY.test(pubsubAttributeName(clause.field)) && !clause.values.some((v) => UNWRITABLE_VALUE.test(v));
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
