/**
 * The Azure SDK clients a function's entry uses, each created on first use with a plain `require`, so a
 * cold start loads only the SDKs its invocation touches, and each injectable (tests against Azurite,
 * `herald invoke`'s recording fakes). Every default client signs in as the function's user-assigned
 * managed identity (`DefaultAzureCredential` with its client id: on Azure that identity, on a laptop the
 * developer's `az login`); no connection string, key or SAS is ever read.
 * @see https://learn.microsoft.com/javascript/api/@azure/identity/defaultazurecredential
 */
import type { TokenCredential } from '@azure/core-auth';
import type { TableClient } from '@azure/data-tables';
import type { EventGridPublisherClient } from '@azure/eventgrid';
import type { ServiceBusClient } from '@azure/service-bus';
import type { ContainerClient } from '@azure/storage-blob';

/** Clients a function's entry may use; each one not given is made by the default factory below. */
export interface AzureClients {
  /** For a Service Bus namespace (`<ns>.servicebus.windows.net`). */
  readonly serviceBus?: (namespace: string) => ServiceBusClient;
  /** For an Event Grid topic endpoint (CloudEvents input schema). */
  readonly eventGrid?: (endpoint: string) => EventGridPublisherClient<'CloudEvent'>;
  /** For a table at a Table service endpoint. */
  readonly table?: (endpoint: string, table: string) => TableClient;
  /** For a blob container at a Blob service endpoint. */
  readonly container?: (endpoint: string, container: string) => ContainerClient;
}

/* eslint-disable @typescript-eslint/no-require-imports */
export const sdk = {
  identity: (): typeof import('@azure/identity') => require('@azure/identity'),
  serviceBus: (): typeof import('@azure/service-bus') => require('@azure/service-bus'),
  eventGrid: (): typeof import('@azure/eventgrid') => require('@azure/eventgrid'),
  tables: (): typeof import('@azure/data-tables') => require('@azure/data-tables'),
  blobs: (): typeof import('@azure/storage-blob') => require('@azure/storage-blob'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The credential of the user-assigned identity `clientId`, one per process and identity. */
const credentials = new Map<string, TokenCredential>();
export function credentialFor(clientId: string): TokenCredential {
  let credential = credentials.get(clientId);
  if (!credential) credentials.set(clientId, (credential = new (sdk.identity().DefaultAzureCredential)({ managedIdentityClientId: clientId })));
  return credential;
}

/**
 * Every client factory: the injected ones, and for the rest the SDK's own client as `clientId`. Each
 * client is made once per namespace, endpoint or entity and kept for the life of the instance (an AMQP
 * connection is costly to open).
 */
export function clientFactories(clientId: string, injected: AzureClients = {}): Required<AzureClients> {
  const once = <A extends unknown[], T>(make: (...args: A) => T) => {
    const made = new Map<string, T>();
    return (...args: A): T => {
      const key = args.join('\u0000');
      let client = made.get(key);
      if (client === undefined) made.set(key, (client = make(...args)));
      return client;
    };
  };
  return {
    serviceBus: once(injected.serviceBus ?? ((ns: string) => new (sdk.serviceBus().ServiceBusClient)(ns, credentialFor(clientId)))),
    eventGrid: once(injected.eventGrid ?? ((endpoint: string) => new (sdk.eventGrid().EventGridPublisherClient)(endpoint, 'CloudEvent', credentialFor(clientId)))),
    table: once(injected.table ?? ((endpoint: string, table: string) => new (sdk.tables().TableClient)(endpoint, table, credentialFor(clientId)))),
    container: once(injected.container ?? ((endpoint: string, container: string) => new (sdk.blobs().ContainerClient)(`${endpoint.replace(/\/+$/, '')}/${container}`, credentialFor(clientId)))),
  };
}
