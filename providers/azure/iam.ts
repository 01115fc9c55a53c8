/**
 * Azure RBAC as Herald grants it: built-in data-plane roles only, each assigned to one principal at the
 * scope of the one entity it uses (a queue, a topic, a container, a table), never Owner or Contributor
 * and never a resource group or subscription. The role definition GUIDs are data, each with its doc.
 * Cosmos DB's data plane has its own RBAC (`sqlRoleAssignments`), not ARM roles.
 * @see https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
 */
import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import * as cosmosdb from '@pulumi/azure-native/cosmosdb';

const BUILT_IN = 'https://learn.microsoft.com/azure/role-based-access-control/built-in-roles';

/** A built-in role: its GUID (the same in every tenant) and its doc. */
export interface BuiltInRole {
  readonly name: string;
  readonly id: string;
  readonly doc: string;
}

/** The built-in roles Herald assigns. None of them manages resources: each reads or writes data. */
export const ROLES = {
  serviceBusDataReceiver: { name: 'Azure Service Bus Data Receiver', id: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0', doc: `${BUILT_IN}/integration#azure-service-bus-data-receiver` },
  serviceBusDataSender: { name: 'Azure Service Bus Data Sender', id: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39', doc: `${BUILT_IN}/integration#azure-service-bus-data-sender` },
  eventHubsDataReceiver: { name: 'Azure Event Hubs Data Receiver', id: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde', doc: `${BUILT_IN}/analytics#azure-event-hubs-data-receiver` },
  eventHubsDataSender: { name: 'Azure Event Hubs Data Sender', id: '2b629674-e913-4c01-ae53-ef4638d8f975', doc: `${BUILT_IN}/analytics#azure-event-hubs-data-sender` },
  eventGridDataSender: { name: 'EventGrid Data Sender', id: 'd5a91429-5739-47e2-a06b-3470a27159e7', doc: `${BUILT_IN}/integration#eventgrid-data-sender` },
  storageBlobDataOwner: { name: 'Storage Blob Data Owner', id: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b', doc: `${BUILT_IN}/storage#storage-blob-data-owner` },
  storageBlobDataContributor: { name: 'Storage Blob Data Contributor', id: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe', doc: `${BUILT_IN}/storage#storage-blob-data-contributor` },
  storageBlobDataReader: { name: 'Storage Blob Data Reader', id: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1', doc: `${BUILT_IN}/storage#storage-blob-data-reader` },
  storageTableDataContributor: { name: 'Storage Table Data Contributor', id: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3', doc: `${BUILT_IN}/storage#storage-table-data-contributor` },
  keyVaultSecretsUser: { name: 'Key Vault Secrets User', id: '4633458b-17de-408a-b874-0445c86b69e6', doc: `${BUILT_IN}/security#key-vault-secrets-user` },
  monitoringMetricsPublisher: { name: 'Monitoring Metrics Publisher', id: '3913510d-42f4-4e42-8a64-420c390055eb', doc: `${BUILT_IN}/monitor#monitoring-metrics-publisher` },
} as const satisfies Record<string, BuiltInRole>;

export type RoleKey = keyof typeof ROLES;

/**
 * Cosmos DB built-in data-plane roles (account-relative ids).
 * @see https://learn.microsoft.com/azure/cosmos-db/nosql/security/reference-data-plane-roles
 */
export const COSMOS_ROLES = {
  dataReader: { name: 'Cosmos DB Built-in Data Reader', id: '00000000-0000-0000-0000-000000000001' },
  dataContributor: { name: 'Cosmos DB Built-in Data Contributor', id: '00000000-0000-0000-0000-000000000002' },
} as const;

/**
 * The subscription-scoped id of a built-in role. The subscription comes from the provider's client config
 * (`authorization.getClientConfig`), not from parsing a resource's id: a preview sees the ids of resources
 * not yet created as unknown, and nothing Herald declares may depend on an output's value.
 */
export function roleDefinitionId(subscriptionId: string, role: BuiltInRole): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role.id}`;
}

/** Scopes Herald refuses to grant at: a whole subscription or resource group. */
export function isBroadScope(scope: string): boolean {
  return /^\/subscriptions\/[^/]+(\/resourceGroups\/[^/]+)?\/?$/i.test(scope);
}

/** One principal, one role, one entity. */
export interface Grant {
  readonly role: RoleKey;
  readonly scope: pulumi.Input<string>;
  /** Shown in the assignment's description and part of its Pulumi name. */
  readonly purpose: string;
}

/**
 * A role assignment under `parent`. The principal is a managed identity (`ServicePrincipal`, which also
 * spares the assignment Entra ID's replication delay).
 * @throws Error (at deploy time) when the scope is a subscription or resource group.
 */
export function roleAssignment(name: string, principalId: pulumi.Input<string>, grant: Grant, parent: pulumi.Resource, opts: pulumi.CustomResourceOptions = {}): authorization.RoleAssignment {
  const role = ROLES[grant.role];
  const scope = pulumi.output(grant.scope).apply((s) => {
    if (isBroadScope(s)) throw new Error(`${name}: ${role.name} at "${s}" would cover a whole resource group or subscription; grant it on the entity`);
    return s;
  });
  return new authorization.RoleAssignment(name, {
    principalId,
    principalType: 'ServicePrincipal',
    roleDefinitionId: authorization.getClientConfigOutput({ parent }).subscriptionId.apply((id) => roleDefinitionId(id, role)),
    scope,
    description: `Herald: ${grant.purpose} (${role.name})`,
  }, { parent, ...opts });
}

/**
 * A Cosmos DB data-plane role assignment, scoped to one database (`<account id>/dbs/<db>`).
 * @see https://learn.microsoft.com/azure/cosmos-db/nosql/security/how-to-grant-data-plane-role-based-access
 */
export function cosmosRoleAssignment(name: string, args: {
  accountId: pulumi.Input<string>; accountName: pulumi.Input<string>; resourceGroupName: pulumi.Input<string>; database: pulumi.Input<string>;
  principalId: pulumi.Input<string>; role: keyof typeof COSMOS_ROLES;
}, parent: pulumi.Resource): cosmosdb.SqlResourceSqlRoleAssignment {
  return new cosmosdb.SqlResourceSqlRoleAssignment(name, {
    accountName: args.accountName,
    resourceGroupName: args.resourceGroupName,
    principalId: args.principalId,
    roleDefinitionId: pulumi.interpolate`${args.accountId}/sqlRoleDefinitions/${COSMOS_ROLES[args.role].id}`,
    scope: pulumi.interpolate`${args.accountId}/dbs/${args.database}`,
  }, { parent });
}
