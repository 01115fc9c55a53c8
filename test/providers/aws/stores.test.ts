/** The shared stores: the idempotency table (TTL) and the private claim-check bucket (expiring objects). */
import { expect } from 'chai';
import { topology } from '../../../contracts';
import { CLAIM_CHECK_RETENTION_DAYS, IDEMPOTENCY_TABLE } from '../../../providers/aws/stores';
import { findResource, inventoryOf, realizeOnAws } from '../../helpers/pulumi-mocks';

describe('aws stores', () => {
  before(async () => {
    const t = topology('st');
    t.bus('shop');
    await realizeOnAws(t.build());
  });

  it('creates exactly the idempotency table and the claim-check bucket with its guards', () => {
    expect(inventoryOf(findResource('herald:aws:Stores', 'st'))).to.deep.equal({
      'aws:dynamodb/table:Table': 1,
      'aws:s3/bucket:Bucket': 1,
      'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock': 1,
      'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration': 1,
    });
  });

  it('keys the idempotency table by id, on demand, with items expiring through TTL', () => {
    expect(findResource('aws:dynamodb/table:Table', 'st-idempotency').inputs).to.deep.include({
      hashKey: 'id', billingMode: 'PAY_PER_REQUEST', attributes: [{ name: 'id', type: 'S' }],
      ttl: { attributeName: 'expiresAt', enabled: true },
    });
    expect(IDEMPOTENCY_TABLE).to.deep.equal({ partitionKey: 'id', ttlAttribute: 'expiresAt' });
  });

  it('expires claim-checked data a day after the longest a dead letter waits', () => {
    expect(CLAIM_CHECK_RETENTION_DAYS).to.equal(15);
    const lifecycle = findResource('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', 'st-claim-check-expiry').inputs;
    expect(lifecycle.bucket).to.equal(findResource('aws:s3/bucket:Bucket', 'st-claim-check').id);
    expect(lifecycle.rules).to.deep.equal([{ id: 'expire-claim-checks', status: 'Enabled', filter: {}, expiration: { days: 15 } }]);
  });
});
