/** `herald plan --cloud azure --json` end to end, as a user runs it: a child process, the committed Pulumi.dev-azure.yaml. */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { shop } from '../../../app/topology';
import type { PlannedResource } from '../../../providers/plan';

const ROOT = path.resolve(__dirname, '../../..');
const ID = /^\/subscriptions\/00000000-0000-0000-0000-000000000000\/resourceGroups\/[^/]+\/providers\/Microsoft\.[A-Za-z]+\//;

function herald(...args: string[]) {
  const r = spawnSync(process.execPath, ['cli/bin.js', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('herald plan --cloud azure', function () {
  this.timeout(180_000);
  let json: ReturnType<typeof herald>;
  let plan: PlannedResource[];
  before(() => {
    json = herald('plan', '--cloud', 'azure', '--json');
    plan = JSON.parse(json.stdout) as PlannedResource[];
  });
  const find = (type: string, name: string) => {
    const found = plan.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} ${name} in the plan`);
    return found;
  };

  it('plans the dev-azure stack offline and prints only JSON, the portability report on stderr', () => {
    expect(json.code, json.stderr).to.equal(0);
    for (const r of plan) expect(Object.keys(r)).to.deep.equal(['urn', 'type', 'name', 'parent', 'inputs', 'outputs']);
    expect(json.stderr).to.match(/\[streams\[order-audit\]\] stream is degraded on azure/);
    expect(json.stderr).to.match(/\[tables\[customers\]\.onChange\] onChange is degraded on azure/);
    expect(json.stderr).to.match(/its default alarm payments-age watches depth > 1000 instead/);
  });

  it('shows the whole example app: a component for every declared resource', () => {
    const kinds = [
      ['Bus', shop.buses], ['Topic', shop.topics], ['Queue', shop.queues], ['Stream', shop.streams], ['Bucket', shop.buckets],
      ['Table', shop.tables], ['Function', shop.functions], ['Subscription', shop.subscriptions], ['Schedule', shop.schedules],
      ['Webhook', shop.webhooks],
    ] as const;
    for (const [kind, specs] of kinds) for (const s of specs) find(`herald:azure:${kind}`, s.name);
    find('herald:azure:Stores', shop.name);
    find('herald:azure:Foundation', shop.name);
    expect(plan.filter((r) => r.type === 'herald:azure:Alarm').map((r) => r.name).sort()).to.deep.equal(['payments-age', 'payments-dead-letters']);
    // One Flex app per function, and one per ingress (webhook, upload, change, schedule).
    expect(plan.filter((r) => r.type === 'azure-native:web:WebApp')).to.have.length(shop.functions.length + 4);
  });

  it('gives every Azure resource a deterministic resource id, so references read as real ids', () => {
    for (const r of plan.filter((x) => x.type.startsWith('azure-native:') && x.type !== 'azure-native:storage:Blob')) {
      expect(String(r.outputs.id), `${r.type} ${r.name}`).to.match(r.type === 'azure-native:resources:ResourceGroup' ? /^\/subscriptions\/0{8}-(0{4}-){3}0{12}\/resourceGroups\/[^/]+$/ : ID);
    }
    const queue = find('azure-native:servicebus:Queue', 'payments');
    const sub = find('azure-native:eventgrid:TopicEventSubscription', 'charge-payment-shop');
    expect((sub.inputs.deliveryWithResourceIdentity as any).destination.resourceId).to.equal(queue.outputs.id);
    expect(herald('plan', '--cloud', 'azure', '--json').stdout).to.equal(json.stdout);
  });

  it('nests every resource under a parent that is in the plan', () => {
    const urns = new Set(plan.map((r) => r.urn));
    for (const r of plan) if (r.parent !== null) expect(urns.has(r.parent), `${r.urn} → ${r.parent}`).to.equal(true);
    expect(find('azure-native:servicebus:Queue', 'payments').parent).to.equal(find('herald:azure:Queue', 'payments').urn);
  });

  it('grants no role at a resource group or subscription, and no Owner or Contributor', () => {
    const assignments = plan.filter((r) => r.type === 'azure-native:authorization:RoleAssignment');
    expect(assignments.length).to.be.greaterThan(50);
    for (const a of assignments) {
      expect(String(a.inputs.scope), a.name).not.to.match(/^\/subscriptions\/[^/]+(\/resourceGroups\/[^/]+)?$/);
      // Owner, Contributor, User Access Administrator.
      expect(String(a.inputs.roleDefinitionId), a.name).not.to.match(/8e3af657-a8ff-443c-a75c-2fe8c4bcb635|b24988ac-6180-42a0-ab88-20f7382dd24c|18d7d88d-d35e-4fb5-a5c3-7773c20a72d9/);
    }
  });

  it('exports the webhook URL and outputs named by kind', () => {
    const text = herald('plan', '--cloud', 'azure');
    expect(text.code, text.stderr).to.equal(0);
    const site = find('azure-native:web:WebApp', 'payments-webhook');
    expect(text.stdout).to.include(`  webhookUrls.payments: https://${site.outputs.defaultHostName}/webhooks/payments\n`);
    expect(text.stdout.split('\n')[0]).to.equal(`herald plan: ${plan.length} resources on azure, location westeurope (project herald, stack dev-azure)`);
  });
});
