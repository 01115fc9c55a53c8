/**
 * What an Azure stack needs once, before any kind: the resource group (created, or an existing one named
 * in config), a Service Bus namespace where queues or topics exist (Standard by default, Premium
 * from config; local SAS auth off, so every client uses Entra ID), an Event Hubs namespace where streams
 * exist, the storage account that holds function packages, the Functions hosts' state and Event Grid's
 * dead letters, a Log Analytics workspace with a workspace-based Application Insights every app reports
 * to (local auth off: apps authenticate with their identity), and the action group alerts notify.
 * Event Grid and the function runtimes write dead letters to containers in the storage account.
 * The location is the stack's `azure-native:location`.
 * @see https://learn.microsoft.com/azure/service-bus-messaging/service-bus-premium-messaging
 */
import * as pulumi from '@pulumi/pulumi';
import * as applicationinsights from '@pulumi/azure-native/applicationinsights';
import * as eventhub from '@pulumi/azure-native/eventhub';
import * as monitor from '@pulumi/azure-native/monitor';
import * as operationalinsights from '@pulumi/azure-native/operationalinsights';
import * as resources from '@pulumi/azure-native/resources';
import * as servicebus from '@pulumi/azure-native/servicebus';
import type * as storage from '@pulumi/azure-native/storage';
import { InvalidOptionError, type Topology, type TopologyIssue } from '../../contracts';
import { accountName, nameProblem, resourceName } from './names';
import { hardenedStorageAccount } from './stores';
import type { Tags } from './tags';
import { settingReader } from '../setting-reader';

/** The stack config keys Herald reads on Azure (besides `azure-native:location`). */
export const AZURE_CONFIG_KEYS = {
  /** An existing resource group to deploy into; when unset, Herald creates one. */
  resourceGroup: 'azureResourceGroup',
  /** `Standard` (default) or `Premium`. */
  serviceBusSku: 'azureServiceBusSku',
  /** Premium messaging units (1, 2, 4, 8 or 16). @default 1 */
  serviceBusCapacity: 'azureServiceBusCapacity',
  /** An existing action group's resource id every alert notifies. */
  actionGroupId: 'azureActionGroupId',
  /** An address Herald creates an action group for, when no action group id is given. */
  alertEmail: 'alertEmail',
} as const;

/**
 * Service Bus tiers Herald deploys: Basic has no topics, sessions or duplicate detection.
 * @see https://learn.microsoft.com/azure/service-bus-messaging/service-bus-messaging-overview#compare-tiers
 */
export const SERVICE_BUS_SKUS = ['Standard', 'Premium'] as const;
export const PREMIUM_MESSAGING_UNITS = [1, 2, 4, 8, 16] as const;

/**
 * Event Hubs tier: Standard (Basic keeps one day and has one consumer group).
 * @see https://learn.microsoft.com/azure/event-hubs/event-hubs-quotas
 */
export const EVENT_HUBS_SKU = 'Standard';

/** Log retention of the workspace, days (the free tier of Log Analytics keeps 31). */
export const LOG_RETENTION_DAYS = 30;

export interface AzureSettings {
  readonly location: string;
  readonly resourceGroup?: string;
  readonly serviceBusSku: (typeof SERVICE_BUS_SKUS)[number];
  readonly serviceBusCapacity?: number;
  readonly actionGroupId?: string;
  readonly alertEmail?: string;
}

