/** `herald plan --cloud gcp --json` end to end, as a user runs it: a child process, the committed Pulumi.dev-gcp.yaml. */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { shop } from '../../../app/topology';
import { mockProjectNumber } from '../../../providers/gcp/mocks';
import type { PlannedResource } from '../../../providers/plan';

const ROOT = path.resolve(__dirname, '../../..');
const NUMBER = mockProjectNumber('herald-dev');

function herald(...args: string[]) {
  const r = spawnSync(process.execPath, ['cli/bin.js', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('herald plan --cloud gcp', function () {
  this.timeout(120_000);
  let json: ReturnType<typeof herald>;
  let plan: PlannedResource[];
  before(() => {
    json = herald('plan', '--cloud', 'gcp', '--json');
    plan = JSON.parse(json.stdout) as PlannedResource[];
  });
  const find = (type: string, name: string) => {
    const found = plan.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} ${name} in the plan`);
    return found;
  };

  it('plans the dev-gcp stack offline, in the shape of the other clouds, with its deploy-time notes on stderr', () => {
    expect(json.code, json.stderr).to.equal(0);
    for (const r of plan) expect(Object.keys(r)).to.deep.equal(['urn', 'type', 'name', 'parent', 'inputs', 'outputs']);
    expect(json.stderr).to.match(/\[tables\[customers\]\.onChange\] onChange is degraded on gcp/);
    expect(json.stderr).to.match(/subscription make-thumbnail-shop: Pub\/Sub cannot change a filter, .* the old one's backlog is not carried over/);
    expect(json.stderr).to.match(/herald:PAYMENTS_WEBHOOK_SECRET is not set/);
  });

  it('shows the whole example app: a component for every declared resource, the stores, the foundation and the default alarms', () => {
    const kinds = [
      ['Bus', shop.buses], ['Topic', shop.topics], ['Queue', shop.queues], ['Stream', shop.streams], ['Bucket', shop.buckets],
      ['Table', shop.tables], ['Function', shop.functions], ['Subscription', shop.subscriptions], ['Schedule', shop.schedules],
      ['Webhook', shop.webhooks],
    ] as const;
    for (const [kind, specs] of kinds) for (const s of specs) find(`herald:gcp:${kind}`, s.name);
    find('herald:gcp:Stores', shop.name);
    find('herald:gcp:Foundation', shop.name);
    expect(plan.filter((r) => r.type === 'herald:gcp:Alarm').map((r) => r.name).sort())
      .to.deep.equal(['order-audit-dead-letters', 'order-audit-iterator-age', 'payments-age', 'payments-dead-letters']);
    const urns = new Set(plan.map((r) => r.urn));
    for (const r of plan) if (r.parent !== null) expect(urns.has(r.parent), r.urn).to.equal(true);
    expect(plan.every((r) => r.type.startsWith('herald:gcp:') || r.parent !== null)).to.equal(true);
  });

  it('gives references their real GCP forms: topic and subscription ids, the Pub/Sub agent, function URLs', () => {
    const bus = find('gcp:pubsub/topic:Topic', 'shop');
    expect(bus.outputs.id).to.match(/^projects\/herald-dev\/topics\/shop-[0-9a-f]{7}$/);
    const push = find('gcp:pubsub/subscription:Subscription', 'charge-payment-shop');
    expect(push.inputs.topic).to.equal(bus.outputs.id);
    expect(push.outputs.id).to.equal(`projects/herald-dev/subscriptions/${push.inputs.name}`);
    expect(push.inputs.deadLetterPolicy).to.deep.equal({ deadLetterTopic: find('gcp:pubsub/topic:Topic', 'payments-dlq').outputs.id, maxDeliveryAttempts: 5 });
    const agent = `serviceAccount:service-${NUMBER}@gcp-sa-pubsub.iam.gserviceaccount.com`;
    expect(find('gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember', 'charge-payment-shop-agent-subscriber').inputs).to.include({ member: agent, subscription: push.outputs.id });
    expect(find('gcp:pubsub/topicIAMMember:TopicIAMMember', 'payments-dlq-agent-publisher').inputs.member).to.equal(agent);
    const fn = find('gcp:cloudfunctionsv2/function:Function', 'charge-payment');
    expect(fn.outputs.url).to.match(/^https:\/\/europe-west1-herald-dev\.cloudfunctions\.net\/charge-payment-[0-9a-f]{7}$/);
    // The Cloud Run service's URL, which the component exports and pushes go to.
    const url = find('herald:gcp:Function', 'charge-payment').outputs.url as string;
    expect(url).to.match(new RegExp(`^https://${fn.outputs.name}-${NUMBER}\\.europe-west1\\.run\\.app$`));
    expect(push.inputs.pushConfig).to.deep.include({ pushEndpoint: url });
    expect(herald('plan', '--cloud', 'gcp', '--json').stdout).to.equal(json.stdout);
  });

  it('prints where the stack goes and the outputs, the webhook URL among them', () => {
    const text = herald('plan', '--cloud', 'gcp');
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout.split('\n')[0]).to.equal(`herald plan: ${plan.length} resources on gcp, project herald-dev, region europe-west1 (project herald, stack dev-gcp)`);
    expect(text.stdout).to.match(new RegExp(`\\n  webhookUrls\\.payments: https://payments-webhook-[0-9a-f]{7}-${NUMBER}\\.europe-west1\\.run\\.app/webhooks/payments\\n`));
    expect(text.stdout).to.contain(`\n  buses.shop.id: ${find('gcp:pubsub/topic:Topic', 'shop').outputs.id}\n`);
  });

  it('names the missing keys of a stack file without the project and region', () => {
    const r = herald('plan', '--cloud', 'gcp', '--stack', 'dev');
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/Pulumi\.dev\.yaml does not set gcp:project, gcp:region, which the plan needs to say where resources go/);
  });
});
