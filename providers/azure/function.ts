/**
 * fn → a Function App on the Flex Consumption plan (Linux, Node 22), one app and one plan per function,
 * with its own user-assigned managed identity, which is the only way anything in it authenticates:
 * - every connection is identity-based (`AzureWebJobsStorage__accountName`, `<Conn>__fullyQualifiedNamespace`,
 *   each with `__credential: managedidentity` and `__clientId`); no connection string, key or SAS is in
 *   any setting, and Application Insights takes telemetry only from the identity (`Authorization=AAD`);
 * - the identity holds data-plane roles on exactly the entities the function uses (iam.ts), plus
 *   Storage Blob Data Owner on the host's storage account (the Functions host keeps leases and
 *   checkpoints there, and reads its package) and Monitoring Metrics Publisher on Application Insights;
 * - timeout (host.json, in the bundle), instance memory and maximum instances come from the spec; HTTPS
 *   only, TLS 1.2, FTP off.
 * The package is the bundle zipped as `released-package.zip` in the app's own deployment container
 * (Flex reads its code from there; `WEBSITE_RUN_FROM_PACKAGE` is not supported on Flex), and the
 * bundle's hash is an app setting, so a code change updates the site and the app restarts on the new
 * package. Herald's own settings come from function-config.ts, the one builder `herald invoke` uses too.
 * @see https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan
 * @see https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity
 * @see https://learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication
 */
import { createHash } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import type * as authorization from '@pulumi/azure-native/authorization';
import * as managedidentity from '@pulumi/azure-native/managedidentity';
import * as storage from '@pulumi/azure-native/storage';
import * as web from '@pulumi/azure-native/web';
import { ENV, type Channel, type FunctionSpec } from '../../contracts';
import { codeArchive } from '../archive';
import type { Bundle } from './bundle';
import type { AzureFoundation } from './foundation';
import { functionSettings, type AzureFunctionResources, type AzurePublishTarget, type AzureSourceResource } from './function-config';
import { roleAssignment, type Grant } from './iam';
import { flexMaximumInstances, flexMemoryMb } from './limits';
import { resourceName } from './names';
import { privateContainer } from './stores';
import type { Tags } from './tags';

/** Flex Consumption settings every Herald app shares. */
export const FLEX_DEFAULTS = {
  sku: { name: 'FC1', tier: 'FlexConsumption' },
  runtime: { name: 'node', version: '22' },
  /** The one name Flex's One Deploy gives the package in the deployment container. */
  packageBlob: 'released-package.zip',
} as const;

/** The app setting carrying the bundle's hash: a new package changes it, which restarts the app on the new code. */
export const PACKAGE_HASH_SETTING = 'HERALD_PACKAGE_SHA256';

/** A blob or table service endpoint without its trailing slash, as the runtime config names it. */
// `?? ''`: under bare mocks (outputs equal inputs) an endpoint the cloud reports is absent; nothing declared may depend on it.
export const serviceEndpoint = (endpoint: pulumi.Input<string>) => pulumi.output(endpoint).apply((e) => (e ?? '').replace(/\/+$/, ''));

/** The pieces of any Function App Herald deploys (user functions and ingress functions alike). */
export interface FlexParts {
  readonly identity: managedidentity.UserAssignedIdentity;
  readonly plan: web.AppServicePlan;
  readonly deploymentContainer: storage.BlobContainer;
  readonly package: storage.Blob;
  readonly roles: readonly authorization.RoleAssignment[];
  readonly app: web.WebApp;
}

export interface FlexSettings {
  readonly foundation: AzureFoundation;
  readonly bundle: Bundle;
  readonly memory: number;
  readonly concurrency?: number;
  /** Herald's settings (function-config.ts), given the identity's client id. */
  readonly settings: (clientId: pulumi.Output<string>) => pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Data-plane roles beyond the host's own, each on one entity. */
  readonly grants: readonly Grant[];
  /** For the logs: the Herald name (`charge-payment`, `webhook:payments`) and the stack. */
  readonly heraldName: string;
  /** `fn` or the ingress kind: prefixes the app's containers, so a function and a webhook of one name never share one. */
  readonly kind: string;
  readonly stack: string;
  readonly tags: Tags;
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** What the app needs before it starts beyond its package and roles (a Cosmos DB data role, a lease container). */
  readonly dependsOn?: readonly pulumi.Resource[];
}

/** A short, stable hash of a grant's purpose: the distinguishing part of its assignment's Pulumi name. */
export function purposeHash(purpose: string): string {
  return createHash('sha256').update(purpose).digest('hex').slice(0, 6);
}

/** A user-assigned identity under `parent` (created first: roles and settings name it). */
export function appIdentity(name: string, foundation: AzureFoundation, tags: Tags, parent: pulumi.Resource): managedidentity.UserAssignedIdentity {
  return new managedidentity.UserAssignedIdentity(resourceName('userAssignedIdentity', `${name}-identity`), {
    resourceGroupName: foundation.resourceGroupName, location: foundation.location, tags,
  }, { parent });
}

