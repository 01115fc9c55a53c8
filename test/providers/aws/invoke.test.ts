/** `herald invoke --cloud aws` reads the delivery plan as deploy does: the same config, offline names aside. */
import { expect } from 'chai';
import { shop } from '../../../app/topology';
import { awsInvoker, invokeConfig } from '../../../providers/aws/invoke';
import { invokeNames } from '../../../providers/aws/invoke-target';
import { AWS_CONFIG_ENV, type AwsFunctionConfig } from '../../../providers/aws/runtime/config';
import { findResource, json, realizeOnAws } from '../../helpers/pulumi-mocks';
import { WEBHOOK_SECRET } from '../../helpers/topologies';

const deployed = (fn: string): AwsFunctionConfig => json(findResource('aws:lambda/function:Function', fn).inputs.environment.variables[AWS_CONFIG_ENV]);
/** What does not depend on physical names. */
const shape = (c: AwsFunctionConfig) => ({
  kind: c.kind, name: c.name, timeoutMs: c.timeoutMs, allowedPublishes: c.allowedPublishes, channels: c.channels, publishTo: c.publishTo?.kind,
  sourceKeys: Object.values(c.sources).sort(), deadLetterKeys: Object.keys(c.deadLetterQueues).sort(),
  idempotency: c.idempotencyTable !== undefined, claimCheck: c.claimCheckBucket !== undefined,
});

describe('providers/aws/invoke', function () {
  this.timeout(60_000);
  before(async () => {
    await realizeOnAws(shop, ...WEBHOOK_SECRET);
  });

  it("runs audit-orders with the deployed config's channels: sources, types, attempts, residuals, order keys", () => {
    const channels = invokeConfig(shop, 'audit-orders').channels;
    expect(channels.map((c) => [c.sourceKey, c.orderKey])).to.deep.equal([['stream:order-audit', 'data.orderId']]);
    expect(channels).to.deep.equal(deployed('audit-orders').channels);
  });

  for (const fn of shop.functions.map((f) => f.name)) {
    it(`builds ${fn}'s config as deploy does, offline names aside`, () => {
      expect(shape(invokeConfig(shop, fn))).to.deep.equal(shape(deployed(fn)));
    });
  }

  it('refuses an unknown function, naming the ones there are, without running anything', async () => {
    const printed: string[] = [];
    const result = await awsInvoker.invoke({ topology: shop, root: '.', env: {} }, 'nope', {}, (line) => void printed.push(line));
    expect(result).to.deep.equal({ kind: 'refused', reason: `no function "nope" in shop; functions: ${invokeNames(shop).join(', ')}` });
    expect(invokeNames(shop)).to.include.members(['charge-payment', 'webhook:payments', 'upload:media']);
    expect(printed).to.deep.equal([]);
    expect(() => invokeConfig(shop, 'nope')).to.throw(Error, 'no function "nope" in shop');
  });
});