/** The stack's Azure settings, or every problem with them (field = the config key). Pure. */
export function parseAzureConfig(get: (key: string) => string | undefined, location: string | undefined): { settings?: AzureSettings; issues: TopologyIssue[] } {
  const issues: TopologyIssue[] = [];
  const k = AZURE_CONFIG_KEYS;
  if (!location) issues.push(new InvalidOptionError('azure-native:location', 'is not set; run `pulumi config set azure-native:location <region>`'));
  const rg = get(k.resourceGroup);
  if (rg !== undefined) {
    const problem = nameProblem('resourceGroup', rg);
    if (problem) issues.push(new InvalidOptionError(`herald:${k.resourceGroup}`, problem));
  }
  const sku = get(k.serviceBusSku) ?? 'Standard';
  if (!(SERVICE_BUS_SKUS as readonly string[]).includes(sku)) {
    issues.push(new InvalidOptionError(`herald:${k.serviceBusSku}`, `"${sku}" is not one of ${SERVICE_BUS_SKUS.join(', ')} (Basic has no topics, sessions or duplicate detection)`));
  }
  const capacityText = get(k.serviceBusCapacity);
  const capacity = capacityText === undefined ? undefined : Number(capacityText);
  if (capacity !== undefined && !(PREMIUM_MESSAGING_UNITS as readonly number[]).includes(capacity)) {
    issues.push(new InvalidOptionError(`herald:${k.serviceBusCapacity}`, `"${capacityText}" is not one of ${PREMIUM_MESSAGING_UNITS.join(', ')} messaging units`));
  } else if (capacity !== undefined && sku !== 'Premium') {
    issues.push(new InvalidOptionError(`herald:${k.serviceBusCapacity}`, 'messaging units apply to the Premium tier only'));
  }
  const actionGroupId = get(k.actionGroupId);
  if (actionGroupId !== undefined && !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/microsoft\.insights\/actionGroups\/[^/]+$/i.test(actionGroupId)) {
    issues.push(new InvalidOptionError(`herald:${k.actionGroupId}`, `"${actionGroupId}" is not an action group resource id`));
  }
  const alertEmail = get(k.alertEmail);
  if (alertEmail !== undefined && !/^[^@\s]+@[^@\s]+$/.test(alertEmail)) issues.push(new InvalidOptionError(`herald:${k.alertEmail}`, `"${alertEmail}" is not an email address`));
  if (issues.length || !location) return { issues };
  return {
    issues,
    settings: {
      location, serviceBusSku: sku as AzureSettings['serviceBusSku'],
      ...(rg !== undefined ? { resourceGroup: rg } : {}),
      ...(sku === 'Premium' ? { serviceBusCapacity: capacity ?? 1 } : {}),
      ...(actionGroupId !== undefined ? { actionGroupId } : {}),
      ...(alertEmail !== undefined ? { alertEmail } : {}),
    },
  };
}

/** The stack's Azure settings from Pulumi config. @throws Error listing every problem. */
export function readAzureSettings(): AzureSettings {
  const { settings, issues } = parseAzureConfig(settingReader(), new pulumi.Config('azure-native').get('location'));
  if (!settings) throw new Error(issues.map((i) => i.message).join('; '));
  return settings;
}

/** Which namespaces a topology needs. */
export function brokersNeeded(t: Topology): { serviceBus: boolean; eventHubs: boolean } {
  return { serviceBus: t.queues.length + t.topics.length > 0, eventHubs: t.streams.length > 0 };
}

export interface AzureFoundationArgs {
  readonly topology: Topology;
  readonly settings: AzureSettings;
  /** `<project>/<stack>`: makes hashed account names differ between stacks. */
  readonly scope: string;
  readonly tags: Tags;
}

/** `herald:azure:Foundation`: the resource group, namespaces, shared storage, monitoring and alert routing. */
export class AzureFoundation extends pulumi.ComponentResource {
  readonly location: string;
  readonly resourceGroupName: pulumi.Output<string>;
  /** Created here unless the stack names an existing group. */
  readonly resourceGroup?: resources.ResourceGroup;
  readonly serviceBus?: servicebus.Namespace;
  readonly eventHubs?: eventhub.Namespace;
  /** Function packages (a container per app), Functions host state, Event Grid dead letters. */
  readonly storage: storage.StorageAccount;
  readonly workspace: operationalinsights.Workspace;
  readonly appInsights: applicationinsights.Component;
  readonly actionGroup?: monitor.ActionGroup;
  /** The action group every alert notifies, if any. */
  readonly actionGroupId?: pulumi.Input<string>;
  /** `<project>/<stack>`, for hashed account names of later kinds. */
  readonly scope: string;
  readonly outputs: Readonly<Record<string, pulumi.Input<string>>>;