/** An identity, a Flex plan, the package in its deployment container, the roles and the app, all under `parent`. */
export function createFlexApp(name: string, s: FlexSettings, parent: pulumi.Resource, identity = appIdentity(name, s.foundation, s.tags, parent)): FlexParts {
  const f = s.foundation;
  const rg = { resourceGroupName: f.resourceGroupName, location: f.location };
  const deploymentContainer = privateContainer(`${name}-package`, { account: f.storage, resourceGroupName: f.resourceGroupName, containerName: `${s.kind}-${name}-package` }, parent);
  const pkg = new storage.Blob(`${name}-package`, {
    resourceGroupName: f.resourceGroupName,
    accountName: f.storage.name,
    containerName: deploymentContainer.name,
    blobName: FLEX_DEFAULTS.packageBlob,
    type: 'Block',
    contentType: 'application/zip',
    source: codeArchive(s.bundle),
  }, { parent });
  const plan = new web.AppServicePlan(resourceName('appServicePlan', `${name}-plan`), {
    ...rg, kind: 'functionapp', reserved: true, sku: { ...FLEX_DEFAULTS.sku }, tags: s.tags,
  }, { parent });
  const principalId = identity.principalId;
  const grants: Grant[] = [
    { role: 'storageBlobDataOwner', scope: f.storage.id, purpose: `${s.heraldName}: Functions host storage and package` },
    { role: 'monitoringMetricsPublisher', scope: f.appInsights.id, purpose: `${s.heraldName}: telemetry` },
    ...s.grants,
  ];
  // Named by role and purpose (not position), so adding a grant never replaces the others.
  const roles = grants.map((g) => roleAssignment(`${name}-${g.role}-${purposeHash(g.purpose)}`, principalId, g, parent));
  const settings = pulumi.output(s.settings(identity.clientId)).apply((herald) => herald as Record<string, string>);
  const appSettings = pulumi.all([settings, f.storage.name, identity.clientId, f.appInsights.connectionString]).apply(([herald, account, clientId, insights]) => {
    const all: Record<string, string> = {
      AzureWebJobsStorage__accountName: account,
      AzureWebJobsStorage__credential: 'managedidentity',
      AzureWebJobsStorage__clientId: clientId,
      APPLICATIONINSIGHTS_CONNECTION_STRING: insights,
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${clientId};Authorization=AAD`,
      [ENV.functionName]: s.heraldName,
      [ENV.stack]: s.stack,
      [PACKAGE_HASH_SETTING]: s.bundle.hash,
      ...herald,
    };
    return Object.entries(all).map(([name, value]) => ({ name, value }));
  });
  const memory = flexMemoryMb(s.memory)!;
  const app = new web.WebApp(resourceName('functionApp', name), {
    ...rg,
    kind: 'functionapp,linux',
    serverFarmId: plan.id,
    reserved: true,
    httpsOnly: true,
    identity: { type: 'UserAssigned', userAssignedIdentities: [identity.id] },
    keyVaultReferenceIdentity: identity.id,
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer',
          value: pulumi.interpolate`${f.storage.primaryEndpoints.blob}${deploymentContainer.name}`,
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identity.id },
        },
      },
      runtime: { ...FLEX_DEFAULTS.runtime },
      scaleAndConcurrency: { maximumInstanceCount: flexMaximumInstances(s.concurrency), instanceMemoryMB: memory },
    },
    siteConfig: { appSettings, minTlsVersion: '1.2', scmMinTlsVersion: '1.2', ftpsState: 'Disabled', http20Enabled: true },
    tags: s.tags,
    ...s.overrides,
    // The package and the roles first: the host reads its storage and package with the identity as it starts.
  }, { parent, dependsOn: [pkg, ...roles, ...(s.dependsOn ?? [])] });
  return { identity, plan, deploymentContainer, package: pkg, roles, app };
}

/** What a function reads, resolved: its resource for the config and the roles reading it takes. */
export interface FunctionSource {
  readonly sourceKey: string;
  readonly resource: pulumi.Input<AzureSourceResource>;
  readonly grants: readonly Grant[];
}

/** Where a function or ingress publishes, resolved, with the role to publish there. */
export interface PublishTarget {
  readonly target: pulumi.Input<AzurePublishTarget>;
  readonly grant: Grant;
}

/** The stores every function uses, resolved. */
export interface StoreRefs {
  readonly blobEndpoint: pulumi.Output<string>;
  readonly tableEndpoint: pulumi.Output<string>;
  readonly table: pulumi.Output<string>;
  readonly tableId: pulumi.Output<string>;
  readonly claimCheck: pulumi.Output<string>;
  readonly claimCheckId: pulumi.Output<string>;
}

/** The names a function's settings are written with, once Pulumi knows them ('' for none). */
interface ResolvedNames {
  readonly clientId: string;
  readonly sources: Record<string, AzureSourceResource>;
  readonly serviceBus: string;
  readonly eventHubs: string;
  readonly publishTo: AzurePublishTarget | '';
  readonly deadLetterEndpoint: string;
  readonly deadLetterContainer: string;
  readonly blobEndpoint: string;
  readonly tableEndpoint: string;
  readonly table: string;
  readonly claimCheck: string;
}

export interface AzureFunctionArgs {
  readonly spec: FunctionSpec;
  readonly bundle: Bundle;
  readonly foundation: AzureFoundation;
  /** Its channels from the delivery plan. */
  readonly channels: readonly Channel[];
  readonly sources: readonly FunctionSource[];
  readonly serviceBusNamespace?: pulumi.Output<string>;
  readonly eventHubsNamespace?: pulumi.Output<string>;
  readonly publish?: PublishTarget;
  readonly stores: StoreRefs;
  readonly stack: string;
  readonly tags: Tags;
}

/** `herald:azure:Function`: a user function's Flex app, identity, roles and dead-letter container. */
export class AzureFunction extends pulumi.ComponentResource implements FlexParts {
  readonly identity: managedidentity.UserAssignedIdentity;
  readonly plan: web.AppServicePlan;
  readonly deploymentContainer: storage.BlobContainer;
  readonly package: storage.Blob;
  readonly roles: readonly authorization.RoleAssignment[];
  readonly app: web.WebApp;
  /** Where the runtime writes what it gives up on, with the reason. */
  readonly deadLetters: storage.BlobContainer;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AzureFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:azure:Function', name, {}, opts);
    const { spec, foundation: f, stores } = args;
    this.deadLetters = privateContainer(`${name}-dead-letters`, { account: f.storage, resourceGroupName: f.resourceGroupName, containerName: `fn-${name}-dead-letters` }, this);
    const grants: Grant[] = [
      ...args.sources.flatMap((s) => s.grants),
      ...(args.publish ? [args.publish.grant] : []),
      { role: 'storageBlobDataContributor', scope: this.deadLetters.id, purpose: `${spec.name} writes its dead letters` },
      { role: 'storageTableDataContributor', scope: stores.tableId, purpose: `${spec.name} claims event ids` },
      { role: 'storageBlobDataContributor', scope: stores.claimCheckId, purpose: `${spec.name} stores and reads claim-checked data` },
    ];
    const resources = (clientId: pulumi.Output<string>) => pulumi.all({
      clientId,
      sources: pulumi.all(Object.fromEntries(args.sources.map((s) => [s.sourceKey, s.resource]))),
      serviceBus: args.serviceBusNamespace ?? '',
      eventHubs: args.eventHubsNamespace ?? '',
      publishTo: args.publish?.target ?? '',
      deadLetterEndpoint: serviceEndpoint(f.storage.primaryEndpoints.blob),
      deadLetterContainer: this.deadLetters.name,
      blobEndpoint: stores.blobEndpoint,
      tableEndpoint: stores.tableEndpoint,
      table: stores.table,
      claimCheck: stores.claimCheck,
    }).apply((unwrapped): Record<string, string> => {
      const r = unwrapped as unknown as ResolvedNames;
      const named: AzureFunctionResources = {
        identityClientId: r.clientId,
        ...(r.serviceBus ? { serviceBusNamespace: r.serviceBus } : {}),
        ...(r.eventHubs ? { eventHubsNamespace: r.eventHubs } : {}),
        sources: r.sources,
        ...(r.publishTo ? { publishTo: r.publishTo } : {}),
        deadLetter: { endpoint: r.deadLetterEndpoint, container: r.deadLetterContainer },
        idempotency: { endpoint: r.tableEndpoint, table: r.table },
        claimCheck: { endpoint: r.blobEndpoint, container: r.claimCheck },
      };
      return functionSettings(spec, args.channels, named);
    });
    const parts = createFlexApp(name, {
      foundation: f, bundle: args.bundle, memory: spec.memory,
      ...(spec.concurrency !== undefined ? { concurrency: spec.concurrency } : {}),
      settings: resources, grants, heraldName: spec.name, kind: 'fn', stack: args.stack, tags: args.tags,
      ...(spec.overrides?.azure ? { overrides: spec.overrides.azure } : {}),
    }, this);
    ({ identity: this.identity, plan: this.plan, deploymentContainer: this.deploymentContainer, package: this.package, roles: this.roles, app: this.app } = parts);
    this.outputs = {
      name: this.app.name, id: this.app.id, hostName: this.app.defaultHostName,
      identityClientId: this.identity.clientId, deadLetterContainer: this.deadLetters.name,
    };
    this.registerOutputs(this.outputs);
  }
}
