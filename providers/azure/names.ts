/**
 * Naming rules of the Azure resources Herald names, as data with the doc each comes from, and the
 * functions that fit a logical name into them. Entities inside a namespace, account or topic (queues,
 * topics, subscriptions, hubs, containers, tables) take their logical name as it is: it is unique there
 * and the runtime config reads it. Globally named resources (namespaces, apps, topics) are auto-named by
 * Pulumi (a random suffix, so replacements never collide); storage and Cosmos DB accounts, whose names
 * are short and lower-case only, get a name hashed from the project, stack and logical name.
 * @see https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
 */
import { createHash } from 'node:crypto';
import { fitName, type NameRule as Rule } from '../names';

/** Azure's rules also have a least length. */
export interface NameRule extends Rule {
  readonly minLength: number;
}

const RULES_DOC = 'https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules';

/** Pulumi auto-naming (azure-native) appends 8 random characters. */
export const AUTONAME_SUFFIX_LENGTH = 8;

export const NAME_RULES = {
  resourceGroup: { minLength: 1, maxLength: 90, pattern: /^[-\w.()]*[-\w()]$/, doc: `${RULES_DOC}#microsoftresources` },
  serviceBusNamespace: { minLength: 6, maxLength: 50, pattern: /^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$/, doc: `${RULES_DOC}#microsoftservicebus` },
  serviceBusEntity: { minLength: 1, maxLength: 260, pattern: /^[a-zA-Z0-9](?:[\w.-]*[a-zA-Z0-9])?$/, doc: `${RULES_DOC}#microsoftservicebus` },
  serviceBusSubscription: { minLength: 1, maxLength: 50, pattern: /^[a-zA-Z0-9](?:[\w.-]*[a-zA-Z0-9])?$/, doc: `${RULES_DOC}#microsoftservicebus` },
  eventHubsNamespace: { minLength: 6, maxLength: 50, pattern: /^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$/, doc: `${RULES_DOC}#microsofteventhub` },
  eventHub: { minLength: 1, maxLength: 256, pattern: /^[a-zA-Z0-9](?:[\w.-]*[a-zA-Z0-9])?$/, doc: `${RULES_DOC}#microsofteventhub` },
  consumerGroup: { minLength: 1, maxLength: 50, pattern: /^[a-zA-Z0-9](?:[\w.-]*[a-zA-Z0-9])?$/, doc: `${RULES_DOC}#microsofteventhub` },
  eventGridTopic: { minLength: 3, maxLength: 50, pattern: /^[a-zA-Z0-9-]+$/, doc: `${RULES_DOC}#microsofteventgrid` },
  eventGridSubscription: { minLength: 3, maxLength: 64, pattern: /^[a-zA-Z0-9-]+$/, doc: `${RULES_DOC}#microsofteventgrid` },
  systemTopic: { minLength: 3, maxLength: 128, pattern: /^[a-zA-Z0-9-]+$/, doc: `${RULES_DOC}#microsofteventgrid` },
  storageAccount: { minLength: 3, maxLength: 24, pattern: /^[a-z0-9]+$/, doc: `${RULES_DOC}#microsoftstorage` },
  blobContainer: { minLength: 3, maxLength: 63, pattern: /^[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$/, doc: `${RULES_DOC}#microsoftstorage` },
  storageTable: { minLength: 3, maxLength: 63, pattern: /^[A-Za-z][A-Za-z0-9]*$/, doc: `${RULES_DOC}#microsoftstorage` },
  functionApp: { minLength: 2, maxLength: 60, pattern: /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/, doc: `${RULES_DOC}#microsoftweb` },
  appServicePlan: { minLength: 1, maxLength: 60, pattern: /^[a-zA-Z0-9-]+$/, doc: `${RULES_DOC}#microsoftweb` },
  userAssignedIdentity: { minLength: 3, maxLength: 128, pattern: /^[a-zA-Z0-9][\w-]*$/, doc: `${RULES_DOC}#microsoftmanagedidentity` },
  keyVault: { minLength: 3, maxLength: 24, pattern: /^[a-zA-Z](?:[a-zA-Z0-9]|-(?!-))*[a-zA-Z0-9]$/, doc: `${RULES_DOC}#microsoftkeyvault` },
  keyVaultSecret: { minLength: 1, maxLength: 127, pattern: /^[a-zA-Z0-9-]+$/, doc: `${RULES_DOC}#microsoftkeyvault` },
  cosmosAccount: { minLength: 3, maxLength: 44, pattern: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, doc: `${RULES_DOC}#microsoftdocumentdb` },
  logAnalyticsWorkspace: { minLength: 4, maxLength: 63, pattern: /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/, doc: `${RULES_DOC}#microsoftoperationalinsights` },
  appInsights: { minLength: 1, maxLength: 255, pattern: /^[^%&\\?/]+$/, doc: `${RULES_DOC}#microsoftinsights` },
  metricAlert: { minLength: 1, maxLength: 260, pattern: /^[^*#&+:<>?@%{}\\/]+$/, doc: `${RULES_DOC}#microsoftinsights` },
  actionGroup: { minLength: 1, maxLength: 260, pattern: /^[^*#&+:<>?@%{}\\/]+$/, doc: `${RULES_DOC}#microsoftinsights` },
} as const satisfies Record<string, NameRule>;

export type NamedResource = keyof typeof NAME_RULES;

const sha = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

/** Why `name` breaks the rule, or undefined when it fits. */
export function nameProblem(rule: NamedResource, name: string): string | undefined {
  const { minLength, maxLength, pattern, doc } = NAME_RULES[rule];
  if (name.length < minLength || name.length > maxLength || !pattern.test(name)) {
    return `"${name}" is not a valid ${rule} name (${minLength}–${maxLength} characters, ${pattern}); see ${doc}`;
  }
  return undefined;
}

/**
 * The Pulumi name of an auto-named resource: `base` when it fits with the random suffix, else a prefix
 * of it plus a hash of the whole, so two long names never collide.
 * @throws RangeError when `base` has a character the rule forbids.
 */
export function resourceName(rule: NamedResource, base: string): string {
  return fitName(rule, NAME_RULES[rule], base, AUTONAME_SUFFIX_LENGTH);
}

/**
 * A name Herald gives a resource itself (an entity inside a namespace or account).
 * @throws RangeError when it breaks the rule.
 */
export function physicalName(rule: NamedResource, name: string): string {
  const problem = nameProblem(rule, name);
  if (problem) throw new RangeError(problem);
  return name;
}

/**
 * A globally unique, lower-case alphanumeric name for a storage or Cosmos DB account: the letters and
 * digits of `base`, cut to leave room for a hash of the project, stack and `base`, so the same
 * declaration in two stacks never asks for the same name.
 */
export function accountName(rule: 'storageAccount' | 'cosmosAccount' | 'keyVault', scope: string, base: string): string {
  const { maxLength } = NAME_RULES[rule];
  // A letter first (Key Vault requires one; the others accept it).
  const readable = `${/^[a-z]/.test(base.toLowerCase()) ? '' : 'h'}${base.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
  const hash = sha(`${scope}/${base}`, 10);
  return physicalName(rule, `${readable.slice(0, maxLength - hash.length)}${hash}`);
}

/** A blob container name from a logical name and a suffix (lower-case, single hyphens, 3–63). */
export function containerName(...parts: string[]): string {
  const joined = parts.join('-').toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  const name = joined.length <= 63 ? joined : `${joined.slice(0, 54).replace(/-+$/, '')}-${sha(joined, 8)}`;
  return physicalName('blobContainer', name.length >= 3 ? name : `${name}-hd`);
}

/** An Event Grid event subscription name (3–64 letters, digits, hyphens). */
export function eventSubscriptionName(name: string): string {
  const clean = name.replace(/[^a-zA-Z0-9-]/g, '-');
  const fitted = clean.length <= 64 ? clean : `${clean.slice(0, 55)}-${sha(clean, 8)}`;
  return physicalName('eventGridSubscription', fitted.length >= 3 ? fitted : `${fitted}-sub`);
}
