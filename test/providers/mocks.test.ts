/** The mock engine: deterministic physical names and the ARNs and URLs AWS would report; no silent invokes. */
import { expect } from 'chai';
import { MockEngine } from '../../providers/mocks';

const register = (engine: MockEngine, type: string, name: string, inputs: Record<string, unknown> = {}) => {
  engine.pending = { urn: `urn:pulumi:dev::herald::${type}::${name}` };
  return engine.newResource({ type, name, inputs, custom: true } as any);
};

describe('mock engine', () => {
  it('auto-names like Pulumi, deterministically, and gives queues their URL as id', () => {
    const engine = new MockEngine({ region: 'eu-west-1', accountId: '111122223333' });
    const a = register(engine, 'aws:sqs/queue:Queue', 'payments');
    const b = register(new MockEngine({ region: 'eu-west-1', accountId: '111122223333' }), 'aws:sqs/queue:Queue', 'payments');
    expect(a).to.deep.equal(b);
    expect(a.state.name).to.match(/^payments-[0-9a-f]{7}$/);
    expect(a.state.arn).to.equal(`arn:aws:sqs:eu-west-1:111122223333:${a.state.name}`);
    expect(a.id).to.equal(a.state.url).and.to.equal(`https://sqs.eu-west-1.amazonaws.com/111122223333/${a.state.name}`);
    expect(register(engine, 'aws:sqs/queue:Queue', 'ledger', { fifoQueue: true }).state.name).to.match(/\.fifo$/);
  });

  it('keeps explicit names and builds each service\'s ARN form', () => {
    const engine = new MockEngine();
    expect(register(engine, 'aws:cloudwatch/logGroup:LogGroup', 'logs', { name: '/herald/x' }).state.arn).to.equal('arn:aws:logs:eu-west-1:123456789012:log-group:/herald/x');
    expect(register(engine, 'aws:cloudwatch/eventRule:EventRule', 'r', { name: 'rule', eventBusName: 'bus' }).state.arn).to.equal('arn:aws:events:eu-west-1:123456789012:rule/bus/rule');
    expect(register(engine, 'aws:iam/role:Role', 'role', { name: 'role' }).state.arn).to.equal('arn:aws:iam::123456789012:role/role');
    expect(register(engine, 'aws:dynamodb/table:Table', 't', { name: 't', streamEnabled: true }).state.streamArn).to.match(/^arn:aws:dynamodb:eu-west-1:123456789012:table\/t\/stream\//);
    expect(register(engine, 'aws:s3/bucket:Bucket', 'media').state.arn).to.match(/^arn:aws:s3:::media-[0-9a-f]{7}$/);
    expect(register(engine, 'aws:lambda/permission:Permission', 'p', { action: 'lambda:InvokeFunction' }).state).not.to.have.property('arn');
  });

  it('records each resource with its parent', () => {
    const engine = new MockEngine();
    engine.pending = { urn: 'urn:child', parent: 'urn:parent' };
    engine.newResource({ type: 'aws:sns/topic:Topic', name: 't', inputs: { tags: {} }, custom: true } as any);
    expect(engine.resources[0]).to.deep.include({ urn: 'urn:child', parent: 'urn:parent', type: 'aws:sns/topic:Topic', name: 't' });
    expect(engine.byUrn.get('urn:child')).to.equal(engine.resources[0]);
  });

  it('refuses invokes nobody stubbed, and answers those given', () => {
    expect(() => new MockEngine().call({ token: 'aws:index/getCallerIdentity:getCallerIdentity', inputs: {} } as any)).to.throw(Error, /mock call not implemented: aws:index\/getCallerIdentity/);
    const engine = new MockEngine({ calls: { 'aws:index/getRegion:getRegion': () => ({ name: 'eu-west-1' }) } });
    expect(engine.call({ token: 'aws:index/getRegion:getRegion', inputs: {} } as any)).to.deep.equal({ name: 'eu-west-1' });
  });
});
