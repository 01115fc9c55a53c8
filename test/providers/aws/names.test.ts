/** Physical-name rules: Pulumi names that leave room for auto-naming, hashed when too long, charset checked. */
import { expect } from 'chai';
import { AUTONAME_SUFFIX_LENGTH, NAME_RULES, physicalName, resourceName } from '../../../providers/aws/names';

describe('aws names', () => {
  it('keeps a name that fits with the random suffix', () => {
    expect(resourceName('eventRule', 'charge-payment-shop')).to.equal('charge-payment-shop');
  });

  it('shortens a long name to fit, with a hash so two long names never collide', () => {
    const a = resourceName('eventRule', `${'a'.repeat(40)}-${'b'.repeat(40)}`);
    const b = resourceName('eventRule', `${'a'.repeat(40)}-${'b'.repeat(39)}c`);
    expect(a.length + AUTONAME_SUFFIX_LENGTH).to.equal(NAME_RULES.eventRule.maxLength);
    expect(a).to.match(/^a{40}-b{6}-[0-9a-f]{8}$/);
    expect(a).not.to.equal(b);
  });

  it('leaves room for .fifo on FIFO queues', () => {
    const name = resourceName('sqsQueue', 'q'.repeat(80), { fifo: true });
    expect(name.length + AUTONAME_SUFFIX_LENGTH + '.fifo'.length).to.equal(80);
  });

  it('refuses characters the resource forbids, naming the rule\'s doc', () => {
    expect(() => resourceName('s3Bucket', 'Media_Uploads')).to.throw(RangeError, /bucketnamingrules/);
    expect(() => physicalName('logGroup', '/herald/x y')).to.throw(RangeError, /CreateLogGroup/);
    expect(physicalName('logGroup', '/herald/herald/dev/fn/charge')).to.equal('/herald/herald/dev/fn/charge');
  });

  it('documents every rule with a link', () => {
    for (const [name, rule] of Object.entries(NAME_RULES)) expect(rule.doc, name).to.match(/^https:\/\/docs\.aws\.amazon\.com\//);
  });
});
