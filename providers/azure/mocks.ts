/**
 * Azure as Pulumi's mock engine sees it (`herald plan --cloud azure` and the deploy tests): each resource
 * Herald creates gets the resource id ARM would give it
 * (`/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/<rg>/providers/<namespace>/<type>/<name>…`),
 * its physical name (auto-named ones with a suffix hashed from the URN, as Pulumi adds a random one),
 * endpoints, principal and client ids, so references between resources read as real ids. The
 * subscription and tenant are made up; the location is the stack's `azure-native:location`.
 */
import { mockHash as hash, type MockCloud, type MockReport, type MockResource, type MockTarget } from '../mocks';

/** The made-up subscription every mock id is under. */
export const MOCK_SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000000';
/** The made-up Entra ID tenant of every mock identity. */
export const MOCK_TENANT_ID = '11111111-1111-1111-1111-111111111111';

export interface AzureMockOptions {
  readonly location: string;
}

/** A GUID hashed from `text`: stable per resource, so two plans are identical. */
export function mockGuid(text: string): string {
  return hash(text, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
}

/** How one resource type is named and where ARM puts it. */
interface TypeRule {
  /** The input that names it; undefined when its name is fixed or a GUID. */
  readonly nameInput?: string;
  /** Whether Pulumi auto-names it when the input is not given (a random suffix). */
  readonly autonamed?: boolean;
  /** Its path under `/providers/`, from its inputs and physical name. */
  readonly path: (i: Record<string, any>, n: string) => string;
  /** Outputs beyond `name`. */
  readonly state?: (i: Record<string, any>, n: string, ctx: { urn: string; location: string; id: string }) => Record<string, unknown>;
}

const identity = (urn: string) => ({ principalId: mockGuid(`${urn}#principal`), tenantId: MOCK_TENANT_ID });
const systemIdentity = (i: Record<string, any>, urn: string) => (i.identity?.type === 'SystemAssigned' ? { identity: { ...i.identity, ...identity(urn) } } : {});

const RULES: Readonly<Record<string, TypeRule>> = {
  'azure-native:servicebus:Namespace': {
    nameInput: 'namespaceName', autonamed: true, path: (_, n) => `Microsoft.ServiceBus/namespaces/${n}`,
    state: (_, n) => ({ serviceBusEndpoint: `https://${n}.servicebus.windows.net:443/` }),
  },
  'azure-native:servicebus:Queue': { nameInput: 'queueName', autonamed: true, path: (i, n) => `Microsoft.ServiceBus/namespaces/${i.namespaceName}/queues/${n}` },
  'azure-native:servicebus:Topic': { nameInput: 'topicName', autonamed: true, path: (i, n) => `Microsoft.ServiceBus/namespaces/${i.namespaceName}/topics/${n}` },
  'azure-native:servicebus:Subscription': {
    nameInput: 'subscriptionName', autonamed: true, path: (i, n) => `Microsoft.ServiceBus/namespaces/${i.namespaceName}/topics/${i.topicName}/subscriptions/${n}`,
  },
  'azure-native:servicebus:DefaultRule': {
    path: (i) => `Microsoft.ServiceBus/namespaces/${i.namespaceName}/topics/${i.topicName}/subscriptions/${i.subscriptionName}/rules/$Default`,
  },
  'azure-native:eventhub:Namespace': {
    nameInput: 'namespaceName', autonamed: true, path: (_, n) => `Microsoft.EventHub/namespaces/${n}`,
    state: (_, n) => ({ serviceBusEndpoint: `https://${n}.servicebus.windows.net:443/` }),
  },
  'azure-native:eventhub:EventHub': { nameInput: 'eventHubName', autonamed: true, path: (i, n) => `Microsoft.EventHub/namespaces/${i.namespaceName}/eventhubs/${n}` },
  'azure-native:eventhub:ConsumerGroup': {
    nameInput: 'consumerGroupName', autonamed: true, path: (i, n) => `Microsoft.EventHub/namespaces/${i.namespaceName}/eventhubs/${i.eventHubName}/consumergroups/${n}`,
  },
  'azure-native:storage:StorageAccount': {
    nameInput: 'accountName', autonamed: true, path: (_, n) => `Microsoft.Storage/storageAccounts/${n}`,
    state: (_, n) => ({
      primaryEndpoints: Object.fromEntries(['blob', 'dfs', 'file', 'queue', 'table', 'web'].map((s) => [s, `https://${n}.${s === 'web' ? 'z6.web' : s}.core.windows.net/`])),
    }),
  },
  'azure-native:storage:BlobContainer': {
    nameInput: 'containerName', autonamed: true, path: (i, n) => `Microsoft.Storage/storageAccounts/${i.accountName}/blobServices/default/containers/${n}`,
  },
  'azure-native:storage:Table': { nameInput: 'tableName', autonamed: true, path: (i, n) => `Microsoft.Storage/storageAccounts/${i.accountName}/tableServices/default/tables/${n}` },
  'azure-native:storage:ManagementPolicy': { path: (i) => `Microsoft.Storage/storageAccounts/${i.accountName}/managementPolicies/default` },
  'azure-native:operationalinsights:Workspace': {
    nameInput: 'workspaceName', autonamed: true, path: (_, n) => `Microsoft.OperationalInsights/workspaces/${n}`,
    state: (_, __, c) => ({ customerId: mockGuid(`${c.urn}#customer`) }),
  },
  'azure-native:applicationinsights:Component': {
    nameInput: 'resourceName', autonamed: true, path: (_, n) => `Microsoft.Insights/components/${n}`,
    state: (_, __, c) => {
      const key = mockGuid(`${c.urn}#ikey`);
      return {
        instrumentationKey: key,
        connectionString: `InstrumentationKey=${key};IngestionEndpoint=https://${c.location}-0.in.applicationinsights.azure.com/;LiveEndpoint=https://${c.location}.livediagnostics.monitor.azure.com/`,
      };
    },
  },
  'azure-native:monitor:ActionGroup': { nameInput: 'actionGroupName', autonamed: true, path: (_, n) => `Microsoft.Insights/actionGroups/${n}` },
  'azure-native:monitor:MetricAlert': { nameInput: 'ruleName', autonamed: true, path: (_, n) => `Microsoft.Insights/metricAlerts/${n}` },
  'azure-native:eventgrid:Topic': {
    nameInput: 'topicName', autonamed: true, path: (_, n) => `Microsoft.EventGrid/topics/${n}`,
    state: (i, n, c) => ({ endpoint: `https://${n}.${c.location}-1.eventgrid.azure.net/api/events`, ...systemIdentity(i, c.urn) }),
  },
  'azure-native:eventgrid:TopicEventSubscription': {
    nameInput: 'eventSubscriptionName', autonamed: true, path: (i, n) => `Microsoft.EventGrid/topics/${i.topicName}/eventSubscriptions/${n}`,
  },
  'azure-native:eventgrid:SystemTopic': {
    nameInput: 'systemTopicName', autonamed: true, path: (_, n) => `Microsoft.EventGrid/systemTopics/${n}`,
    state: (i, _, c) => ({ metricResourceId: mockGuid(`${c.urn}#metrics`), ...systemIdentity(i, c.urn) }),
  },
  'azure-native:eventgrid:SystemTopicEventSubscription': {
    nameInput: 'eventSubscriptionName', autonamed: true, path: (i, n) => `Microsoft.EventGrid/systemTopics/${i.systemTopicName}/eventSubscriptions/${n}`,
  },
  'azure-native:managedidentity:UserAssignedIdentity': {
    nameInput: 'resourceName', autonamed: true, path: (_, n) => `Microsoft.ManagedIdentity/userAssignedIdentities/${n}`,
    state: (_, __, c) => ({ ...identity(c.urn), clientId: mockGuid(`${c.urn}#client`) }),
  },
  'azure-native:keyvault:Vault': {
    nameInput: 'vaultName', autonamed: true, path: (_, n) => `Microsoft.KeyVault/vaults/${n}`,
    state: (i, n) => ({ properties: { ...i.properties, vaultUri: `https://${n}.vault.azure.net/` } }),
  },
  'azure-native:keyvault:Secret': {
    nameInput: 'secretName', autonamed: true, path: (i, n) => `Microsoft.KeyVault/vaults/${i.vaultName}/secrets/${n}`,
    // The value is write-only: ARM never returns it.
    state: (i, n) => ({ properties: { secretUri: `https://${i.vaultName}.vault.azure.net/secrets/${n}`, contentType: i.properties?.contentType } }),
  },
  'azure-native:web:AppServicePlan': { nameInput: 'name', autonamed: true, path: (_, n) => `Microsoft.Web/serverfarms/${n}` },
  'azure-native:web:WebApp': {
    nameInput: 'name', autonamed: true, path: (_, n) => `Microsoft.Web/sites/${n}`,
    state: (_, n) => ({ defaultHostName: `${n}.azurewebsites.net`, state: 'Running' }),
  },
  'azure-native:cosmosdb:DatabaseAccount': {
    nameInput: 'accountName', autonamed: true, path: (_, n) => `Microsoft.DocumentDB/databaseAccounts/${n}`,
    state: (_, n) => ({ documentEndpoint: `https://${n}.documents.azure.com:443/` }),
  },
  'azure-native:cosmosdb:SqlResourceSqlDatabase': {
    nameInput: 'databaseName', autonamed: true, path: (i, n) => `Microsoft.DocumentDB/databaseAccounts/${i.accountName}/sqlDatabases/${n}`,
  },
  'azure-native:cosmosdb:SqlResourceSqlContainer': {
    nameInput: 'containerName', autonamed: true, path: (i, n) => `Microsoft.DocumentDB/databaseAccounts/${i.accountName}/sqlDatabases/${i.databaseName}/containers/${n}`,
  },
};

/** Azure in one location of one made-up subscription. */
export function azureMockCloud(options: AzureMockOptions): MockCloud {
  const calls = {
    'azure-native:authorization:getClientConfig': () => ({
      clientId: mockGuid('herald-plan#client'), objectId: mockGuid('herald-plan#object'), subscriptionId: MOCK_SUBSCRIPTION_ID, tenantId: MOCK_TENANT_ID,
    }),
  };
  return { location: { location: options.location }, calls, report: (resource) => report(resource, options.location) };
}

/** Reads the location from the stack's `azure-native:location`. */
export const azureMockTarget: MockTarget = {
  requiredConfig: ['azure-native:location'],
  forStack: (config) => azureMockCloud({ location: config['azure-native:location']! }),
};

const groupId = (rg: string) => `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${rg}`;

/** What Azure reports for a resource of this type: its id, physical name, endpoints, identities. */
function report({ type, name, urn, inputs }: MockResource, location: string): MockReport {
  if (!type.startsWith('azure-native:')) return { state: {} };
  const suffixed = `${name}${hash(urn, 8)}`;
  switch (type) {
    case 'azure-native:resources:ResourceGroup': {
      const rg: string = inputs.resourceGroupName ?? suffixed;
      return { id: groupId(rg), state: { name: rg, location: inputs.location ?? location } };
    }
    case 'azure-native:authorization:RoleAssignment': {
      const guid: string = inputs.roleAssignmentName ?? mockGuid(urn);
      return { id: `${inputs.scope}/providers/Microsoft.Authorization/roleAssignments/${guid}`, state: { name: guid } };
    }
    case 'azure-native:cosmosdb:SqlResourceSqlRoleAssignment': {
      const guid: string = inputs.roleAssignmentId ?? mockGuid(urn);
      return { id: `${groupId(inputs.resourceGroupName)}/providers/Microsoft.DocumentDB/databaseAccounts/${inputs.accountName}/sqlRoleAssignments/${guid}`, state: { name: guid } };
    }
    case 'azure-native:storage:Blob': {
      const blob: string = inputs.blobName ?? name;
      const url = `https://${inputs.accountName}.blob.core.windows.net/${inputs.containerName}/${blob}`;
      return { id: url, state: { name: blob, url } };
    }
  }
  const rule = RULES[type];
  if (!rule) return { state: {} };
  const physical: string = rule.nameInput ? (inputs[rule.nameInput] ?? (rule.autonamed ? suffixed : name)) : '$Default';
  const id = `${groupId(inputs.resourceGroupName)}/providers/${rule.path(inputs, physical)}`;
  return { id, state: { name: physical, ...(rule.state?.(inputs, physical, { urn, location, id }) ?? {}) } };
}
