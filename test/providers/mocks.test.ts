/**
 * The mock engine is cloud-neutral: everything a cloud would report comes from its mock target. A fake
 * target shaped like Azure (resource ids, not ARNs) proves it; the AWS target has its own test.
 */
import { expect } from 'chai';
import * as pulumi from '@pulumi/pulumi';
import { MockEngine, mockHash, type MockCloud, type MockResource } from '../../providers/mocks';

/** Resource ids as Azure Resource Manager writes them; the subscription is made up, like AWS's account. */
function fakeAzure(): MockCloud & { readonly asked: MockResource[] } {
  const asked: MockResource[] = [];
  return {
    asked,
    location: { location: 'westeurope' },
    calls: { 'fake:index/getClientConfig:getClientConfig': () => ({ subscriptionId: '00000000-0000-0000-0000-000000000000' }) },
    report(resource) {
      asked.push(resource);
      if (resource.type !== 'fake:servicebus:Queue') return { state: {} };
      const name = `${resource.name}${mockHash(resource.urn, 4)}`;
      return {
        id: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${resource.inputs.resourceGroupName}/providers/Microsoft.ServiceBus/namespaces/ns/queues/${name}`,
        state: { name },
      };
    },
  };
}

const register = (engine: MockEngine, args: { type: string; name: string; inputs?: Record<string, unknown>; custom?: boolean; parent?: string }) => {
  engine.pending = { urn: `urn:pulumi:dev::herald::${args.type}::${args.name}`, ...(args.parent ? { parent: args.parent } : {}) };
  return engine.newResource({ type: args.type, name: args.name, inputs: args.inputs ?? {}, custom: args.custom ?? true } as pulumi.runtime.MockResourceArgs);
};

describe('mock engine', () => {
  it("asks the cloud what it reports for a custom resource and returns the cloud's id and state over the inputs", () => {
    const cloud = fakeAzure();
    const engine = new MockEngine(cloud);
    const queue = register(engine, { type: 'fake:servicebus:Queue', name: 'payments', inputs: { resourceGroupName: 'rg-shop', maxDeliveryCount: 5 } });
    expect(cloud.asked).to.deep.equal([{
      type: 'fake:servicebus:Queue', name: 'payments', urn: 'urn:pulumi:dev::herald::fake:servicebus:Queue::payments',
      inputs: { resourceGroupName: 'rg-shop', maxDeliveryCount: 5 },
    }]);
    expect(queue.id).to.match(/^\/subscriptions\/0{8}-0{4}-0{4}-0{4}-0{12}\/resourceGroups\/rg-shop\/providers\/Microsoft\.ServiceBus\/namespaces\/ns\/queues\/payments[0-9a-f]{4}$/);
    expect(queue.state).to.deep.equal({ resourceGroupName: 'rg-shop', maxDeliveryCount: 5, name: queue.state.name });
    expect(register(new MockEngine(fakeAzure()), { type: 'fake:servicebus:Queue', name: 'payments', inputs: { resourceGroupName: 'rg-shop' } }).id)
      .to.equal(queue.id);
  });

  it('gives a resource the cloud has no id for a hash of its URN, and never asks the cloud about components', () => {
    const cloud = fakeAzure();
    const engine = new MockEngine(cloud);
    const plain = register(engine, { type: 'fake:authorization:RoleAssignment', name: 'grant', inputs: { scope: 's' } });
    expect(plain).to.deep.equal({ id: mockHash('urn:pulumi:dev::herald::fake:authorization:RoleAssignment::grant', 12), state: { scope: 's' } });
    register(engine, { type: 'herald:fake:Queue', name: 'payments', custom: false });
    expect(cloud.asked.map((r) => r.type)).to.deep.equal(['fake:authorization:RoleAssignment']);
    expect(engine.resources.map((r) => [r.type, r.custom])).to.deep.equal([['fake:authorization:RoleAssignment', true], ['herald:fake:Queue', false]]);
  });

  it('records each resource with its parent, by URN, until reset', () => {
    const engine = new MockEngine(fakeAzure());
    register(engine, { type: 'fake:servicebus:Queue', name: 'q', inputs: { resourceGroupName: 'rg' }, parent: 'urn:parent' });
    expect(engine.resources[0]).to.deep.include({ urn: 'urn:pulumi:dev::herald::fake:servicebus:Queue::q', parent: 'urn:parent', name: 'q' });
    expect(engine.byUrn.get('urn:pulumi:dev::herald::fake:servicebus:Queue::q')).to.equal(engine.resources[0]);
    engine.reset();
    expect(engine.resources).to.deep.equal([]);
    expect(engine.byUrn.size).to.equal(0);
  });

  it('keeps code archives in the inputs but does not echo them back as outputs', async () => {
    const engine = new MockEngine(fakeAzure());
    const code = new pulumi.asset.AssetArchive({ 'index.js': new pulumi.asset.StringAsset('exports.handler = 1') });
    const { state } = register(engine, { type: 'fake:web:WebAppDeployment', name: 'app', inputs: { code, runtime: 'node' } });
    await engine.flush();
    expect(state).to.deep.equal({ runtime: 'node' });
    const kept = engine.resources[0]!.inputs.code as pulumi.asset.AssetArchive;
    expect(pulumi.asset.AssetArchive.isInstance(kept)).to.equal(true);
    expect(await ((await kept.assets)['index.js'] as pulumi.asset.StringAsset).text).to.equal('exports.handler = 1');
  });

  it("answers the cloud's function stubs, a test's own first, and refuses any other token", () => {
    const token = 'fake:index/getClientConfig:getClientConfig';
    expect(new MockEngine(fakeAzure()).call({ token, inputs: {} } as pulumi.runtime.MockCallArgs))
      .to.deep.equal({ subscriptionId: '00000000-0000-0000-0000-000000000000' });
    const pinned = new MockEngine(fakeAzure(), { calls: { [token]: () => ({ subscriptionId: 'pinned' }) } });
    expect(pinned.call({ token, inputs: {} } as pulumi.runtime.MockCallArgs)).to.deep.equal({ subscriptionId: 'pinned' });
    expect(() => pinned.call({ token: 'fake:network/getVirtualNetwork:getVirtualNetwork', inputs: {} } as pulumi.runtime.MockCallArgs))
      .to.throw(Error, /mock call not implemented: fake:network\/getVirtualNetwork/);
  });
});
