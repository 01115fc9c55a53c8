/** The plan's pieces: which stack file, reading its config (secrets never decrypted), the checks before it runs, the plain form. */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { CLOUD_NAMES, type CloudName } from '../../contracts';
import { BUILT_CLOUDS } from '../../providers';
import { mockTargets } from '../../providers/mock-targets';
import { defaultStack, formatPlan, plan, readStackConfig, SECRET_PLACEHOLDER, type Plan } from '../../providers/plan';
import { expectReject } from '../helpers/reject';

const ROOT = path.resolve(__dirname, '../..');

describe('plan', () => {
  it('reads a stack file into namespaced string config, secrets as a placeholder marked secret', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'herald-plan-'));
    writeFileSync(path.join(dir, 'Pulumi.prod.yaml'), [
      'config:',
      '  herald:cloud: aws',
      '  aws:region: eu-central-1',
      '  herald:PAYMENTS_WEBHOOK_SECRET:',
      '    secure: v1:AAAAbase64==',
      '  retries: 3',
      '  herald:tags:',
      '    team: shop',
    ].join('\n'));
    expect(readStackConfig(dir, 'herald', 'prod')).to.deep.equal({
      config: {
        'herald:cloud': 'aws', 'aws:region': 'eu-central-1', 'herald:PAYMENTS_WEBHOOK_SECRET': SECRET_PLACEHOLDER,
        'herald:retries': '3', 'herald:tags': '{"team":"shop"}',
      },
      secretKeys: ['herald:PAYMENTS_WEBHOOK_SECRET'],
    });
  });

  it('says which stack file is missing', () => {
    expect(() => readStackConfig(tmpdir(), 'herald', 'nope')).to.throw(Error, /no Pulumi\.nope\.yaml in .*pulumi stack init/);
  });

  it('prints where the stack goes, resources indented under their parents, then each output value by its path', () => {
    const p: Plan = {
      project: 'herald', stack: 'dev', cloud: 'aws', location: { region: 'eu-west-1' }, diagnostics: [],
      outputs: {
        queues: { payments: { url: 'https://q', dlq: { url: 'https://d' } } }, topics: {}, webhookUrls: { payments: 'https://h' },
        alarms: ['a', 'b'], herald: { big: true },
      },
      resources: [
        { urn: 'u:bus', type: 'herald:aws:Bus', name: 'shop', parent: null, inputs: {}, outputs: { arn: 'arn:bus' } },
        { urn: 'u:eb', type: 'aws:cloudwatch/eventBus:EventBus', name: 'shop', parent: 'u:bus', inputs: {}, outputs: { arn: 'arn:bus' } },
        { urn: 'u:q', type: 'aws:sqs/queue:Queue', name: 'q', parent: null, inputs: {}, outputs: { arn: 'arn:q', url: 'https://q' } },
      ],
    };
    expect(formatPlan(p)).to.equal([
      'herald plan: 3 resources on aws, region eu-west-1 (project herald, stack dev)',
      '  herald:aws:Bus  shop  arn:bus',
      '    aws:cloudwatch/eventBus:EventBus  shop  arn:bus',
      '  aws:sqs/queue:Queue  q  https://q',
      'outputs:',
      '  queues.payments.url: https://q',
      '  queues.payments.dlq.url: https://d',
      '  topics: {}',
      '  webhookUrls.payments: https://h',
      '  alarms: ["a","b"]',
    ].join('\n'));
  });

  it('says every part of a location, in the order the target gives it', () => {
    const p: Plan = { project: 'herald', stack: 'dev-gcp', cloud: 'gcp', location: { project: 'herald-dev', region: 'europe-west1' }, diagnostics: [], outputs: {}, resources: [] };
    expect(formatPlan(p).split('\n')[0]).to.equal('herald plan: 0 resources on gcp, project herald-dev, region europe-west1 (project herald, stack dev-gcp)');
  });

  it('plans Pulumi.dev.yaml on aws and Pulumi.dev-<cloud>.yaml on every other cloud', () => {
    expect(CLOUD_NAMES.map(defaultStack)).to.deep.equal(['dev', 'dev-azure', 'dev-gcp', 'dev-kafka']);
  });

  it('refuses a cloud not built yet before reading any stack file, and a stack file without what the target needs', async () => {
    for (const cloud of CLOUD_NAMES.filter((c) => !(BUILT_CLOUDS as string[]).includes(c))) {
      await expectReject(plan({ cloud, projectDir: tmpdir() }), pulumi.RunError, new RegExp(`herald:cloud "${cloud}" is not built yet; built: ${BUILT_CLOUDS.join(', ')}`));
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'herald-plan-'));
    writeFileSync(path.join(dir, 'Pulumi.yaml'), 'name: shop\n');
    writeFileSync(path.join(dir, 'Pulumi.dev.yaml'), 'config:\n  herald:cloud: aws\n');
    await expectReject(plan({ cloud: 'aws', projectDir: dir }), Error,
      /^Pulumi\.dev\.yaml does not set aws:region, which the plan needs to say where resources go \(pulumi config set aws:region <value> --stack dev\)$/);
  });
});

/** What each cloud's mock target will read, for the clouds whose target is not built yet (then its `requiredConfig` is checked instead). */
const NEEDED_OFFLINE: Record<Exclude<CloudName, keyof typeof mockTargets>, readonly string[]> = {
  // The subscription id is not config: like AWS's account, it comes from the credentials at deploy and is made up by the mock target.
  azure: ['azure-native:location'],
  gcp: ['gcp:project', 'gcp:region'],
};

describe('committed stack files', () => {
  for (const cloud of CLOUD_NAMES) {
    it(`Pulumi.${defaultStack(cloud)}.yaml names ${cloud} and carries what its plan needs offline`, () => {
      const { config } = readStackConfig(ROOT, 'herald', defaultStack(cloud));
      expect(config['herald:cloud']).to.equal(cloud);
      const needed = cloud in mockTargets ? mockTargets[cloud as keyof typeof mockTargets].requiredConfig : NEEDED_OFFLINE[cloud as keyof typeof NEEDED_OFFLINE];
      for (const key of needed) expect(config[key], `${key} in Pulumi.${defaultStack(cloud)}.yaml`).to.be.a('string').and.not.equal('');
    });
  }
});
