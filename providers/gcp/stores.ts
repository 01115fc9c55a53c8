/**
 * The shared stores, one per topology:
 * - a Firestore database (native mode, in the stack's region, point-in-time recovery on, delete
 *   protection on, kept when the stack is destroyed: tables keep user data in it too). The runtime claims
 *   each event id in the idempotency collection with `create()`, which fails when the id exists; a TTL
 *   policy on the expiry field lets Firestore delete old claims (not indexed: a TTL field that is indexed
 *   makes a hotspot of monotonically growing timestamps);
 * - a private bucket for the claim check (data over the event size limit travels as `dataref`), whose
 *   objects expire a day after the longest time a dead letter is kept, so a republished event finds them.
 * @see https://cloud.google.com/firestore/docs/ttl
 * @see https://cloud.google.com/storage/docs/lifecycle
 */
import * as pulumi from '@pulumi/pulumi';
import * as firestore from '@pulumi/gcp/firestore';
import type * as storage from '@pulumi/gcp/storage';
import { privateBucket } from './foundation';
import type { Labels } from './labels';
import { SUBSCRIPTION_RETENTION_SECONDS } from './limits';
import { physicalName } from './names';

/** The idempotency collection and its expiry field, shared with the runtime's Firestore store. */
export const IDEMPOTENCY_STORE = { collection: 'herald-idempotency', expiryField: 'expiresAt' } as const;

/** Claim-check objects outlive the longest dead-letter retention (31 days) by a day. */
export const CLAIM_CHECK_RETENTION_DAYS = SUBSCRIPTION_RETENTION_SECONDS.max / 86_400 + 1;

/** The stack's Firestore database id: `<app>-<stack>`, made to fit 4–63 characters. */
export function databaseId(prefix: string): string {
  const id = prefix.length < 4 ? `${prefix}-db` : prefix.slice(0, 63).replace(/-+$/, '');
  return physicalName('firestoreDatabase', id);
}

export interface GcpStoresArgs {
  readonly prefix: string;
  readonly region: string;
  readonly labels: Labels;
}

/** `herald:gcp:Stores`: the Firestore database (idempotency, tables) and the claim-check bucket. */
export class GcpStores extends pulumi.ComponentResource {
  readonly database: firestore.Database;
  readonly idempotencyTtl: firestore.Field;
  readonly claimCheckBucket: storage.Bucket;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: GcpStoresArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:gcp:Stores', name, {}, opts);
    this.database = new firestore.Database(`${name}-database`, {
      name: databaseId(args.prefix),
      locationId: args.region,
      type: 'FIRESTORE_NATIVE',
      pointInTimeRecoveryEnablement: 'POINT_IN_TIME_RECOVERY_ENABLED',
      deleteProtectionState: 'DELETE_PROTECTION_ENABLED',
      // Tables keep user data here: `pulumi destroy` leaves the database (delete it by hand when meant).
      deletionPolicy: 'ABANDON',
    }, { parent: this });
    this.idempotencyTtl = new firestore.Field(`${name}-idempotency-ttl`, {
      database: this.database.name,
      collection: IDEMPOTENCY_STORE.collection,
      field: IDEMPOTENCY_STORE.expiryField,
      ttlConfig: {},
      // No single-field indexes on the TTL field.
      indexConfig: {},
    }, { parent: this });
    this.claimCheckBucket = privateBucket(`${name}-claim-check`, {
      location: args.region, labels: args.labels,
      extra: { lifecycleRules: [{ action: { type: 'Delete' }, condition: { age: CLAIM_CHECK_RETENTION_DAYS } }] },
    }, { parent: this });
    this.outputs = { database: this.database.name, idempotencyCollection: pulumi.output(IDEMPOTENCY_STORE.collection), claimCheckBucket: this.claimCheckBucket.name };
    this.registerOutputs(this.outputs);
  }
}
