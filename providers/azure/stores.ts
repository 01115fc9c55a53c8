/**
 * The shared stores, one per topology, in their own storage account (shared-key access off: only
 * identities holding a data role reach it): a Table Storage table the runtime claims event ids in
 * (conditional insert, so two deliveries of one event never both run; old claims are swept by their
 * timestamp) and a blob container for the claim check (event data over the 256 KB limit travels as
 * `dataref`), whose blobs a lifecycle rule deletes once no dead letter can still need them.
 * @see https://learn.microsoft.com/azure/storage/tables/table-storage-overview
 * @see https://learn.microsoft.com/azure/storage/blobs/lifecycle-management-overview
 */
import * as pulumi from '@pulumi/pulumi';
import * as storage from '@pulumi/azure-native/storage';
import { accountName, containerName } from './names';
import { SERVICE_BUS_LIMITS } from './limits';
import type { Tags } from './tags';

/** The idempotency table's name (Table Storage: letters and digits only). */
export const IDEMPOTENCY_TABLE = 'heraldidempotency';
/** The claim-check container's name. */
export const CLAIM_CHECK_CONTAINER = 'claim-check';
/** Claim-check blobs outlive the longest a dead letter waits (Service Bus messages kept 14 days) by a day. */
export const CLAIM_CHECK_RETENTION_DAYS = SERVICE_BUS_LIMITS.deadLetterRetentionDays + 1;

export interface HardenedAccountArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly accountName: string;
  readonly tags: Tags;
  /** @default false: only Entra ID identities with a data role reach the data. */
  readonly allowSharedKeyAccess?: boolean;
  readonly overrides?: Readonly<Record<string, unknown>>;
}

/**
 * A StorageV2 account as an expert hardens it: no public blob access, TLS 1.2 at least, HTTPS only,
 * Entra ID by default in the portal, no cross-tenant replication, and shared keys off unless asked.
 * @see https://learn.microsoft.com/azure/storage/common/security-recommendations
 */
export function hardenedStorageAccount(name: string, a: HardenedAccountArgs, parent: pulumi.Resource): storage.StorageAccount {
  return new storage.StorageAccount(name, {
    resourceGroupName: a.resourceGroupName,
    location: a.location,
    accountName: a.accountName,
    kind: 'StorageV2',
    sku: { name: 'Standard_LRS' },
    allowBlobPublicAccess: false,
    minimumTlsVersion: 'TLS1_2',
    enableHttpsTrafficOnly: true,
    allowSharedKeyAccess: a.allowSharedKeyAccess ?? false,
    defaultToOAuthAuthentication: true,
    allowCrossTenantReplication: false,
    tags: a.tags,
    ...a.overrides,
  }, { parent });
}

/** A private blob container under `parent`. */
export function privateContainer(name: string, args: { account: storage.StorageAccount; resourceGroupName: pulumi.Input<string>; containerName: string }, parent: pulumi.Resource): storage.BlobContainer {
  return new storage.BlobContainer(name, {
    accountName: args.account.name,
    resourceGroupName: args.resourceGroupName,
    containerName: containerName(args.containerName),
    publicAccess: 'None',
  }, { parent });
}

export interface AzureStoresArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  /** `<project>/<stack>`. */
  readonly scope: string;
  readonly tags: Tags;
}

/** `herald:azure:Stores`: the idempotency table and the claim-check container, in a hardened account. */
export class AzureStores extends pulumi.ComponentResource {
  readonly account: storage.StorageAccount;
  readonly idempotencyTable: storage.Table;
  readonly claimCheckContainer: storage.BlobContainer;
  readonly claimCheckExpiry: storage.ManagementPolicy;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AzureStoresArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:azure:Stores', name, {}, opts);
    const rg = args.resourceGroupName;
    this.account = hardenedStorageAccount(`${name}-stores`, {
      resourceGroupName: rg, location: args.location, accountName: accountName('storageAccount', args.scope, `${name}st`), tags: args.tags,
    }, this);
    this.idempotencyTable = new storage.Table(`${name}-idempotency`, {
      accountName: this.account.name, resourceGroupName: rg, tableName: IDEMPOTENCY_TABLE,
    }, { parent: this });
    this.claimCheckContainer = privateContainer(`${name}-claim-check`, { account: this.account, resourceGroupName: rg, containerName: CLAIM_CHECK_CONTAINER }, this);
    this.claimCheckExpiry = new storage.ManagementPolicy(`${name}-claim-check-expiry`, {
      accountName: this.account.name,
      resourceGroupName: rg,
      // The account's one management policy: its name is always `default`.
      managementPolicyName: 'default',
      policy: {
        rules: [{
          name: 'expire-claim-checks', enabled: true, type: 'Lifecycle',
          definition: {
            filters: { blobTypes: ['blockBlob'], prefixMatch: [`${CLAIM_CHECK_CONTAINER}/`] },
            actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: CLAIM_CHECK_RETENTION_DAYS } } },
          },
        }],
      },
    }, { parent: this });
    this.outputs = {
      account: this.account.name,
      idempotencyTable: this.idempotencyTable.name,
      claimCheckContainer: this.claimCheckContainer.name,
      tableEndpoint: this.account.primaryEndpoints.table,
      blobEndpoint: this.account.primaryEndpoints.blob,
    };
    this.registerOutputs(this.outputs);
  }
}
