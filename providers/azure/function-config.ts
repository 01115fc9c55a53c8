/**
 * Every Herald app setting of an Azure function, built from the delivery plan and the physical names of
 * what the function reads and publishes to (plain strings). The one builder: the deploy side calls it
 * with the names Pulumi reports (and adds only the platform's settings: `AzureWebJobsStorage__*`,
 * Application Insights, a webhook's secret reference), `herald invoke` with placeholders, so the two
 * cannot drift. Pure: no Pulumi, no SDK.
 *
 * What it writes:
 * - `HERALD_AZURE_CONFIG`: the runtime config (runtime/config.ts) as JSON;
 * - identity-based connections for the triggers, with the user-assigned identity named beside each:
 *   `<Conn>__fullyQualifiedNamespace` (or `__accountEndpoint`), `<Conn>__credential: managedidentity`,
 *   `<Conn>__clientId`. Never a connection string, key or SAS;
 * - the entity names the trigger options read as `%SETTING%` (queue, topic, subscription, hub, consumer
 *   group; a schedule's NCRONTAB as `HERALD_SCHEDULE_<NAME>`), so the plan shows them;
 * - the function's own `environment`.
 * @see https://learn.microsoft.com/azure/azure-functions/functions-reference#common-properties-for-identity-based-connections
 * @see https://learn.microsoft.com/azure/azure-functions/functions-bindings-expressions-patterns#binding-expressions---app-settings
 */
import {
  runtimeChannels, toMillis, type BucketSpec, type ChangeTrigger, type Channel, type FunctionSpec, type ScheduleSpec,
  type TableSpec, type UploadTrigger, type WebhookSpec,
} from '../../contracts';
import { toNcrontab } from './cron';
import {
  AZURE_CONFIG_SETTING, CONNECTIONS, FUNCTION_NAMES, type AzureBlobContainer, type AzureFunctionConfig, type AzureIngressConfig,
  type AzurePublishTarget, type AzureTable, type AzureTrigger,
} from './runtime/config';

export type { AzurePublishTarget } from './runtime/config';

/** What a channel's source is on Azure (its session setting follows from the channel's order key). */
export type AzureSourceResource =
  /** A Service Bus queue: a declared queue a bus subscription goes through. */
  | { readonly kind: 'serviceBusQueue'; readonly queue: string }
  /** A topic subscriber's own queue: its subscription on the Service Bus topic. */
  | { readonly kind: 'serviceBusSubscription'; readonly topic: string; readonly subscription: string }
  /** A stream: an Event Hub and the reader's own consumer group. */
  | { readonly kind: 'eventHub'; readonly hub: string; readonly consumerGroup: string };

/** The physical names a function's settings are written with. */
export interface AzureFunctionResources {
  /** Client id of the function's user-assigned managed identity. */
  readonly identityClientId: string;
  /** `<namespace>.servicebus.windows.net`; required when the function reads a queue or a topic. */
  readonly serviceBusNamespace?: string;
  /** `<namespace>.servicebus.windows.net` of the Event Hubs namespace; required when it reads a stream. */
  readonly eventHubsNamespace?: string;
  /** Each queue, topic subscription or stream it reads, by the plan's source key. */
  readonly sources: Readonly<Record<string, AzureSourceResource>>;
  /** Required when the function publishes. */
  readonly publishTo?: AzurePublishTarget;
  /** Where its dead letters go (the foundation's dead-letter container). */
  readonly deadLetter: AzureBlobContainer;
  readonly idempotency?: AzureTable;
  readonly claimCheck?: AzureBlobContainer;
}

/** The physical names an ingress function's settings are written with. */
export interface AzureIngressResources {
  readonly identityClientId: string;
  /** The bus (Event Grid topic) or topic (Service Bus) it publishes to. */
  readonly publishTo: AzurePublishTarget;
  readonly claimCheck?: AzureBlobContainer;
  /** Where a change trigger writes a document that cannot become its event (the foundation's dead-letter container). */
  readonly deadLetter?: AzureBlobContainer;
}

/** An ingress function, with what only its kind needs. */
export type AzureIngress =
  | { readonly kind: 'webhook'; readonly spec: WebhookSpec }
  /** `container`: the bucket's blob container. */
  | { readonly kind: 'upload'; readonly spec: BucketSpec; readonly trigger: UploadTrigger; readonly container: string }
  | { readonly kind: 'change'; readonly spec: TableSpec; readonly trigger: ChangeTrigger; readonly cosmos: CosmosResources }
  | { readonly kind: 'schedule'; readonly spec: ScheduleSpec };

/** The Cosmos DB (NoSQL) container a table is, and its lease container (pre-created: an identity cannot create it). */
export interface CosmosResources {
  /** `https://<account>.documents.azure.com:443/` */
  readonly accountEndpoint: string;
  readonly database: string;
  readonly container: string;
  readonly leaseContainer: string;
}