  constructor(name: string, args: AzureFoundationArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:azure:Foundation', name, {}, opts);
    const { settings, tags } = args;
    const parent = { parent: this };
    this.location = settings.location;
    this.scope = args.scope;
    if (settings.resourceGroup !== undefined) {
      this.resourceGroupName = pulumi.output(settings.resourceGroup);
    } else {
      this.resourceGroup = new resources.ResourceGroup(resourceName('resourceGroup', name), { location: this.location, tags }, parent);
      this.resourceGroupName = this.resourceGroup.name;
    }
    const rg = { resourceGroupName: this.resourceGroupName, location: this.location };
    const needs = brokersNeeded(args.topology);
    if (needs.serviceBus) {
      this.serviceBus = new servicebus.Namespace(resourceName('serviceBusNamespace', `${name}-sb`), {
        ...rg,
        sku: { name: settings.serviceBusSku, tier: settings.serviceBusSku, ...(settings.serviceBusCapacity ? { capacity: settings.serviceBusCapacity } : {}) },
        // Entra ID only: no SAS key can be leaked, every client authenticates with its identity.
        disableLocalAuth: true,
        minimumTlsVersion: '1.2',
        tags,
      }, parent);
    }
    if (needs.eventHubs) {
      this.eventHubs = new eventhub.Namespace(resourceName('eventHubsNamespace', `${name}-eh`), {
        ...rg,
        sku: { name: EVENT_HUBS_SKU, tier: EVENT_HUBS_SKU, capacity: 1 },
        disableLocalAuth: true,
        minimumTlsVersion: '1.2',
        tags,
      }, parent);
    }
    // Pulumi uploads function packages with the account key (pulumi/pulumi-azure-native#2015), so this
    // one account keeps shared-key access; apps and Event Grid still reach it with their identities only.
    this.storage = hardenedStorageAccount(`${name}-storage`, {
      ...rg, accountName: accountName('storageAccount', args.scope, `${name}fn`), tags, allowSharedKeyAccess: true,
    }, this);
    this.workspace = new operationalinsights.Workspace(resourceName('logAnalyticsWorkspace', `${name}-logs`), {
      ...rg, sku: { name: 'PerGB2018' }, retentionInDays: LOG_RETENTION_DAYS, tags,
    }, parent);
    this.appInsights = new applicationinsights.Component(resourceName('appInsights', `${name}-insights`), {
      ...rg,
      kind: 'web',
      applicationType: 'web',
      workspaceResourceId: this.workspace.id,
      ingestionMode: 'LogAnalytics',
      // Telemetry only from identities holding Monitoring Metrics Publisher: the connection string alone writes nothing.
      disableLocalAuth: true,
      tags,
    }, parent);
    if (settings.actionGroupId !== undefined) {
      this.actionGroupId = settings.actionGroupId;
    } else if (settings.alertEmail !== undefined) {
      this.actionGroup = new monitor.ActionGroup(resourceName('actionGroup', `${name}-alerts`), {
        resourceGroupName: this.resourceGroupName,
        location: 'global',
        enabled: true,
        // At most 12 characters: shown as the sender of notifications.
        groupShortName: 'herald',
        emailReceivers: [{ name: 'herald-alerts', emailAddress: settings.alertEmail, useCommonAlertSchema: true }],
        tags,
      }, parent);
      this.actionGroupId = this.actionGroup.id;
    }
    this.outputs = {
      resourceGroup: this.resourceGroupName,
      location: this.location,
      storageAccount: this.storage.name,
      appInsights: this.appInsights.name,
      ...(this.serviceBus ? { serviceBusNamespace: this.serviceBus.name } : {}),
      ...(this.eventHubs ? { eventHubsNamespace: this.eventHubs.name } : {}),
    };
    this.registerOutputs(this.outputs);
  }
}
