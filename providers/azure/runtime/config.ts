/**
 * What the deploy side tells an Azure function at run time. Everything is an app setting (an environment
 * variable inside the function): the Herald config as one JSON setting (`HERALD_AZURE_CONFIG`), plus the
 * settings the Functions host itself reads for the triggers: identity-based connections
 * (`<Conn>__fullyQualifiedNamespace`, `<Conn>__credential`, `<Conn>__clientId`) and the entity names the
 * trigger options name as `%SETTING%`. providers/azure/function-config.ts builds all of them (deploy calls
 * it with the names Pulumi reports, `herald invoke` with placeholders); the runtime entries read the
 * config once, when the host loads `index.js` and the entry registers the triggers it lists.
 * No secret is ever in here: every client authenticates as the function's user-assigned identity.
 * @see https://learn.microsoft.com/azure/azure-functions/functions-reference#configure-an-identity-based-connection
 */
import type { RuntimeChannel, VerifySpec } from '../../../contracts';

/** App setting holding an `AzureFunctionConfig` (user functions) or `AzureIngressConfig` (ingress functions). */
export const AZURE_CONFIG_SETTING = 'HERALD_AZURE_CONFIG';

/**
 * The connection names triggers use (`connection` in the trigger options): the host reads
 * `<name>__fullyQualifiedNamespace` (Service Bus, Event Hubs) or `<name>__accountEndpoint` (Cosmos DB),
 * with `<name>__credential: managedidentity` and `<name>__clientId`.
 */
export const CONNECTIONS = {
  serviceBus: 'HERALD_SERVICEBUS',
  eventHubs: 'HERALD_EVENTHUBS',
  cosmos: 'HERALD_COSMOS',
} as const;

/**
 * The names functions are registered under in the app (one app per Herald function): an Event Grid
 * subscription's `AzureFunction` destination is `<function app id>/functions/<name>`, so the deploy side
 * reads the name from here.
 */
export const FUNCTION_NAMES = {
  /** Direct bus subscriptions (Event Grid pushes CloudEvents). */
  eventGrid: 'events',
  webhook: 'webhook',
  /** Event Grid `Microsoft.Storage.BlobCreated` from the bucket's system topic. */
  upload: 'upload',
  change: 'change',
  schedule: 'schedule',
} as const;

/** Where `ctx.publish` (or an ingress) sends events. */
export type AzurePublishTarget =
  /** A bus: an Event Grid custom topic (input schema CloudEvents 1.0), its endpoint `https://<topic>.<region>-1.eventgrid.azure.net/api/events`. */
  | { readonly kind: 'eventGrid'; readonly endpoint: string }
  /** A topic: a Service Bus topic in a namespace (`<ns>.servicebus.windows.net`). */
  | { readonly kind: 'serviceBusTopic'; readonly namespace: string; readonly topic: string };

/** A trigger the entry registers for one source of the delivery plan. Entity names are `%SETTING%` references. */
export type AzureTrigger =
  | {
    readonly kind: 'serviceBusQueue'; readonly name: string; readonly sourceKey: string;
    readonly connection: string; readonly queueName: string;
    /** An ordered queue: sessions, the session id being the order key. */
    readonly sessions: boolean;
  }
  | {
    readonly kind: 'serviceBusTopic'; readonly name: string; readonly sourceKey: string;
    readonly connection: string; readonly topicName: string; readonly subscriptionName: string;
    readonly sessions: boolean;
  }
  | {
    readonly kind: 'eventHub'; readonly name: string; readonly sourceKey: string;
    readonly connection: string; readonly eventHubName: string; readonly consumerGroup: string;
  }
  /** Direct deliveries: Event Grid pushes each event (no source key: a push names no source). */
  | { readonly kind: 'eventGrid'; readonly name: string };

/** A blob container, by its service endpoint (`https://<account>.blob.core.windows.net`). */
export interface AzureBlobContainer {
  readonly endpoint: string;
  readonly container: string;
}

/** A table, by its service endpoint (`https://<account>.table.core.windows.net`). */
export interface AzureTable {
  readonly endpoint: string;
  readonly table: string;
}