/** The suffix of a setting named after a Herald name: upper case, `-` as `_` (Herald names are `[a-z0-9-]`). */
export function settingSuffix(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** The setting a schedule's NCRONTAB expression lives in (the timer reads it as `%HERALD_SCHEDULE_<NAME>%`). */
export function scheduleSetting(name: string): string {
  return `HERALD_SCHEDULE_${settingSuffix(name)}`;
}

/** The name a source's trigger is registered under (`queue-payments`, `stream-order-audit`). */
export function triggerName(sourceKey: string): string {
  return sourceKey.replace(/[^A-Za-z0-9]+/g, '-');
}

/** An identity-based connection for the user-assigned identity: `<name>__<key>`, `__credential`, `__clientId`. */
export function identityConnection(name: string, key: 'fullyQualifiedNamespace' | 'accountEndpoint', value: string, clientId: string): Record<string, string> {
  return { [`${name}__${key}`]: value, [`${name}__credential`]: 'managedidentity', [`${name}__clientId`]: clientId };
}

const ref = (setting: string) => `%${setting}%`;

/**
 * The runtime config of `spec`, whose channels in the delivery plan are `channels`.
 * @throws Error naming what is missing: a source of a channel, its namespace, or the publish target of a function that publishes
 */
export function functionConfig(spec: FunctionSpec, channels: readonly Channel[], r: AzureFunctionResources): AzureFunctionConfig {
  return build(spec, channels, r).config;
}

/**
 * Every Herald app setting of `spec` (see the file header).
 * @throws Error as functionConfig does, or when the function's environment names a setting Herald writes
 */
export function functionSettings(spec: FunctionSpec, channels: readonly Channel[], r: AzureFunctionResources): Record<string, string> {
  const { config, settings } = build(spec, channels, r);
  return withEnvironment(spec.name, { [AZURE_CONFIG_SETTING]: JSON.stringify(config), ...settings }, spec.environment);
}

function build(spec: FunctionSpec, channels: readonly Channel[], r: AzureFunctionResources) {
  if (spec.publishes && !r.publishTo) throw new Error(`function ${spec.name} publishes to ${spec.publishes.to.kind} ${spec.publishes.to.name}, which has no resource`);
  const settings: Record<string, string> = {};
  const triggers: AzureTrigger[] = [];
  const entities: Record<string, { queue: string } | { topic: string; subscription: string }> = {};
  const need = (value: string | undefined, what: string, key: string) => {
    if (!value) throw new Error(`function ${spec.name} reads ${key}, but no ${what} is given`);
    return value;
  };
  const seen = new Set<string>();
  for (const c of channels) {
    if (c.source.kind === 'direct' || seen.has(c.sourceKey)) continue;
    seen.add(c.sourceKey);
    const source = r.sources[c.sourceKey];
    if (!source) throw new Error(`function ${spec.name} reads ${c.sourceKey}, which has no resource`);
    const suffix = settingSuffix(c.sourceKey.slice(c.sourceKey.indexOf(':') + 1));
    const name = triggerName(c.sourceKey);
    // An ordered queue is session-enabled: the session id is the order key, and the trigger must say so.
    const sessions = c.orderKey !== undefined;
    switch (source.kind) {
      case 'serviceBusQueue': {
        Object.assign(settings, identityConnection(CONNECTIONS.serviceBus, 'fullyQualifiedNamespace', need(r.serviceBusNamespace, 'Service Bus namespace', c.sourceKey), r.identityClientId));
        settings[`HERALD_QUEUE_${suffix}`] = source.queue;
        triggers.push({ kind: 'serviceBusQueue', name, sourceKey: c.sourceKey, connection: CONNECTIONS.serviceBus, queueName: ref(`HERALD_QUEUE_${suffix}`), sessions });
        entities[c.sourceKey] = { queue: source.queue };
        break;
      }
      case 'serviceBusSubscription': {
        Object.assign(settings, identityConnection(CONNECTIONS.serviceBus, 'fullyQualifiedNamespace', need(r.serviceBusNamespace, 'Service Bus namespace', c.sourceKey), r.identityClientId));
        settings[`HERALD_TOPIC_${suffix}`] = source.topic;
        settings[`HERALD_SUBSCRIPTION_${suffix}`] = source.subscription;
        triggers.push({
          kind: 'serviceBusTopic', name, sourceKey: c.sourceKey, connection: CONNECTIONS.serviceBus,
          topicName: ref(`HERALD_TOPIC_${suffix}`), subscriptionName: ref(`HERALD_SUBSCRIPTION_${suffix}`), sessions,
        });
        entities[c.sourceKey] = { topic: source.topic, subscription: source.subscription };
        break;
      }
      case 'eventHub': {
        Object.assign(settings, identityConnection(CONNECTIONS.eventHubs, 'fullyQualifiedNamespace', need(r.eventHubsNamespace, 'Event Hubs namespace', c.sourceKey), r.identityClientId));
        settings[`HERALD_EVENTHUB_${suffix}`] = source.hub;
        settings[`HERALD_CONSUMER_GROUP_${suffix}`] = source.consumerGroup;
        triggers.push({
          kind: 'eventHub', name, sourceKey: c.sourceKey, connection: CONNECTIONS.eventHubs,
          eventHubName: ref(`HERALD_EVENTHUB_${suffix}`), consumerGroup: ref(`HERALD_CONSUMER_GROUP_${suffix}`),
        });
        break;
      }
    }
  }
  if (channels.some((c) => c.source.kind === 'direct')) triggers.push({ kind: 'eventGrid', name: FUNCTION_NAMES.eventGrid });
  const config: AzureFunctionConfig = {
    kind: 'function',
    name: spec.name,
    timeoutMs: toMillis(spec.timeout),
    identityClientId: r.identityClientId,
    allowedPublishes: spec.publishes?.events ?? [],
    channels: runtimeChannels(channels),
    triggers,
    ...(spec.publishes && r.publishTo ? { publishTo: r.publishTo } : {}),
    ...(Object.keys(entities).length ? { serviceBus: { namespace: r.serviceBusNamespace!, entities } } : {}),
    deadLetter: r.deadLetter,
    ...(r.idempotency ? { idempotency: r.idempotency } : {}),
    ...(r.claimCheck ? { claimCheck: r.claimCheck } : {}),
  };
  return { config, settings };
}

/**
 * The runtime config of an ingress function.
 * @throws Error when a schedule's cron is not portable
 */
export function ingressConfig(ingress: AzureIngress, r: AzureIngressResources): AzureIngressConfig {
  const common = { identityClientId: r.identityClientId, publishTo: r.publishTo, ...(r.claimCheck ? { claimCheck: r.claimCheck } : {}) };
  switch (ingress.kind) {
    case 'webhook': {
      const w = ingress.spec;
      return { ...common, kind: 'webhook', name: w.name, verify: w.verify, method: w.method, route: w.path.replace(/^\/+/, ''), emits: w.emits };
    }
    case 'upload':
      return { ...common, kind: 'upload', bucket: ingress.spec.name, container: ingress.container, prefix: ingress.trigger.prefix, emits: ingress.trigger.emits };
    case 'change': {
      const t = ingress.spec;
      return {
        ...common, kind: 'change', table: t.name, emits: ingress.trigger.emits, connection: CONNECTIONS.cosmos,
        databaseName: ingress.cosmos.database, containerName: ingress.cosmos.container, leaseContainerName: ingress.cosmos.leaseContainer,
        keyNames: [t.partitionKey, ...(t.sortKey ? [t.sortKey] : [])],
        ...(r.deadLetter ? { deadLetter: r.deadLetter } : {}),
      };
    }
    case 'schedule': {
      const s = ingress.spec;
      toNcrontab(s.cron); // refuse a cron the timer could not run before anything is written
      return { ...common, kind: 'schedule', name: s.name, emits: s.emits, schedule: ref(scheduleSetting(s.name)), data: s.data, cron: s.cron };
    }
  }
}

/**
 * Every Herald app setting of an ingress function: its config, and for a change trigger the Cosmos DB
 * connection, for a schedule its NCRONTAB. A webhook's secret is not here: the deploy side sets the
 * setting `spec.verify.secretEnv` names to a Key Vault reference or a Pulumi secret.
 * @throws Error as ingressConfig does
 */
export function ingressSettings(ingress: AzureIngress, r: AzureIngressResources): Record<string, string> {
  const settings: Record<string, string> = { [AZURE_CONFIG_SETTING]: JSON.stringify(ingressConfig(ingress, r)) };
  if (ingress.kind === 'change') Object.assign(settings, identityConnection(CONNECTIONS.cosmos, 'accountEndpoint', ingress.cosmos.accountEndpoint, r.identityClientId));
  if (ingress.kind === 'schedule') settings[scheduleSetting(ingress.spec.name)] = toNcrontab(ingress.spec.cron);
  return settings;
}

function withEnvironment(fn: string, settings: Record<string, string>, environment: Readonly<Record<string, string>>): Record<string, string> {
  for (const name of Object.keys(environment)) {
    if (name in settings || name.startsWith('HERALD_')) throw new Error(`function ${fn}: environment variable ${name} is a setting Herald writes`);
  }
  return { ...settings, ...environment };
}
