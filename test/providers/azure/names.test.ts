/** Azure naming rules as data: hashed account names, container names, auto-name room. */
import { expect } from 'chai';
import { accountName, AUTONAME_SUFFIX_LENGTH, containerName, eventSubscriptionName, nameProblem, NAME_RULES, physicalName, resourceName } from '../../../providers/azure/names';

describe('azure names', () => {
  it('hashes storage and Cosmos account names into their lower-case limits, differently per stack', () => {
    const a = accountName('storageAccount', 'herald/dev', 'shop-functions-and-more');
    expect(a).to.match(/^[a-z0-9]{3,24}$/);
    expect(a).to.have.length(24);
    expect(a.startsWith('shopfunctionsa')).to.equal(true);
    expect(accountName('storageAccount', 'herald/prod', 'shop-functions-and-more')).not.to.equal(a);
    expect(accountName('storageAccount', 'herald/dev', 'shop-functions-and-more')).to.equal(a);
    expect(accountName('cosmosAccount', 'herald/dev', 'customers')).to.match(/^customers[0-9a-f]{10}$/);
  });

  it('fits container names to 3–63 lower-case characters with single hyphens', () => {
    expect(containerName('fn', 'charge-payment', 'dead-letters')).to.equal('fn-charge-payment-dead-letters');
    expect(containerName('ab')).to.equal('ab-hd');
    const long = containerName('x'.repeat(80));
    expect(long).to.have.length.at.most(63);
    expect(nameProblem('blobContainer', long)).to.equal(undefined);
    expect(nameProblem('blobContainer', 'a--b')).to.match(/not a valid blobContainer name/);
  });

  it('leaves room for the auto-name suffix, hashing what does not fit', () => {
    expect(resourceName('functionApp', 'charge-payment')).to.equal('charge-payment');
    const long = resourceName('functionApp', 'a'.repeat(70));
    expect(long.length).to.be.at.most(NAME_RULES.functionApp.maxLength - AUTONAME_SUFFIX_LENGTH);
    expect(() => resourceName('serviceBusNamespace', 'bad_name!')).to.throw(RangeError, /not a valid serviceBusNamespace name/);
  });

  it('checks names Herald sets itself, and fits Event Grid subscription names', () => {
    expect(physicalName('serviceBusEntity', 'payments')).to.equal('payments');
    expect(() => physicalName('serviceBusSubscription', 'x'.repeat(51))).to.throw(RangeError, /1–50 characters/);
    expect(eventSubscriptionName('ab')).to.equal('ab-sub');
    expect(eventSubscriptionName('y'.repeat(70))).to.have.length(64);
  });
});
