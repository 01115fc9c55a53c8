/** GCP name rules as data, auto-name room, service account ids, filter-hashed push subscription names. */
import { expect } from 'chai';
import { AUTONAME_SUFFIX_LENGTH, NAME_RULES, physicalName, pushSubscriptionName, resourceName, serviceAccountId, stackPrefix } from '../../../providers/gcp/names';

describe('gcp names', () => {
  it('keeps a name that fits with Pulumi\'s suffix, and hashes one that does not, within the rule', () => {
    expect(resourceName('cloudFunction', 'charge-payment')).to.equal('charge-payment');
    const long = resourceName('cloudFunction', `f${'-x'.repeat(40)}`);
    expect(long.length).to.be.at.most(NAME_RULES.cloudFunction.maxLength - AUTONAME_SUFFIX_LENGTH);
    expect(long).to.match(/^f-x.*-[0-9a-f]{8}$/);
    expect(resourceName('cloudFunction', `f${'-x'.repeat(40)}`)).to.equal(long);
    expect(resourceName('cloudFunction', `f${'-y'.repeat(40)}`)).not.to.equal(long);
    expect(() => resourceName('cloudFunction', 'Upper')).to.throw(RangeError, /cloudFunction name .*cloud\.google\.com/);
  });

  it('makes service account ids of 6–30 characters that start with a letter, distinct per purpose', () => {
    const a = serviceAccountId('shop-dev/fn/charge-payment', 'charge-payment');
    expect(a).to.match(/^charge-payment-[0-9a-f]{6}$/);
    const b = serviceAccountId('shop-prod/fn/charge-payment', 'charge-payment');
    expect(b).not.to.equal(a);
    const long = serviceAccountId('x', 'a-very-long-function-name-that-goes-on-push');
    expect(long.length).to.be.at.most(30);
    expect(() => physicalName('serviceAccount', long)).not.to.throw();
    expect(serviceAccountId('x', '9-lives')).to.match(/^lives-[0-9a-f]{6}$/);
  });

  it('ends a push subscription\'s name with its filter\'s hash: a new filter is a new name', () => {
    const a = pushSubscriptionName('shop-dev', 'thumb-shop', 'attributes.ce-type = "A"');
    expect(a).to.match(/^shop-dev-thumb-shop-[0-9a-f]{8}$/);
    expect(pushSubscriptionName('shop-dev', 'thumb-shop', 'attributes.ce-type = "A"')).to.equal(a);
    expect(pushSubscriptionName('shop-dev', 'thumb-shop', 'attributes.ce-type = "B"')).not.to.equal(a);
    expect(pushSubscriptionName('p', 'x'.repeat(300), '').length).to.equal(255);
  });

  it('prefixes names in the project\'s namespace with the app and stack, lower-cased', () => {
    expect(stackPrefix('shop', 'Dev_GCP')).to.equal('shop-dev-gcp');
  });
});
