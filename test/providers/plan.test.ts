/** The plan's pieces: reading a stack's config (secrets never decrypted) and the plain tree. */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { formatPlan, readStackConfig, SECRET_PLACEHOLDER, type Plan } from '../../providers/plan';

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

  it('prints resources indented under their parents, then the outputs', () => {
    const p: Plan = {
      project: 'herald', stack: 'dev', diagnostics: [], outputs: { busName: 'shop-1', herald: { big: true } },
      resources: [
        { urn: 'u:bus', type: 'herald:aws:Bus', name: 'shop', parent: null, inputs: {}, outputs: { arn: 'arn:bus' } },
        { urn: 'u:eb', type: 'aws:cloudwatch/eventBus:EventBus', name: 'shop', parent: 'u:bus', inputs: {}, outputs: { arn: 'arn:bus' } },
        { urn: 'u:q', type: 'aws:sqs/queue:Queue', name: 'q', parent: null, inputs: {}, outputs: { arn: 'arn:q', url: 'https://q' } },
      ],
    };
    expect(formatPlan(p)).to.equal([
      'herald plan: 3 resources (project herald, stack dev)',
      '  herald:aws:Bus  shop  arn:bus',
      '    aws:cloudwatch/eventBus:EventBus  shop  arn:bus',
      '  aws:sqs/queue:Queue  q  https://q',
      'outputs:',
      '  busName: shop-1',
    ].join('\n'));
  });
});
