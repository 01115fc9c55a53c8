/** The GCP provider as a whole: the example app's inventory, the invariants every resource keeps, capabilities and validation. */
import { expect } from 'chai';
import { shop } from '../../../app/topology';
import { OrderPlaced } from '../../../app/events';
import { featuresOf, TopologyError, topology, UnsupportedFeatureError } from '../../../contracts';
import { GCP_CAPABILITIES, gcp } from '../../../providers/gcp';
import { PRIMITIVE_ROLES } from '../../../providers/gcp/iam';
import { grants, realizeOnGcp, resourcesOf } from '../../helpers/gcp-mocks';
import { resources } from '../../helpers/pulumi-mocks';
import { expectReject } from '../../helpers/reject';

const count = (types: string[]) => types.reduce<Record<string, number>>((acc, t) => ({ ...acc, [t]: (acc[t] ?? 0) + 1 }), {});
/** Roles that exist only at project level, each granted there for that reason (iam.ts). */
const PROJECT_ONLY = ['roles/datastore.user', 'roles/eventarc.eventReceiver', 'roles/logging.logWriter'];

describe('gcp provider', () => {
  it('is named gcp and refuses nothing the example app uses; every refusal says what to do instead', () => {
    expect(gcp.name).to.equal('gcp');
    expect(featuresOf(shop).filter((f) => GCP_CAPABILITIES.unsupported[f.key])).to.deep.equal([]);
    for (const reason of Object.values(GCP_CAPABILITIES.unsupported)) expect(reason).to.match(/; /);
  });

  it('realizes the example app: one component per declared resource, the foundation, the stores and the default alarms', async () => {
    const { warnings } = await realizeOnGcp(shop);
    expect(count(resources().filter((r) => r.type.startsWith('herald:')).map((r) => r.type))).to.deep.equal({
      'herald:gcp:Foundation': 1, 'herald:gcp:Bus': 1, 'herald:gcp:Topic': 1, 'herald:gcp:Queue': 1, 'herald:gcp:Stream': 1,
      'herald:gcp:Stores': 1, 'herald:gcp:Bucket': 1, 'herald:gcp:Table': 1, 'herald:gcp:Function': 9, 'herald:gcp:Subscription': 9,
      'herald:gcp:Schedule': 1, 'herald:gcp:Webhook': 1, 'herald:gcp:Alarm': 4,
    });
    // Nine user functions and four ingress functions (upload, change, schedule, webhook), each with its own account.
    expect(resourcesOf('gcp:cloudfunctionsv2/function:Function')).to.have.length(13);
    const runAs = resourcesOf('gcp:cloudfunctionsv2/function:Function').map((f) => f.inputs.serviceConfig.serviceAccountEmail);
    expect(new Set(runAs).size).to.equal(13);
    expect(warnings.join('\n')).to.match(/\[tables\[customers\]\.onChange\] onChange is degraded on gcp: Eventarc/);
  });

  it('never uses an eventTrigger for Pub/Sub, and pushes every subscription with OIDC, a dead-letter policy and no expiry', async () => {
    await realizeOnGcp(shop);
    expect(resourcesOf('gcp:cloudfunctionsv2/function:Function').filter((f) => f.inputs.eventTrigger)).to.deep.equal([]);
    const subs = resourcesOf('gcp:pubsub/subscription:Subscription');
    const push = subs.filter((s) => s.inputs.pushConfig);
    expect(push).to.have.length(10); // nine channels and the upload notifications
    const agentSubscribed = new Set(resourcesOf('gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember').filter((g) => g.inputs.role === 'roles/pubsub.subscriber').map((g) => g.inputs.subscription));
    const topics = new Map(resourcesOf('gcp:pubsub/topic:Topic').map((t) => [t.id, t]));
    const pulled = new Set(subs.filter((s) => !s.inputs.pushConfig).map((s) => s.inputs.topic));
    const agentPublishes = new Set(resourcesOf('gcp:pubsub/topicIAMMember:TopicIAMMember').filter((g) => /^serviceAccount:service-\d+@gcp-sa-pubsub\./.test(g.inputs.member)).map((g) => g.inputs.topic));
    for (const s of push) {
      expect(s.inputs.pushConfig.oidcToken, s.name).to.deep.equal({ serviceAccountEmail: s.inputs.pushConfig.oidcToken.serviceAccountEmail, audience: s.inputs.pushConfig.pushEndpoint });
      expect(s.inputs.expirationPolicy, s.name).to.deep.equal({ ttl: '' });
      const dlt = s.inputs.deadLetterPolicy.deadLetterTopic;
      expect(topics.has(dlt), `${s.name}: ${dlt}`).to.equal(true);
      expect(pulled.has(dlt), `${s.name}: dead letters kept`).to.equal(true);
      expect(agentPublishes.has(dlt), `${s.name}: the agent may dead-letter`).to.equal(true);
      expect(agentSubscribed.has(s.id), `${s.name}: the agent may ack`).to.equal(true);
      expect(s.inputs.deadLetterPolicy.maxDeliveryAttempts, s.name).to.be.within(5, 100);
      expect(s.inputs.ackDeadlineSeconds, s.name).to.be.within(10, 600);
    }
  });

  it('grants no primitive role, and on the project only the roles that exist nowhere else', async () => {
    await realizeOnGcp(shop);
    const all = grants();
    expect(all.length).to.be.greaterThan(50);
    expect(all.filter((g) => (PRIMITIVE_ROLES as readonly string[]).includes(g.role))).to.deep.equal([]);
    const onProject = all.filter((g) => g.type === 'gcp:projects/iAMMember:IAMMember');
    expect([...new Set(onProject.map((g) => g.role))].sort()).to.deep.equal(PROJECT_ONLY);
    for (const g of onProject.filter((x) => x.role === 'roles/datastore.user')) {
      expect(resourcesOf('gcp:projects/iAMMember:IAMMember').find((r) => r.name === g.name)!.inputs.condition.expression).to.match(/^resource\.name == "projects\/herald-dev\/databases\//);
    }
    // allUsers only on the webhook's service.
    expect(all.filter((g) => g.member === 'allUsers').map((g) => g.name)).to.deep.equal(['payments-public']);
  });

  it('makes every bucket private: uniform access and public access prevention', async () => {
    await realizeOnGcp(shop);
    const buckets = resourcesOf('gcp:storage/bucket:Bucket');
    expect(buckets.map((b) => b.name).sort()).to.deep.equal(['media', 'shop-claim-check', 'shop-sources']);
    for (const b of buckets) expect(b.inputs, b.name).to.include({ uniformBucketLevelAccess: true, publicAccessPrevention: 'enforced', location: 'europe-west1' });
  });

  it('refuses reading a stream directly, naming the field', async () => {
    const t = topology('s');
    const s = t.stream('audit', { key: 'subject' });
    t.fn('read', { handler: 'functions/audit-orders.ts' }).subscribe(s, { events: [OrderPlaced] });
    await expectReject(realizeOnGcp(t.build()), UnsupportedFeatureError, /subscriptions\[read-audit\]\.from\] on Pub\/Sub a stream is the ordered push subscriptions/);
  });

  it('validates GCP\'s limits, every problem at once with its field', async () => {
    const t = topology('v');
    const bus = t.bus('shop');
    t.queue('short', { retention: '5m' });
    t.fn('big', { handler: 'functions/audit-orders.ts', memory: 65_536, concurrency: 5_000 }).subscribe(bus, { events: [OrderPlaced] });
    t.fn('by-order', { handler: 'functions/audit-orders.ts' }).subscribe(bus, { events: [OrderPlaced], via: t.queue('a', { orderBy: 'data.orderId' }) });
    t.fn('by-customer', { handler: 'functions/audit-orders.ts' }).subscribe(bus, { events: [OrderPlaced], via: t.queue('b', { orderBy: 'data.customerId' }) });
    const error = await expectReject(realizeOnGcp(t.build()), TopologyError, /.*/);
    expect(error.issues.map((i) => i.field)).to.deep.equal([
      'functions[big].memory', 'functions[big].concurrency', 'queues[short].retention', 'buses[shop]',
    ]);
    expect(error.message).to.match(/a Pub\/Sub message carries one ordering key/);
  });
});
