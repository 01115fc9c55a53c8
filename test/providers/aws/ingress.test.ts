/** Ingress functions: their bundle, settings, config and grants (publish only the declared event). */
import { expect } from 'chai';
import * as pulumi from '@pulumi/pulumi';
import { INGRESS_SETTINGS } from '../../../providers/aws/ingress';
import { findResource, json, realizeOnAws } from '../../helpers/pulumi-mocks';
import { everyKind, WEBHOOK_SECRET } from '../../helpers/topologies';

describe('aws ingress', () => {
  before(() => realizeOnAws(everyKind(), ...WEBHOOK_SECRET));

  it('runs each kind\'s ingress bundle with its timeout', async () => {
    for (const [name, kind] of [['media-upload', 'upload'], ['rows-change', 'change']] as const) {
      const fn = findResource('aws:lambda/function:Function', name);
      expect(fn.inputs).to.include({ runtime: 'nodejs22.x', handler: 'index.handler', timeout: INGRESS_SETTINGS[kind].timeoutSeconds });
      const code = await (fn.inputs.code as pulumi.asset.AssetArchive).assets;
      expect(await (code['index.js'] as pulumi.asset.StringAsset).text).to.contain('createIngressHandler');
    }
    expect(INGRESS_SETTINGS.webhook.timeoutSeconds).to.be.below(30); // inside API Gateway's integration timeout
  });

  it('publishes a change to the topic it names, with only sns:Publish on that topic', () => {
    const topic = findResource('aws:sns/topic:Topic', 'fanout').outputs.arn;
    const config = json(findResource('aws:lambda/function:Function', 'rows-change').inputs.environment.variables.HERALD_AWS_CONFIG);
    expect(config).to.deep.include({ kind: 'change', emits: 'RowChanged.v1', publishTo: { kind: 'topic', topicArn: topic } });
    const statements = json(findResource('aws:iam/rolePolicy:RolePolicy', 'rows-change-policy').inputs.policy).Statement;
    expect(statements.find((s: any) => s.Sid === 'Publish')).to.deep.include({ Action: ['sns:Publish'], Resource: [topic] });
  });

  it('may put only the declared event on the bus, and only write claim checks', () => {
    const statements = json(findResource('aws:iam/rolePolicy:RolePolicy', 'media-upload-policy').inputs.policy).Statement;
    expect(statements.find((s: any) => s.Sid === 'PutEvents').Condition).to.deep.equal({ StringEquals: { 'events:detail-type': ['ImageUploaded.v1'], 'events:source': ['shop.media'] } });
    expect(statements.find((s: any) => s.Sid === 'ClaimCheck')).to.deep.include({
      Action: ['s3:PutObject'], Resource: [`${findResource('aws:s3/bucket:Bucket', 'every-claim-check').outputs.arn}/claim-check/*`],
    });
  });
});
