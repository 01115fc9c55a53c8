/** Least privilege: every ACL names one topic or group literally (the claims readers' groups by prefix), and a principal writes only where its function publishes or settles. */
import { expect } from 'chai';
import { shop } from '../../../app/topology';
import { deliveryPlan } from '../../../contracts';
import { grantsOf, publishTopicsOf } from '../../../providers/kafka/acl';
import { KAFKA_DELIVERY } from '../../../providers/kafka/delivery';
import { kafkaNames } from '../../../providers/kafka/topics';
import { realizeOnKafka, topicsByName } from '../../helpers/kafka-mocks';
import { resourcesOf, type RecordedResource } from '../../helpers/pulumi-mocks';

const names = kafkaNames('shop', 'test');
const plan = deliveryPlan(shop, KAFKA_DELIVERY);
const fnOf = (name: string) => shop.functions.find((f) => f.name === name)!;

describe('kafka acls', () => {
  let acls: RecordedResource[];
  let topics: Set<string>;
  before(async () => {
    await realizeOnKafka(shop);
    acls = resourcesOf('kafka:index/acl:Acl');
    topics = new Set(topicsByName().keys());
  });

  it('allow one literal resource per ACL: no wildcard, no All or Any operation, no Deny; a prefix only for the claims readers\' groups', () => {
    expect(acls.length).to.be.greaterThan(50);
    for (const a of acls) {
      expect(a.inputs.aclResourceName, a.name).not.to.contain('*');
      if (a.inputs.resourcePatternTypeFilter === 'Prefixed') expect(a.inputs, a.name).to.include({ aclResourceType: 'Group', aclResourceName: 'shop.test.claims.reader.', aclOperation: 'Read' });
      else expect(a.inputs.resourcePatternTypeFilter, a.name).to.equal('Literal');
      expect(a.inputs.aclOperation, a.name).to.be.oneOf(['Read', 'Write']);
      expect(a.inputs.aclPermissionType, a.name).to.equal('Allow');
      expect(a.inputs.aclResourceType, a.name).to.be.oneOf(['Topic', 'Group']);
    }
  });

  it('name only topics the deploy declares, and only the groups of the function\'s own subscriptions', () => {
    for (const a of acls.filter((x) => x.inputs.aclResourceType === 'Topic')) expect(topics.has(a.inputs.aclResourceName), a.name).to.equal(true);
    for (const fn of shop.functions) {
      const groups = acls.filter((a) => a.inputs.aclPrincipal === names.principal(fn.name) && a.inputs.aclResourceType === 'Group' && a.inputs.resourcePatternTypeFilter === 'Literal').map((a) => a.inputs.aclResourceName);
      expect(groups.sort(), fn.name).to.deep.equal(plan.channelsOf(fn.name).map((c) => names.group(c)).sort());
    }
  });

  it("let each function's principal write only where it publishes, retries, dead-letters, records outcomes and claims", () => {
    for (const fn of shop.functions) {
      const channels = plan.channelsOf(fn.name);
      const allowed = new Set([
        ...publishTopicsOf(names, fn, plan), ...channels.map((c) => names.retry(c)), ...channels.map((c) => names.deadLetter(c)), names.outcomes, names.claims,
      ]);
      const writes = acls.filter((a) => a.inputs.aclPrincipal === names.principal(fn.name) && a.inputs.aclOperation === 'Write').map((a) => a.inputs.aclResourceName);
      expect(new Set(writes), fn.name).to.deep.equal(allowed);
    }
    // charge-payment publishes to the bus; confirm-order to the order-notifications topic; send-confirmation nowhere.
    const writers = (topic: string) => acls.filter((a) => a.inputs.aclOperation === 'Write' && a.inputs.aclResourceName === topic).map((a) => a.inputs.aclPrincipal);
    expect(writers(names.bus('shop'))).to.deep.equal([names.principal('charge-payment')]);
    expect(writers(names.topic('order-notifications'))).to.deep.equal([names.principal('confirm-order')]);
    // Routing at publish: charge-payment's PaymentReceived and PaymentFailed are appended to the order-audit stream,
    // confirm-order's OrderConfirmed to each subscriber's own queue; the payments queue takes OrderPlaced, which neither publishes.
    expect(writers(names.stream('order-audit'))).to.deep.equal([names.principal('charge-payment')]);
    expect(writers(names.queue('order-notifications-notify-warehouse-order-notifications'))).to.deep.equal([names.principal('confirm-order')]);
    expect(writers(names.queue('payments'))).to.deep.equal([]);
  });

  it("let each function's principal read only its sources, its retry topics and the claims", () => {
    for (const fn of shop.functions) {
      const channels = plan.channelsOf(fn.name);
      const allowed = new Set([...channels.map((c) => names.source(c)), ...channels.map((c) => names.retry(c)), names.claims]);
      const reads = acls.filter((a) => a.inputs.aclPrincipal === names.principal(fn.name) && a.inputs.aclOperation === 'Read' && a.inputs.aclResourceType === 'Topic');
      expect(new Set(reads.map((a) => a.inputs.aclResourceName)), fn.name).to.deep.equal(allowed);
    }
  });

  it('grant each (operation, resource) once, and only the groups of the function\'s own channels', () => {
    const grants = grantsOf(names, fnOf('charge-payment'), plan);
    expect(new Set(grants.map((g) => `${g.operation}|${g.resourceType}|${g.resourceName}`)).size).to.equal(grants.length);
    expect(grants).to.deep.include({ resourceType: 'Group', resourceName: 'shop.test.group.charge-payment-shop', operation: 'Read', pattern: 'Literal' });
    expect(grants.filter((g) => g.resourceType === 'Group').map((g) => g.resourceName)).to.deep.equal(['shop.test.claims.reader.', 'shop.test.group.charge-payment-shop']);
  });
});
