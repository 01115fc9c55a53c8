/** bus → one EventBridge custom bus, tagged, with the per-cloud override bag passed through. */
import { expect } from 'chai';
import { topology } from '../../../contracts';
import { TAG_KEYS } from '../../../providers/aws/tags';
import { findResource, inventoryOf, realizeOnAws } from '../../helpers/pulumi-mocks';
import { promiseOf } from '../../helpers/outputs';

describe('aws bus', () => {
  it('creates exactly one custom event bus', async () => {
    const t = topology('b');
    t.bus('orders');
    await realizeOnAws(t.build());
    expect(inventoryOf(findResource('herald:aws:Bus', 'orders'))).to.deep.equal({ 'aws:cloudwatch/eventBus:EventBus': 1 });
  });

  it('tags the bus and exports its name and ARN', async () => {
    const t = topology('b');
    t.bus('orders');
    const { result } = await realizeOnAws(t.build());
    const bus = findResource('aws:cloudwatch/eventBus:EventBus', 'orders');
    expect(bus.inputs.tags).to.deep.equal({ [TAG_KEYS.stack]: 'test', [TAG_KEYS.logicalName]: 'orders', [TAG_KEYS.kind]: 'bus' });
    expect(await promiseOf(result.outputs.buses!.orders!.arn as string)).to.equal(bus.outputs.arn);
    expect(bus.outputs.arn).to.match(/^arn:aws:events:eu-west-1:123456789012:event-bus\/orders-/);
  });

  it('passes the aws override bag through to the bus', async () => {
    const t = topology('b');
    t.bus('orders', { overrides: { aws: { description: 'mine', kmsKeyIdentifier: 'alias/bus' } } });
    await realizeOnAws(t.build());
    expect(findResource('aws:cloudwatch/eventBus:EventBus', 'orders').inputs).to.include({ description: 'mine', kmsKeyIdentifier: 'alias/bus' });
  });
});
