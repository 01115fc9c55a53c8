/** The Kafka mock target `herald plan --cloud kafka` runs on: located by its brokers, ids as the Terraform Kafka provider reports them. */
import { expect } from 'chai';
import { kafkaMockCloud, kafkaMockTarget } from '../../../providers/kafka/mocks';

describe('kafka mock target', () => {
  it('needs herald:kafkaBrokers and says the stack goes to those brokers', () => {
    expect(kafkaMockTarget.requiredConfig).to.deep.equal(['herald:kafkaBrokers']);
    expect(kafkaMockTarget.forStack({ 'herald:kafkaBrokers': 'k1:9092,k2:9092' }).location).to.deep.equal({ brokers: 'k1:9092,k2:9092' });
  });

  it('ids a topic by its name and an ACL by its import form, and knows nothing else', () => {
    const cloud = kafkaMockCloud('k:9092');
    expect(cloud.report({ type: 'kafka:index/topic:Topic', name: 'shop', urn: 'u', inputs: { name: 'a.b.bus.shop' } })).to.deep.equal({ id: 'a.b.bus.shop', state: {} });
    const acl = { aclPrincipal: 'User:a.b.f', aclHost: '*', aclOperation: 'Read', aclPermissionType: 'Allow', aclResourceType: 'Group', aclResourceName: 'a.b.group.s', resourcePatternTypeFilter: 'Literal' };
    expect(cloud.report({ type: 'kafka:index/acl:Acl', name: 'x', urn: 'u', inputs: acl }).id).to.equal('User:a.b.f|*|Read|Allow|Group|a.b.group.s|Literal');
    expect(cloud.report({ type: 'aws:sqs/queue:Queue', name: 'q', urn: 'u', inputs: {} })).to.deep.equal({ state: {} });
    expect(cloud.calls).to.deep.equal({});
  });
});
