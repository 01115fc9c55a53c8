/** `herald plan` end to end, as a user runs it: a child process, the default stack's config (Pulumi.dev.yaml on aws). */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { shop } from '../../app/topology';
import { CLOUD_NAMES } from '../../contracts';
import { BUILT_CLOUDS } from '../../providers';
import type { PlannedResource } from '../../providers/plan';

const ROOT = path.resolve(__dirname, '../..');

function herald(...args: string[]) {
  const r = spawnSync(process.execPath, ['cli/bin.js', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('herald plan', function () {
  this.timeout(90_000);
  let json: ReturnType<typeof herald>;
  let text: ReturnType<typeof herald>;
  let plan: PlannedResource[];
  before(() => {
    json = herald('plan', '--cloud', 'aws', '--json');
    text = herald('plan', '--cloud', 'aws');
    plan = JSON.parse(json.stdout) as PlannedResource[];
  });
  const find = (type: string, name: string) => {
    const found = plan.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} ${name} in the plan`);
    return found;
  };

  it('--json prints only a JSON array of {urn, type, name, parent, inputs, outputs}', () => {
    expect(json.code, json.stderr).to.equal(0);
    expect(plan.length).to.be.greaterThan(100);
    for (const r of plan) expect(Object.keys(r)).to.deep.equal(['urn', 'type', 'name', 'parent', 'inputs', 'outputs']);
  });

  it('shows the whole example app: a component for every declared resource', () => {
    const kinds = [
      ['Bus', shop.buses], ['Topic', shop.topics], ['Queue', shop.queues], ['Stream', shop.streams], ['Bucket', shop.buckets],
      ['Table', shop.tables], ['Function', shop.functions], ['Subscription', shop.subscriptions], ['Schedule', shop.schedules],
      ['Webhook', shop.webhooks],
    ] as const;
    for (const [kind, specs] of kinds) for (const s of specs) find(`herald:aws:${kind}`, s.name);
    find('herald:aws:Stores', shop.name);
    expect(plan.filter((r) => r.type === 'herald:aws:Alarm').map((r) => r.name).sort())
      .to.deep.equal(['order-audit-dead-letters', 'order-audit-iterator-age', 'payments-age', 'payments-dead-letters']);
  });

  it('realizes the order-notifications topic as SNS with a queue and DLQ per subscriber, and the customers table with its stream and ingress', () => {
    const topic = find('aws:sns/topic:Topic', 'order-notifications');
    const subscriptions = plan.filter((r) => r.type === 'aws:sns/topicSubscription:TopicSubscription' && r.inputs.topic === topic.outputs.arn);
    expect(subscriptions.map((s) => s.name).sort()).to.deep.equal(['notify-warehouse-order-notifications-sns', 'send-confirmation-order-notifications-sns']);
    const queues = plan.filter((r) => r.type === 'aws:sqs/queue:Queue' && r.parent === find('herald:aws:Topic', 'order-notifications').urn);
    expect(queues).to.have.length(4); // a queue and its DLQ per subscriber
    for (const s of subscriptions) {
      expect(s.inputs).to.include({ protocol: 'sqs', rawMessageDelivery: true });
      expect(queues.map((q) => q.outputs.arn)).to.include(s.inputs.endpoint);
    }
    const table = find('aws:dynamodb/table:Table', 'customers');
    expect(table.inputs).to.include({ hashKey: 'customerId', streamEnabled: true, streamViewType: 'NEW_AND_OLD_IMAGES' });
    const mapping = find('aws:lambda/eventSourceMapping:EventSourceMapping', 'customers-change-mapping');
    expect(mapping.inputs).to.include({ eventSourceArn: table.outputs.streamArn, functionName: find('aws:lambda/function:Function', 'customers-change').outputs.arn });
  });

  it('nests every resource under a parent that is in the plan', () => {
    const urns = new Set(plan.map((r) => r.urn));
    for (const r of plan) if (r.parent !== null) expect(urns.has(r.parent), `${r.urn} → ${r.parent}`).to.equal(true);
    expect(find('aws:sqs/queue:Queue', 'payments').parent).to.equal(find('herald:aws:Queue', 'payments').urn);
  });

  it('gives resources deterministic ids and real-looking ARNs, so references read as ARNs', () => {
    const queue = find('aws:sqs/queue:Queue', 'payments');
    expect(queue.outputs.arn).to.match(/^arn:aws:sqs:eu-west-1:123456789012:payments-[0-9a-f]{7}$/);
    expect(queue.outputs.id).to.equal(queue.outputs.url);
    const mapping = plan.find((r) => r.type === 'aws:lambda/eventSourceMapping:EventSourceMapping' && r.inputs.eventSourceArn === queue.outputs.arn);
    expect(mapping?.inputs.functionName).to.equal(find('aws:lambda/function:Function', 'charge-payment').outputs.arn);
    expect(find('aws:lambda/function:Function', 'charge-payment').inputs.role).to.match(/^arn:aws:iam::123456789012:role\/charge-payment-role-/);
    expect(herald('plan', '--cloud', 'aws', '--json').stdout).to.equal(json.stdout);
  });

  it('summarises function code instead of printing it', () => {
    const code = find('aws:lambda/function:Function', 'charge-payment').inputs.code as any;
    expect(code.archive['index.js']).to.have.keys('asset', 'bytes', 'sha256');
    expect(code.archive['index.js'].bytes).to.be.greaterThan(1000);
    expect(json.stdout.length).to.be.below(2_000_000);
  });

  it('reports deploy-time warnings on stderr', () => {
    expect(json.stderr).to.match(/herald:PAYMENTS_WEBHOOK_SECRET is not set/);
  });

  it('prints where the stack goes, an indented tree and the stack outputs without --json', () => {
    expect(text.code, text.stderr).to.equal(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).to.equal(`herald plan: ${plan.length} resources on aws, region eu-west-1 (project herald, stack dev)`);
    expect(lines).to.include.members(['  herald:aws:Queue  payments  ' + find('aws:sqs/queue:Queue', 'payments').outputs.url]);
    expect(lines.some((l) => /^ {4}aws:sqs\/queue:Queue {2}payments-dlq /.test(l))).to.equal(true);
    expect(text.stdout).to.match(/\noutputs:\n[\s\S]*  webhookUrls\.payments: https:\/\/[0-9a-f]+\.execute-api\.eu-west-1\.amazonaws\.com\/webhooks\/payments\n/);
  });

  it('exports outputs named by kind, not by cloud, each a map by logical name of what the component registers', () => {
    const outputs = text.stdout.trimEnd().slice(text.stdout.indexOf('\noutputs:\n')).split('\n').slice(2);
    const kinds = new Set(outputs.map((l) => /^ {2}(\w+)[.:]/.exec(l)?.[1]));
    expect([...kinds]).to.deep.equal(['buses', 'topics', 'queues', 'streams', 'buckets', 'tables', 'functions', 'webhookUrls', 'stores']);
    expect(outputs).to.include.members([
      `  queues.payments.url: ${find('aws:sqs/queue:Queue', 'payments').outputs.url}`,
      `  buses.shop.name: ${find('aws:cloudwatch/eventBus:EventBus', 'shop').outputs.name}`,
      `  streams.order-audit.arn: ${find('aws:kinesis/stream:Stream', 'order-audit').outputs.arn}`,
      `  functions.charge-payment.arn: ${find('aws:lambda/function:Function', 'charge-payment').outputs.arn}`,
      `  stores.${shop.name}.idempotencyTable: ${find('aws:dynamodb/table:Table', `${shop.name}-idempotency`).outputs.name}`,
    ]);
  });

  it('fails clearly for a cloud that is not built, a missing stack, and a missing --cloud', () => {
    for (const cloud of CLOUD_NAMES.filter((c) => !(BUILT_CLOUDS as string[]).includes(c))) {
      const r = herald('plan', '--cloud', cloud);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(new RegExp(`^herald plan: herald:cloud "${cloud}" is not built yet; built: ${BUILT_CLOUDS.join(', ')}`));
    }
    const unknown = herald('plan', '--cloud', 'oracle');
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.match(/herald plan: --cloud oracle is not a cloud; clouds: aws, azure, gcp, kafka/);
    const stack = herald('plan', '--cloud', 'aws', '--stack', 'nope');
    expect(stack.code).to.equal(1);
    expect(stack.stderr).to.match(/no Pulumi\.nope\.yaml/);
    const usage = herald('plan');
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.match(/--cloud is required/);
  });

  it('plans the app --app names, relative to where it runs, over herald:app', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'cli/bin.js'), 'plan', '--cloud', 'aws', '--app', 'fixtures/apps/two-apps.ts#audit', '--json'], {
      cwd: path.join(ROOT, 'test'), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
    });
    expect(r.status, r.stderr).to.equal(0);
    const functions = (JSON.parse(r.stdout) as PlannedResource[]).filter((x) => x.type === 'herald:aws:Function').map((x) => x.name);
    expect(functions).to.deep.equal(['auditor']);
  });
});
