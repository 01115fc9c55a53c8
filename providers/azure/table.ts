/**
 * table → a container in a serverless Cosmos DB for NoSQL account (partition key = the table's; local
 * key auth off: only identities with a data-plane role reach the data) and, with `onChange`, the change
 * trigger: a lease container created here (an identity-based trigger cannot create it) and an ingress
 * Function App reading the change feed, which publishes the declared event per changed item. Its
 * identity holds the Cosmos DB Built-in Data Contributor role on this table's database only (it reads
 * the feed and writes leases), through Cosmos DB's own RBAC; a document that cannot become the event is
 * written, with the reason, to a dead-letter container only it may write. The change feed in latest-version mode has
 * no deletes and no old image (a degraded capability).
 * @see https://learn.microsoft.com/azure/cosmos-db/nosql/change-feed-modes
 * @see https://learn.microsoft.com/azure/azure-functions/functions-bindings-cosmosdb-v2-trigger
 */
import * as pulumi from '@pulumi/pulumi';
import * as cosmosdb from '@pulumi/azure-native/cosmosdb';
import type * as storage from '@pulumi/azure-native/storage';
import type { TableSpec } from '../../contracts';
import type { AzureFoundation } from './foundation';
import { appIdentity, serviceEndpoint, type FlexParts } from './function';
import { cosmosRoleAssignment } from './iam';
import { createIngress, type IngressArgs } from './ingress';
import { accountName } from './names';
import { privateContainer } from './stores';
import type { Tags } from './tags';

/** The database every Herald table lives in, and the lease container's name suffix. */
export const COSMOS_DATABASE = 'herald';
export const LEASE_SUFFIX = '-leases';

export interface AzureTableArgs {
  readonly spec: TableSpec;
  readonly foundation: AzureFoundation;
  readonly tags: Tags;
  readonly ingress?: Omit<IngressArgs, 'ingress'>;
}

/** `herald:azure:Table`: a Cosmos DB container, and with `onChange` its lease container and change trigger. */
export class AzureTable extends pulumi.ComponentResource {
  readonly account: cosmosdb.DatabaseAccount;
  readonly database: cosmosdb.SqlResourceSqlDatabase;
  readonly container: cosmosdb.SqlResourceSqlContainer;
  readonly leases?: cosmosdb.SqlResourceSqlContainer;
  readonly ingress?: FlexParts;
  readonly dataRole?: cosmosdb.SqlResourceSqlRoleAssignment;
  /** Documents the change trigger could not turn into its event, with the reason. */
  readonly deadLetters?: storage.BlobContainer;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AzureTableArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:azure:Table', name, {}, opts);
    const { spec, foundation: f } = args;
    const rg = f.resourceGroupName;
    this.account = new cosmosdb.DatabaseAccount(`${name}-account`, {
      resourceGroupName: rg,
      location: f.location,
      accountName: accountName('cosmosAccount', f.scope, name),
      kind: 'GlobalDocumentDB',
      databaseAccountOfferType: 'Standard',
      // Serverless: billed per request, nothing to provision for a table an app writes now and then.
      capabilities: [{ name: 'EnableServerless' }],
      locations: [{ locationName: f.location, failoverPriority: 0 }],
      consistencyPolicy: { defaultConsistencyLevel: 'Session' },
      disableLocalAuth: true,
      disableKeyBasedMetadataWriteAccess: true,
      minimalTlsVersion: 'Tls12',
      tags: args.tags,
      ...spec.overrides?.azure,
    }, { parent: this });
    const common = { resourceGroupName: rg, accountName: this.account.name };
    this.database = new cosmosdb.SqlResourceSqlDatabase(`${name}-database`, { ...common, databaseName: COSMOS_DATABASE, resource: { id: COSMOS_DATABASE } }, { parent: this });
    this.container = new cosmosdb.SqlResourceSqlContainer(name, {
      ...common,
      databaseName: this.database.name,
      containerName: spec.name,
      resource: { id: spec.name, partitionKey: { paths: [`/${spec.partitionKey}`], kind: 'Hash', version: 2 } },
    }, { parent: this });
    const ch = spec.onChange;
    if (ch && args.ingress) {
      const leaseName = `${spec.name}${LEASE_SUFFIX}`;
      this.leases = new cosmosdb.SqlResourceSqlContainer(`${name}-leases`, {
        ...common,
        databaseName: this.database.name,
        containerName: leaseName,
        // The Functions trigger's lease documents are partitioned by id.
        resource: { id: leaseName, partitionKey: { paths: ['/id'], kind: 'Hash', version: 2 } },
      }, { parent: this });
      const identity = appIdentity(`${name}-change`, f, args.tags, this);
      // A document that cannot become the event is written here with the reason, and the feed moves on.
      this.deadLetters = privateContainer(`${name}-change-dead-letters`, { account: f.storage, resourceGroupName: rg, containerName: `change-${name}-dead-letters` }, this);
      this.dataRole = cosmosRoleAssignment(`${name}-change-data`, {
        accountId: this.account.id, accountName: this.account.name, resourceGroupName: rg, database: this.database.name,
        principalId: identity.principalId, role: 'dataContributor',
      }, this);
      this.ingress = createIngress(`${name}-change`, {
        ...args.ingress,
        // The endpoint is filled in once the account reports it.
        ingress: { kind: 'change', spec, trigger: ch, cosmos: { accountEndpoint: '', database: COSMOS_DATABASE, container: spec.name, leaseContainer: leaseName } },
        cosmosEndpoint: this.account.documentEndpoint,
        deadLetter: { endpoint: serviceEndpoint(f.storage.primaryEndpoints.blob), container: this.deadLetters.name },
        grants: [{ role: 'storageBlobDataContributor', scope: this.deadLetters.id, purpose: `change:${spec.name} writes its dead letters` }],
        // The trigger reads the feed and its leases as soon as the host starts.
        dependsOn: [this.leases, this.dataRole],
      }, this, identity);
    }
    this.outputs = {
      account: this.account.name, endpoint: this.account.documentEndpoint, database: this.database.name, container: this.container.name,
      ...(this.ingress ? { function: this.ingress.app.name } : {}),
    };
    this.registerOutputs(this.outputs);
  }
}
