/**
 * What the deploy side tells a Lambda at run time, as one JSON environment variable. The deploy side
 * (providers/aws/function.ts and the ingress kinds) writes it with physical names from Pulumi outputs;
 * the runtime entries read it once per cold start; `herald invoke` writes it with placeholder names.
 */
import type { RuntimeChannel, VerifySpec } from '../../../contracts';

/** Environment variable holding an `AwsFunctionConfig` (user functions) or `AwsIngressConfig` (ingress functions). */
export const AWS_CONFIG_ENV = 'HERALD_AWS_CONFIG';

/** Where `ctx.publish` (or an ingress) sends events. */
export type AwsPublishTarget =
  | { readonly kind: 'bus'; readonly busName: string }
  | { readonly kind: 'topic'; readonly topicArn: string };

/** A user function: everything its pipeline needs beyond the handler module. */
export interface AwsFunctionConfig {
  readonly kind: 'function';
  readonly name: string;
  readonly timeoutMs: number;
  /** Wire types the function may publish. */
  readonly allowedPublishes: readonly string[];
  /** Its channels from the delivery plan: attempts, residual filter and order key of each subscription. */
  readonly channels: readonly RuntimeChannel[];
  readonly publishTo?: AwsPublishTarget;
  /** Queue or stream ARN (a record's eventSourceARN) → the plan's source key. Direct deliveries have none. */
  readonly sources: Readonly<Record<string, string>>;
  /** Source key → URL of its dead-letter queue, for events dead-lettered at once (bad input, NonRetryableError). */
  readonly deadLetterQueues: Readonly<Record<string, string>>;
  /** DynamoDB table for deduplication (partition key `id`, TTL attribute `expiresAt`). */
  readonly idempotencyTable?: string;
  /** S3 bucket for claim-checked data. */
  readonly claimCheckBucket?: string;
}

/** A Herald-provided ingress function: it turns a webhook request, an upload or a row change into an event. */
export type AwsIngressConfig = {
  readonly publishTo: AwsPublishTarget;
  /** Wire type of the event it emits. */
  readonly emits: string;
  readonly claimCheckBucket?: string;
} & (
  | { readonly kind: 'webhook'; readonly name: string; readonly verify: VerifySpec }
  | { readonly kind: 'upload'; readonly bucket: string; readonly prefix: string }
  | {
    readonly kind: 'change'; readonly table: string;
    /** The table's key attributes, partition key first: the order of the event's subject. @default by name */
    readonly keyNames?: readonly string[];
  }
);

export type AwsConfig = AwsFunctionConfig | AwsIngressConfig;

/** Reads the config of this Lambda. @throws Error naming the variable when it is missing or not JSON. */
export function readAwsConfig(env: NodeJS.ProcessEnv = process.env): AwsConfig {
  const raw = env[AWS_CONFIG_ENV];
  if (!raw) throw new Error(`${AWS_CONFIG_ENV} is not set; this function was not deployed by Herald`);
  try {
    return JSON.parse(raw) as AwsConfig;
  } catch (error) {
    throw new Error(`${AWS_CONFIG_ENV} is not JSON`, { cause: error });
  }
}