/** What every Herald config carries: the identity its clients sign in as, and the stores. */
interface AzureCommon {
  /** Client id of the function's user-assigned managed identity (every SDK client authenticates as it). */
  readonly identityClientId: string;
  /** Blob container for claim-checked data. */
  readonly claimCheck?: AzureBlobContainer;
}

/** A user function: everything its pipeline needs beyond the handler module. */
export interface AzureFunctionConfig extends AzureCommon {
  readonly kind: 'function';
  readonly name: string;
  readonly timeoutMs: number;
  /** Wire types the function may publish. */
  readonly allowedPublishes: readonly string[];
  /** Its channels from the delivery plan: attempts, residual filter and order key of each subscription. */
  readonly channels: readonly RuntimeChannel[];
  /** The triggers to register, one per source it reads (plus one Event Grid trigger for direct deliveries). */
  readonly triggers: readonly AzureTrigger[];
  readonly publishTo?: AzurePublishTarget;
  /**
   * Service Bus entities it reads, by the plan's source key: where a retry is sent back to (complete-and-
   * resend, see runtime/settlement.ts). The namespace is the trigger connection's.
   */
  readonly serviceBus?: {
    readonly namespace: string;
    readonly entities: Readonly<Record<string, { readonly queue: string } | { readonly topic: string; readonly subscription: string }>>;
  };
  /** Where events given up on are written, with the reason (bad input, NonRetryableError, attempts spent). */
  readonly deadLetter: AzureBlobContainer;
  /** Table Storage table for deduplication (runtime/idempotency.ts). */
  readonly idempotency?: AzureTable;
}

/** A Herald-provided ingress function: it turns a request, an upload, a row change or a schedule's run into an event. */
export type AzureIngressConfig = AzureCommon & {
  readonly publishTo: AzurePublishTarget;
  /** Wire type of the event it emits. */
  readonly emits: string;
} & (
  | {
    readonly kind: 'webhook'; readonly name: string; readonly verify: VerifySpec;
    readonly method: 'POST' | 'PUT';
    /** The HTTP route, without a leading slash (host.json's route prefix is empty, so the URL path is `/<route>`). */
    readonly route: string;
  }
  | {
    readonly kind: 'upload';
    /** The bucket's logical name (what events name as `bucket`) and its blob container. */
    readonly bucket: string; readonly container: string; readonly prefix: string;
  }
  | {
    readonly kind: 'change';
    /** The table's logical name (what events name as `table`). */
    readonly table: string;
    readonly connection: string; readonly databaseName: string; readonly containerName: string; readonly leaseContainerName: string;
    /** The table's key attributes, partition key first: the order of the event's subject. */
    readonly keyNames: readonly string[];
    /** Where a document that cannot become the event is written, with the reason (the change feed moves on). */
    readonly deadLetter?: AzureBlobContainer;
  }
  | {
    readonly kind: 'schedule'; readonly name: string;
    /** The NCRONTAB expression as a `%SETTING%` reference (`%HERALD_SCHEDULE_<NAME>%`). */
    readonly schedule: string;
    /** The schedule's data, `{{scheduledTime}}` filled in per run. */
    readonly data: Readonly<Record<string, unknown>>;
    /** The portable 5-field cron (UTC), to work out which run a late invocation stands for. */
    readonly cron: string;
  }
);

export type AzureConfig = AzureFunctionConfig | AzureIngressConfig;

/** Reads the config of this function app. @throws Error naming the setting when it is missing or not JSON. */
export function readAzureConfig(env: NodeJS.ProcessEnv = process.env): AzureConfig {
  const raw = env[AZURE_CONFIG_SETTING];
  if (!raw) throw new Error(`${AZURE_CONFIG_SETTING} is not set; this function app was not deployed by Herald`);
  try {
    return JSON.parse(raw) as AzureConfig;
  } catch (error) {
    throw new Error(`${AZURE_CONFIG_SETTING} is not JSON`, { cause: error });
  }
}
