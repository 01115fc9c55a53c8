/**
 * `herald invoke --cloud gcp` runs each function with the config deploy gives it: both come from the one
 * builder (function-config.ts) over the same delivery plan, so everything but the physical names must be
 * equal. The deployed configs are read from the example app realized under the GCP mock target.
 */
import { expect } from 'chai';
import { shop } from '../../../app/topology';
import { invokeConfig, invokeIngressConfig } from '../../../providers/gcp/invoke';
import { invokeNames, invokeTarget, type InvokeTarget } from '../../../providers/gcp/invoke-target';
import { GCP_CONFIG_ENV, type GcpConfig, type GcpFunctionConfig } from '../../../providers/gcp/runtime/config';
import { realizeOnGcp } from '../../helpers/gcp-mocks';
import { findResource, json, resourcesOf } from '../../helpers/pulumi-mocks';
import { WEBHOOK_SECRET } from '../../helpers/topologies';

/** The deployed function of a name `herald invoke` takes (ingress functions are `<name>-<kind>` resources). */
function deployed(name: string): GcpConfig {
  const [kind, logical] = name.includes(':') ? name.split(':') as [string, string] : ['function', name];
  const resource = kind === 'function' ? logical : `${logical}-${kind}`;
  return json(findResource('gcp:cloudfunctionsv2/function:Function', resource).inputs.serviceConfig.environmentVariables[GCP_CONFIG_ENV]);
}

/** What does not depend on physical names. */
function shape(c: GcpConfig) {
  const common = { kind: c.kind, emits: 'emits' in c ? c.emits : undefined, orderKey: c.publishTo?.orderKey, publishes: c.publishTo !== undefined, claimCheck: c.claimCheckBucket !== undefined };
  switch (c.kind) {
    case 'function': {
      const f = c as GcpFunctionConfig;
      return {
        ...common, name: f.name, timeoutMs: f.timeoutMs, allowedPublishes: f.allowedPublishes, channels: f.channels, idempotency: f.idempotency !== undefined,
        subscriptions: Object.values(f.subscriptions).map((s) => ({ channel: s.channel, maxEventAgeMs: s.maxEventAgeMs, deadLetters: s.deadLetterTopic.startsWith('projects/') })),
      };
    }
    case 'webhook': return { ...common, name: c.name, verify: c.verify };
    case 'schedule': return { ...common, name: c.name };
    case 'upload': return { ...common, prefix: c.prefix, subscriptions: Object.keys(c.subscriptions).length };
    case 'change': return { ...common, keyNames: c.keyNames, deadLetters: c.deadLetterTopic !== undefined };
  }
}

describe('herald invoke --cloud gcp: the deployed config', function () {
  this.timeout(120_000);
  before(async () => {
    await realizeOnGcp(shop, ...WEBHOOK_SECRET);
  });

  for (const name of invokeNames(shop)) {
    it(`builds ${name}'s config as deploy does, physical names aside`, () => {
      const target = invokeTarget(shop, name) as InvokeTarget;
      const offline = target.kind === 'function' ? invokeConfig(shop, name) : invokeIngressConfig(shop, target);
      expect(shape(offline)).to.deep.equal(shape(deployed(name)));
    });
  }

  it('names, in each deployed config, the push subscriptions a push body will name, their dead-letter topics and the topic published to', () => {
    const project = 'herald-dev';
    const subscriptions = new Map(resourcesOf('gcp:pubsub/subscription:Subscription').map((r) => [`projects/${project}/subscriptions/${r.outputs.name}`, r.inputs]));
    const topics = new Set(resourcesOf('gcp:pubsub/topic:Topic').map((r) => `projects/${project}/topics/${r.outputs.name}`));
    let checked = 0;
    for (const name of invokeNames(shop)) {
      const config = deployed(name);
      if (config.publishTo) expect(topics, `${name} publishes to ${config.publishTo.topic}`).to.include(config.publishTo.topic);
      const pushed = config.kind === 'function' ? Object.entries(config.subscriptions).map(([s, c]) => [s, c.deadLetterTopic] as const)
        : config.kind === 'upload' ? Object.entries(config.subscriptions).map(([s, c]) => [s, c.deadLetterTopic] as const) : [];
      for (const [subscription, deadLetterTopic] of pushed) {
        const inputs = subscriptions.get(subscription);
        expect(inputs, `${name}: ${subscription}`).to.not.equal(undefined);
        expect(inputs!.pushConfig, `${name}: ${subscription} is a push subscription`).to.not.equal(undefined);
        expect(inputs!.deadLetterPolicy.deadLetterTopic, `${name}: ${subscription}'s dead-letter topic`).to.equal(deadLetterTopic);
        checked += 1;
      }
      if (config.kind === 'change') expect(topics).to.include(config.deadLetterTopic);
    }
    expect(checked).to.equal(shop.subscriptions.length + 1);
  });

  it("runs audit-orders with the stream's order key and maxEventAge, and publishes to the bus with that key", () => {
    const audit = invokeConfig(shop, 'audit-orders');
    expect(audit.channels.map((c) => [c.subscription, c.orderKey])).to.deep.equal([['audit-orders-shop', 'data.orderId']]);
    expect(Object.values(audit.subscriptions).map((s) => s.maxEventAgeMs)).to.deep.equal([3_600_000]);
    expect(invokeConfig(shop, 'charge-payment').publishTo?.orderKey).to.equal('data.orderId');
  });
});
