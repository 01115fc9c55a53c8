/** stores → the Firestore database with the idempotency TTL policy, and the private claim-check bucket with expiry. */
import { expect } from 'chai';
import { OrderPlaced } from '../../../app/events';
import { topology } from '../../../contracts';
import { EXPIRY_FIELD } from '../../../providers/gcp/runtime/idempotency';
import { CLAIM_CHECK_RETENTION_DAYS, databaseId, IDEMPOTENCY_STORE } from '../../../providers/gcp/stores';
import { realizeOnGcp } from '../../helpers/gcp-mocks';
import { findResource, inventoryOf } from '../../helpers/pulumi-mocks';

describe('gcp stores', () => {
  const t = topology('st');
  t.fn('audit', { handler: 'functions/audit-orders.ts' }).subscribe(t.bus('shop'), { events: [OrderPlaced] });
  const app = t.build();

  it('is a native-mode database in the region with recovery and delete protection, its TTL policy, and the claim-check bucket', async () => {
    await realizeOnGcp(app);
    expect(inventoryOf(findResource('herald:gcp:Stores', 'st'))).to.deep.equal({
      'gcp:firestore/database:Database': 1, 'gcp:firestore/field:Field': 1, 'gcp:storage/bucket:Bucket': 1,
    });
    expect(findResource('gcp:firestore/database:Database', 'st-database').inputs).to.deep.equal({
      name: 'st-test', locationId: 'europe-west1', type: 'FIRESTORE_NATIVE', pointInTimeRecoveryEnablement: 'POINT_IN_TIME_RECOVERY_ENABLED',
      deleteProtectionState: 'DELETE_PROTECTION_ENABLED', deletionPolicy: 'ABANDON',
    });
  });

  it('expires idempotency claims by TTL on the field the runtime writes, unindexed', async () => {
    await realizeOnGcp(app);
    expect(IDEMPOTENCY_STORE.expiryField).to.equal(EXPIRY_FIELD);
    expect(findResource('gcp:firestore/field:Field', 'st-idempotency-ttl').inputs).to.deep.equal({
      database: 'st-test', collection: IDEMPOTENCY_STORE.collection, field: 'expiresAt', ttlConfig: {}, indexConfig: {},
    });
  });

  it('keeps claim-checked data private, and a day longer than any dead letter', async () => {
    await realizeOnGcp(app);
    expect(findResource('gcp:storage/bucket:Bucket', 'st-claim-check').inputs).to.deep.include({
      uniformBucketLevelAccess: true, publicAccessPrevention: 'enforced',
      lifecycleRules: [{ action: { type: 'Delete' }, condition: { age: CLAIM_CHECK_RETENTION_DAYS } }],
    });
    expect(CLAIM_CHECK_RETENTION_DAYS).to.equal(32);
  });

  it('fits the database id to Firestore\'s 4–63 characters', () => {
    expect(databaseId('a-b')).to.equal('a-b-db');
    expect(databaseId(`x${'-y'.repeat(40)}`)).to.have.length.at.most(63).and.match(/[a-z0-9]$/);
    expect(() => databaseId('9lives')).to.throw(RangeError, /firestoreDatabase/);
  });
});
