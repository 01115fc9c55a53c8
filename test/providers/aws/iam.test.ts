/** Least privilege: every policy document Herald writes names its actions and, where it can, its resources. */
import { expect } from 'chai';
import { shop } from '../../../app/topology';
import { policyDocument } from '../../../providers/aws/iam';
import { json, realizeOnAws, resources, type RecordedResource } from '../../helpers/pulumi-mocks';
import { promiseOf } from '../../helpers/outputs';
import { everyKind, WEBHOOK_SECRET } from '../../helpers/topologies';

/** Every policy document recorded: role policies, trust policies, queue policies. */
function documents(): { where: string; doc: any }[] {
  const fields: Record<string, string> = {
    'aws:iam/rolePolicy:RolePolicy': 'policy', 'aws:iam/role:Role': 'assumeRolePolicy', 'aws:sqs/queuePolicy:QueuePolicy': 'policy',
  };
  return resources().filter((r: RecordedResource) => fields[r.type]).map((r) => ({ where: `${r.type} ${r.name}`, doc: json(r.inputs[fields[r.type]!]) }));
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
/** An ARN, or a pattern under a named ARN (`…/claim-check/*`, `…:log-group:x:*`): never `*` alone or mid-ARN. */
const SCOPED = /^arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:[^*]+?([/:]\*)?$/;

function violations(): string[] {
  const found: string[] = [];
  for (const { where, doc } of documents()) {
    for (const s of doc.Statement) {
      for (const a of list(s.Action)) if (typeof a !== 'string' || a.includes('*')) found.push(`${where}: action ${String(a)}`);
      for (const r of list(s.Resource ?? [])) if (typeof r !== 'string' || !SCOPED.test(r)) found.push(`${where}: resource ${String(r)}`);
      if (s.NotAction || s.NotResource) found.push(`${where}: NotAction/NotResource`);
    }
  }
  return found;
}

describe('aws iam', () => {
  for (const [name, t] of [['the example shop', shop], ['a topology using every kind and route', everyKind()]] as const) {
    it(`writes no * action and no unscoped * resource anywhere in ${name}`, async () => {
      await realizeOnAws(t, ...WEBHOOK_SECRET);
      expect(documents().length).to.be.greaterThan(10);
      expect(violations()).to.deep.equal([]);
    });
  }

  it('catches what it looks for (the check itself)', async () => {
    await realizeOnAws(shop, ...WEBHOOK_SECRET);
    const policy = resources().find((r) => r.type === 'aws:iam/rolePolicy:RolePolicy')!;
    const doc = json(policy.inputs.policy);
    doc.Statement.push({ Effect: 'Allow', Action: ['sqs:*'], Resource: ['*'] });
    policy.inputs.policy = JSON.stringify(doc);
    expect(violations()).to.deep.equal([`aws:iam/rolePolicy:RolePolicy ${policy.name}: action sqs:*`, `aws:iam/rolePolicy:RolePolicy ${policy.name}: resource *`]);
  });

  it('refuses to build a document with a wildcard action or a * resource', async () => {
    expect(() => policyDocument([{ sid: 'X', actions: ['s3:*'], resources: ['arn:aws:s3:::b/*'] }])).to.throw(RangeError, /wildcard action "s3:\*"/);
    expect(() => policyDocument([{ sid: 'X', actions: ['s3:GetObject'], resources: ['*'] }])).to.throw(RangeError, /resource "\*"/);
    expect(() => policyDocument([{ sid: 'X', actions: [], resources: ['arn:aws:s3:::b'] }])).to.throw(RangeError, /no action/);
    expect(json(await promiseOf(policyDocument([{ sid: 'read-it', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/k'] }]))))
      .to.deep.equal({ Version: '2012-10-17', Statement: [{ Sid: 'readit', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/k'] }] });
  });
});
