/** AWS's mock target: deterministic physical names, the ARNs and URLs AWS would report, its function stubs. */
import { expect } from 'chai';
import type * as pulumi from '@pulumi/pulumi';
import { awsMockCloud, awsMockTarget } from '../../../providers/aws/mocks';
import { MockEngine } from '../../../providers/mocks';

const eu = () => new MockEngine(awsMockCloud({ region: 'eu-west-1' }));
const register = (engine: MockEngine, type: string, name: string, inputs: Record<string, unknown> = {}) => {
  engine.pending = { urn: `urn:pulumi:dev::herald::${type}::${name}` };
  return engine.newResource({ type, name, inputs, custom: true } as pulumi.runtime.MockResourceArgs);
};
const call = (engine: MockEngine, token: string) => engine.call({ token, inputs: {} } as pulumi.runtime.MockCallArgs);

describe('AWS mock target', () => {
  it('auto-names like Pulumi, deterministically, and gives queues their URL as id', () => {
    const engine = new MockEngine(awsMockCloud({ region: 'eu-west-1', accountId: '111122223333' }));
    const a = register(engine, 'aws:sqs/queue:Queue', 'payments');
    const b = register(new MockEngine(awsMockCloud({ region: 'eu-west-1', accountId: '111122223333' })), 'aws:sqs/queue:Queue', 'payments');
    expect(a).to.deep.equal(b);
    expect(a.state.name).to.match(/^payments-[0-9a-f]{7}$/);
    expect(a.state.arn).to.equal(`arn:aws:sqs:eu-west-1:111122223333:${a.state.name}`);
    expect(a.id).to.equal(a.state.url).and.to.equal(`https://sqs.eu-west-1.amazonaws.com/111122223333/${a.state.name}`);
    expect(register(engine, 'aws:sqs/queue:Queue', 'ledger', { fifoQueue: true }).state.name).to.match(/\.fifo$/);
  });

  it("keeps explicit names and builds each service's ARN form", () => {
    const engine = eu();
    expect(register(engine, 'aws:cloudwatch/logGroup:LogGroup', 'logs', { name: '/herald/x' }).state.arn).to.equal('arn:aws:logs:eu-west-1:123456789012:log-group:/herald/x');
    expect(register(engine, 'aws:cloudwatch/eventRule:EventRule', 'r', { name: 'rule', eventBusName: 'bus' }).state.arn).to.equal('arn:aws:events:eu-west-1:123456789012:rule/bus/rule');
    expect(register(engine, 'aws:iam/role:Role', 'role', { name: 'role' }).state.arn).to.equal('arn:aws:iam::123456789012:role/role');
    expect(register(engine, 'aws:dynamodb/table:Table', 't', { name: 't', streamEnabled: true }).state.streamArn).to.match(/^arn:aws:dynamodb:eu-west-1:123456789012:table\/t\/stream\//);
    expect(register(engine, 'aws:s3/bucket:Bucket', 'media').state.arn).to.match(/^arn:aws:s3:::media-[0-9a-f]{7}$/);
    expect(register(engine, 'aws:lambda/permission:Permission', 'p', { action: 'lambda:InvokeFunction' }).state).not.to.have.property('arn');
  });

  it('ids functions and roles by name, mappings by a UUID, APIs by a short id in their endpoint', () => {
    const engine = eu();
    const fn = register(engine, 'aws:lambda/function:Function', 'charge');
    expect(fn.id).to.equal(fn.state.name);
    expect(fn.state.invokeArn).to.equal(`arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${fn.state.arn}/invocations`);
    expect(register(engine, 'aws:lambda/eventSourceMapping:EventSourceMapping', 'm').id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const api = register(engine, 'aws:apigatewayv2/api:Api', 'hooks');
    expect(api.state.apiEndpoint).to.equal(`https://${api.id}.execute-api.eu-west-1.amazonaws.com`);
  });

  it("reports nothing for another cloud's types", () => {
    expect(register(eu(), 'random:index/randomId:RandomId', 'suffix', { byteLength: 4 }).state).to.deep.equal({ byteLength: 4 });
  });

  it('answers the region, account and partition functions', () => {
    const engine = new MockEngine(awsMockCloud({ region: 'ap-southeast-2', accountId: '111122223333' }));
    expect(call(engine, 'aws:index/getRegion:getRegion')).to.include({ name: 'ap-southeast-2', region: 'ap-southeast-2' });
    expect(call(engine, 'aws:index/getCallerIdentity:getCallerIdentity')).to.include({ accountId: '111122223333', arn: 'arn:aws:iam::111122223333:user/herald-plan' });
    expect(call(engine, 'aws:index/getPartition:getPartition')).to.include({ partition: 'aws', dnsSuffix: 'amazonaws.com' });
    expect(() => call(engine, 'aws:ec2/getVpc:getVpc')).to.throw(Error, /mock call not implemented: aws:ec2\/getVpc/);
  });

  it("reads its region from the stack's aws:region and says so as its location", () => {
    expect(awsMockTarget.requiredConfig).to.deep.equal(['aws:region']);
    const cloud = awsMockTarget.forStack({ 'aws:region': 'eu-central-1', 'herald:cloud': 'aws' });
    expect(cloud.location).to.deep.equal({ region: 'eu-central-1' });
    expect(register(new MockEngine(cloud), 'aws:sns/topic:Topic', 't', { name: 't' }).state.arn).to.equal('arn:aws:sns:eu-central-1:123456789012:t');
  });
});
