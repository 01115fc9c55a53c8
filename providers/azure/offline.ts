/**
 * Stand-ins for what only a deployed stack has, for `herald invoke --cloud azure`: namespaces, endpoints,
 * entity and container names made from the logical names, and a placeholder identity, so a function's
 * settings, the sample events and the recorded SDK calls all name the same resources. Nothing here
 * reaches Azure.
 */
import { type Channel, type FunctionSpec, type Ref, type Topology } from '../../contracts';
import type { AzureFunctionResources, AzureIngressResources, AzurePublishTarget, AzureSourceResource, CosmosResources } from './function-config';
import { SAMPLE_REGION } from './runtime/binding';

/** The client id of the placeholder identity every offline function signs in as. */
export const OFFLINE_CLIENT_ID = '00000000-0000-0000-0000-00000000c11d';

/** The offline storage account of a topology (≤ 24 lower-case alphanumerics, as Azure requires). */
export function offlineAccount(t: Pick<Topology, 'name'>): string {
  return `${t.name.replace(/[^a-z0-9]/g, '')}herald`.slice(0, 24);
}

export const offlineServiceBusNamespace = (t: Pick<Topology, 'name'>) => `${t.name}-bus.servicebus.windows.net`;
export const offlineEventHubsNamespace = (t: Pick<Topology, 'name'>) => `${t.name}-streams.servicebus.windows.net`;
export const offlineBlobEndpoint = (t: Pick<Topology, 'name'>) => `https://${offlineAccount(t)}.blob.core.windows.net`;
export const offlineTableEndpoint = (t: Pick<Topology, 'name'>) => `https://${offlineAccount(t)}.table.core.windows.net`;
/** The blob container Event Grid and the runtime dead-letter into. */
export const OFFLINE_DEAD_LETTER_CONTAINER = 'dead-letters';

/** What a channel reads, offline. */
export function offlineSource(channel: Channel): AzureSourceResource | undefined {
  const { source } = channel;
  if (source.kind === 'direct') return undefined;
  if (source.kind === 'stream') return { kind: 'eventHub', hub: source.stream, consumerGroup: channel.function };
  // A topic subscriber's own queue is its subscription on the Service Bus topic.
  if (source.own) return { kind: 'serviceBusSubscription', topic: channel.from.name, subscription: channel.subscription };
  return { kind: 'serviceBusQueue', queue: source.queue };
}

/** A bus (Event Grid topic) or topic (Service Bus), offline. */
export function offlinePublishTarget(t: Pick<Topology, 'name'>, to: Ref<'bus' | 'topic'>): AzurePublishTarget {
  return to.kind === 'bus'
    ? { kind: 'eventGrid', endpoint: `https://${t.name}-${to.name}.${SAMPLE_REGION}-1.eventgrid.azure.net/api/events` }
    : { kind: 'serviceBusTopic', namespace: offlineServiceBusNamespace(t), topic: to.name };
}

/** The resources of a function's settings, offline (the deploy side passes Pulumi's instead). */
export function offlineResources(t: Topology, spec: FunctionSpec, channels: readonly Channel[]): AzureFunctionResources {
  const sources: Record<string, AzureSourceResource> = {};
  for (const c of channels) {
    const source = offlineSource(c);
    if (source) sources[c.sourceKey] = source;
  }
  return {
    identityClientId: OFFLINE_CLIENT_ID,
    serviceBusNamespace: offlineServiceBusNamespace(t),
    eventHubsNamespace: offlineEventHubsNamespace(t),
    sources,
    ...(spec.publishes ? { publishTo: offlinePublishTarget(t, spec.publishes.to) } : {}),
    deadLetter: { endpoint: offlineBlobEndpoint(t), container: OFFLINE_DEAD_LETTER_CONTAINER },
    idempotency: { endpoint: offlineTableEndpoint(t), table: 'idempotency' },
    claimCheck: { endpoint: offlineBlobEndpoint(t), container: 'claim-check' },
  };
}

/** The resources of an ingress function's settings, offline. */
export function offlineIngressResources(t: Topology, to: Ref<'bus' | 'topic'>): AzureIngressResources {
  return {
    identityClientId: OFFLINE_CLIENT_ID,
    publishTo: offlinePublishTarget(t, to),
    claimCheck: { endpoint: offlineBlobEndpoint(t), container: 'claim-check' },
    deadLetter: { endpoint: offlineBlobEndpoint(t), container: OFFLINE_DEAD_LETTER_CONTAINER },
  };
}

/** A table's Cosmos DB container, offline. */
export function offlineCosmos(t: Pick<Topology, 'name'>, table: string): CosmosResources {
  return { accountEndpoint: `https://${t.name}-tables.documents.azure.com:443/`, database: t.name, container: table, leaseContainer: `${table}-leases` };
}

/** The blob container of a bucket, offline. */
export const offlineContainer = (bucket: string) => bucket;
