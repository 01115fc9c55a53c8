/**
 * What the deploy side tells a Cloud Function (gen2) at run time, as one JSON environment variable. The
 * deploy side (providers/gcp/function.ts and the ingress kinds) writes it with the physical names Pulumi
 * reports, through the one builder (providers/gcp/function-config.ts); the runtime entries read it once per
 * instance start; `herald invoke` writes it with placeholder names. Every name is a full resource name
 * (`projects/<p>/topics/<t>`, `projects/<p>/subscriptions/<s>`), as the Pub/Sub API and a push body write them.
 */
import type { RuntimeChannel, VerifySpec } from '../../../contracts';

/** Environment variable holding a `GcpFunctionConfig` (user functions) or a `GcpIngressConfig` (ingress functions). */
export const GCP_CONFIG_ENV = 'HERALD_GCP_CONFIG';

/** Where `ctx.publish` (or an ingress) sends events: a bus or a topic is one Pub/Sub topic. */
export interface GcpPublishTarget {
  /** `projects/<p>/topics/<t>`. */
  readonly topic: string;
  /**
   * The ordering key messages carry (an envelope attribute or `data.<path>`, read by runtime/order-key.ts),
   * when an ordered subscription (an ordered queue's, a stream's) reads this topic: on GCP those are
   * subscriptions on the publisher's own topic, so the key is set where the event is published.
   * Undefined: messages carry no ordering key.
   */
  readonly orderKey?: string;
}

/** The Firestore collection deliveries are deduplicated in (documents keyed by a hash of the key, TTL field `expiresAt`). */
export interface GcpIdempotencyStore {
  /** The database id (`(default)` for the default database). */
  readonly database: string;
  readonly collection: string;
}

/** One channel's push subscription, by the plan's subscription name. */
export interface GcpSubscriptionConfig {
  /** The plan subscription (a channel of `channels`). */
  readonly channel: string;
  /** `projects/<p>/topics/<t>`: bad input and non-retryable failures are published here at once. */
  readonly deadLetterTopic: string;
  /** A stream's `maxEventAge`: older deliveries (by publish time) are dead-lettered instead of blocking their key. */
  readonly maxEventAgeMs?: number;
}

/** A user function: everything its pipeline needs beyond the handler module. */
export interface GcpFunctionConfig {
  readonly kind: 'function';
  readonly name: string;
  /** The project id. */
  readonly project: string;
  readonly timeoutMs: number;
  /** Wire types the function may publish. */
  readonly allowedPublishes: readonly string[];
  /** Its channels from the delivery plan: attempts, residual filter and order key of each subscription. */
  readonly channels: readonly RuntimeChannel[];
  readonly publishTo?: GcpPublishTarget;
  /** Push subscription full name (`projects/<p>/subscriptions/<s>`, the `subscription` of a push body) → its channel. */
  readonly subscriptions: Readonly<Record<string, GcpSubscriptionConfig>>;
  readonly idempotency?: GcpIdempotencyStore;
  /** Cloud Storage bucket for claim-checked data. */
  readonly claimCheckBucket?: string;
}

/** Herald's own ingress kinds on GCP: an HTTP request, an upload notification, a document write, a schedule's run. */
export type GcpIngressKind = 'webhook' | 'upload' | 'change' | 'schedule';

/** A Herald-provided ingress function: it turns a webhook request, an upload, a document write or a schedule's run into an event. */
export type GcpIngressConfig = {
  readonly project: string;
  readonly publishTo: GcpPublishTarget;
  /** Wire type of the event it emits. */
  readonly emits: string;
  readonly claimCheckBucket?: string;
} & (
  | { readonly kind: 'webhook'; readonly name: string; readonly verify: VerifySpec }
  | {
    readonly kind: 'upload'; readonly bucket: string; readonly prefix: string;
    /** The push subscription of the bucket's notification topic (full name) → its dead-letter topic (full name). */
    readonly subscriptions: Readonly<Record<string, { readonly deadLetterTopic: string }>>;
  }
  | {
    readonly kind: 'change'; readonly table: string;
    /** The Firestore database whose collection `table` is written. */
    readonly database: string;
    /** The table's key fields, partition key first: the order of the event's subject. */
    readonly keyNames: readonly string[];
    /** Where a write that cannot become an event is published (Eventarc has no dead-letter policy of its own). @default none: logged and acknowledged */
    readonly deadLetterTopic?: string;
  }
  | { readonly kind: 'schedule'; readonly name: string }
);

export type GcpConfig = GcpFunctionConfig | GcpIngressConfig;

/** Reads the config of this function. @throws Error naming the variable when it is missing or not JSON. */
export function readGcpConfig(env: NodeJS.ProcessEnv = process.env): GcpConfig {
  const raw = env[GCP_CONFIG_ENV];
  if (!raw) throw new Error(`${GCP_CONFIG_ENV} is not set; this function was not deployed by Herald`);
  try {
    return JSON.parse(raw) as GcpConfig;
  } catch (error) {
    throw new Error(`${GCP_CONFIG_ENV} is not JSON`, { cause: error });
  }
}
