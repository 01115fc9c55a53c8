/**
 * Physical-name rules of the GCP resources Herald names, as data with the doc each comes from, and the
 * functions that fit a logical name into them. Most resources are auto-named by Pulumi (a random suffix,
 * so a replacement never collides with the resource it replaces); the Pulumi name given must leave room
 * for that suffix. Three are named by Herald itself: service accounts (an account id is required and at
 * most 30 characters), push subscriptions (the name carries a hash of the filter, see below) and the
 * Firestore database.
 */
import { createHash } from 'node:crypto';
import { fitName, type NameRule } from '../names';

export type { NameRule };

/** Pulumi auto-naming appends `-` and 7 random characters. */
export const AUTONAME_SUFFIX_LENGTH = 8;

export const NAME_RULES = {
  pubsubTopic: { maxLength: 255, pattern: /^[A-Za-z][A-Za-z0-9._~+%-]{2,}$/, doc: 'https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names' },
  pubsubSubscription: { maxLength: 255, pattern: /^[A-Za-z][A-Za-z0-9._~+%-]{2,}$/, doc: 'https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names' },
  cloudFunction: { maxLength: 63, pattern: /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/, doc: 'https://cloud.google.com/functions/docs/reference/rest/v2/projects.locations.functions' },
  serviceAccount: { maxLength: 30, pattern: /^[a-z][-a-z0-9]{4,}[a-z0-9]$/, doc: 'https://cloud.google.com/iam/docs/service-accounts-create#creating' },
  storageBucket: { maxLength: 63, pattern: /^[a-z0-9][a-z0-9_.-]{1,}[a-z0-9]$/, doc: 'https://cloud.google.com/storage/docs/buckets#naming' },
  firestoreDatabase: { maxLength: 63, pattern: /^[a-z][a-z0-9-]{2,}[a-z0-9]$/, doc: 'https://cloud.google.com/firestore/docs/manage-databases#database_id' },
  schedulerJob: { maxLength: 500, pattern: /^[A-Za-z0-9_-]+$/, doc: 'https://cloud.google.com/scheduler/docs/reference/rest/v1/projects.locations.jobs' },
  eventarcTrigger: { maxLength: 63, pattern: /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/, doc: 'https://cloud.google.com/eventarc/docs/reference/rest/v1/projects.locations.triggers' },
  secret: { maxLength: 255, pattern: /^[A-Za-z0-9_-]+$/, doc: 'https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets' },
  artifactRepository: { maxLength: 63, pattern: /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/, doc: 'https://cloud.google.com/artifact-registry/docs/repositories/create-repos' },
} as const satisfies Record<string, NameRule>;

export type NamedResource = keyof typeof NAME_RULES;

const sha = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

/**
 * The Pulumi name for an auto-named resource: `base` when it fits with the random suffix, else a prefix
 * of it plus a hash of the whole, so two long names never collide.
 * @throws RangeError when `base` has a character the resource's name rule forbids.
 */
export function resourceName(rule: NamedResource, base: string): string {
  return fitName(rule, NAME_RULES[rule], base, AUTONAME_SUFFIX_LENGTH);
}

/**
 * A service account id (6–30 characters): the readable part of `purpose` cut to fit, then a hash of the
 * whole purpose (which names the app and the stack), so accounts of two stacks in one project never collide.
 */
export function serviceAccountId(purpose: string, readable: string): string {
  const hash = sha(purpose, 6);
  const slug = readable.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').slice(0, NAME_RULES.serviceAccount.maxLength - hash.length - 1).replace(/-+$/, '');
  return `${slug || 'herald'}-${hash}`;
}

/** Characters of the filter hash a push subscription's name ends with. */
export const FILTER_HASH_LENGTH = 8;

/**
 * A push subscription's name: `<prefix>-<subscription>-<hash of its filter>`. Pub/Sub cannot change a
 * subscription's filter, so a changed filter must be a new subscription; with the hash in the name,
 * Pulumi creates the new one before it deletes the old one (no name clash, no window without a
 * subscriber), and the old one's backlog is not carried over.
 * @see https://cloud.google.com/pubsub/docs/subscription-message-filter
 * @throws RangeError when the name breaks Pub/Sub's rule.
 */
export function pushSubscriptionName(prefix: string, subscription: string, filter: string): string {
  const hash = sha(filter, FILTER_HASH_LENGTH);
  const base = `${prefix}-${subscription}`;
  const room = NAME_RULES.pubsubSubscription.maxLength - hash.length - 1;
  return physicalName('pubsubSubscription', `${base.length <= room ? base : base.slice(0, room)}-${hash}`);
}

/**
 * An explicit physical name (for resources Herald names itself).
 * @throws RangeError when it breaks the rule.
 */
export function physicalName(rule: NamedResource, name: string): string {
  const { maxLength, pattern, doc } = NAME_RULES[rule];
  if (name.length > maxLength || !pattern.test(name)) throw new RangeError(`"${name}" is not a valid ${rule} name (≤ ${maxLength}, ${pattern}); see ${doc}`);
  return name;
}

/** The prefix of names that live in the project's one namespace: `<app>-<stack>`, lower-cased. */
export function stackPrefix(app: string, stack: string): string {
  return `${app}-${stack}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
}
