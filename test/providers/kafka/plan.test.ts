/** `herald plan --cloud kafka --json` end to end, as a user runs it: a child process, the committed Pulumi.dev-kafka.yaml. */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { shop } from '../../../app/topology';
import type { PlannedResource } from '../../../providers/plan';

const ROOT = path.resolve(__dirname, '../../..');
const PREFIX = 'shop.dev-kafka';

function herald(...args: string[]) {
  const r = spawnSync(process.execPath, ['cli/bin.js', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('herald plan --cloud kafka', function () {
  this.timeout(90_000);
  let json: ReturnType<typeof herald>;
  let plan: PlannedResource[];
  before(() => {
    json = herald('plan', '--cloud', 'kafka', '--json');
    plan = JSON.parse(json.stdout) as PlannedResource[];
  });
  const topic = (name: string) => {
    const found = plan.find((r) => r.type === 'kafka:index/topic:Topic' && r.inputs.name === name);
    if (!found) throw new Error(`no topic ${name} in the plan`);
    return found;
  };

  it('plans the dev-kafka stack offline, warning about what the Herald process runs instead of the cluster', () => {
    expect(json.code, json.stderr).to.equal(0);
    expect(json.stderr).to.match(/\[schedules\[nightly-report\]\] schedule is degraded on kafka/);
    expect(json.stderr).to.match(/default alarm payments-age is left out/);
  });

  it('declares the topics with partitions, replication, min.insync.replicas and retention, the claims kept as long as the rest', () => {
    for (const name of [`${PREFIX}.bus.shop`, `${PREFIX}.queue.payments`, `${PREFIX}.stream.order-audit`, `${PREFIX}.retry.charge-payment-shop`]) {
      expect(topic(name).inputs, name).to.include({ partitions: 3, replicationFactor: 1 });
      expect(topic(name).inputs.config, name).to.include({ 'min.insync.replicas': '1', 'cleanup.policy': 'delete' });
    }
    expect((topic(`${PREFIX}.queue.payments`).inputs.config as Record<string, string>)['retention.ms']).to.equal(String(7 * 86_400_000));
    expect(topic(`${PREFIX}.claims`).inputs.config).to.deep.equal({ 'min.insync.replicas': '1', 'cleanup.policy': 'delete', 'retention.ms': String(7 * 86_400_000) });
    expect(topic(`${PREFIX}.bus.shop`).outputs.id).to.equal(`${PREFIX}.bus.shop`); // the mock cluster ids a topic by its name
    expect(topic(`${PREFIX}.bus.shop`).parent).to.equal(plan.find((r) => r.type === 'herald:kafka:Bus' && r.name === 'shop')!.urn);
  });

  it('gives each function a principal with Read and Write ACLs only, literal but for its claims readers\' groups', () => {
    const acls = plan.filter((r) => r.type === 'kafka:index/acl:Acl');
    expect(new Set(acls.map((a) => a.inputs.aclPrincipal))).to.deep.equal(new Set(shop.functions.map((f) => `User:${PREFIX}.${f.name}`)));
    for (const a of acls) {
      const prefixed = a.inputs.aclResourceName === `${PREFIX}.claims.reader.`;
      expect(a.inputs, a.name).to.include({ aclPermissionType: 'Allow', resourcePatternTypeFilter: prefixed ? 'Prefixed' : 'Literal' });
      expect(a.inputs.aclOperation, a.name).to.be.oneOf(['Read', 'Write']);
      expect(a.inputs.aclResourceName, a.name).to.match(new RegExp(`^${PREFIX.replace('.', '\\.')}\\.`));
      expect(a.outputs.id, a.name).to.equal(`${a.inputs.aclPrincipal}|*|${a.inputs.aclOperation}|Allow|${a.inputs.aclResourceType}|${a.inputs.aclResourceName}|${prefixed ? 'Prefixed' : 'Literal'}`);
    }
    const charge = acls.filter((a) => a.inputs.aclPrincipal === `User:${PREFIX}.charge-payment`);
    expect(charge.filter((a) => a.inputs.aclResourceType === 'Group').map((a) => [a.inputs.aclOperation, a.inputs.aclResourceName]))
      .to.deep.equal([['Read', `${PREFIX}.claims.reader.`], ['Read', `${PREFIX}.group.charge-payment-shop`]]);
  });

  it('creates every topic and ACL through the stack\'s kafka provider, configured from herald:kafkaBrokers', () => {
    const provider = plan.find((r) => r.type === 'pulumi:providers:kafka');
    expect(provider?.inputs).to.include({ bootstrapServers: '["127.0.0.1:9092"]', tlsEnabled: 'false' });
    expect(plan.every((r) => r.type.startsWith('herald:kafka:') || r.parent !== null)).to.equal(true);
  });

  it('prints where the stack goes and the topic names as stack outputs', () => {
    const text = herald('plan', '--cloud', 'kafka');
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout.split('\n')[0]).to.equal(`herald plan: ${plan.length} resources on kafka, brokers 127.0.0.1:9092 (project herald, stack dev-kafka)`);
    expect(text.stdout).to.contain(`\n  buses.shop.name: ${PREFIX}.bus.shop\n`);
    expect(text.stdout).to.contain(`\n  queues.payments.deadLetterTopic: ${PREFIX}.queue.payments.dlq\n`);
    expect(text.stdout).to.contain(`\n  stores.shop.claimsTopic: ${PREFIX}.claims\n`);
  });

  it('names the missing broker key of a stack file without one', () => {
    const r = herald('plan', '--cloud', 'kafka', '--stack', 'dev');
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/Pulumi\.dev\.yaml does not set herald:kafkaBrokers, which the plan needs to say where resources go \(pulumi config set herald:kafkaBrokers <value> --stack dev\)/);
  });
});
