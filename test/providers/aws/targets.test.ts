/** Rule targets: explicit retry policy and DLQ on every target; queue policies listing every sender. */
import { expect } from 'chai';
import { TARGET_RETRY_POLICY } from '../../../providers/aws/targets';
import { queuePolicyDocument } from '../../../providers/aws/iam';
import { json, realizeOnAws, resourcesOf } from '../../helpers/pulumi-mocks';
import { promiseOf } from '../../helpers/outputs';
import { everyKind, WEBHOOK_SECRET } from '../../helpers/topologies';

describe('aws targets', () => {
  it('gives every EventBridge target the maximum retry policy and a dead-letter queue', async () => {
    await realizeOnAws(everyKind(), ...WEBHOOK_SECRET);
    const targets = resourcesOf('aws:cloudwatch/eventTarget:EventTarget');
    expect(targets.length).to.equal(6); // confirm, book, payments(charge), audit, report, media upload
    for (const t of targets) {
      expect(t.inputs.retryPolicy, t.name).to.deep.equal(TARGET_RETRY_POLICY);
      expect(t.inputs.deadLetterConfig?.arn, t.name).to.match(/^arn:aws:sqs:/);
    }
    expect(TARGET_RETRY_POLICY).to.deep.equal({ maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 });
  });

  it('repeats the custom bus name on targets of custom-bus rules, and omits it for the default bus', async () => {
    await realizeOnAws(everyKind(), ...WEBHOOK_SECRET);
    const rules = new Map(resourcesOf('aws:cloudwatch/eventRule:EventRule').map((r) => [r.outputs.name, r]));
    for (const t of resourcesOf('aws:cloudwatch/eventTarget:EventTarget')) {
      expect(t.inputs.eventBusName, t.name).to.equal(rules.get(t.inputs.rule)!.inputs.eventBusName);
    }
  });

  it('writes one statement per service, each limited to its source ARNs', async () => {
    const doc = json(await promiseOf(queuePolicyDocument('arn:aws:sqs:r:1:q', [
      { service: 'events.amazonaws.com', sourceArn: 'arn:rule/a' },
      { service: 'sns.amazonaws.com', sourceArn: 'arn:topic' },
      { service: 'events.amazonaws.com', sourceArn: 'arn:rule/b' },
    ])));
    expect(doc.Statement.map((s: any) => [s.Principal.Service, s.Action, s.Resource, s.Condition.ArnEquals['aws:SourceArn']])).to.deep.equal([
      ['events.amazonaws.com', 'sqs:SendMessage', 'arn:aws:sqs:r:1:q', ['arn:rule/a', 'arn:rule/b']],
      ['sns.amazonaws.com', 'sqs:SendMessage', 'arn:aws:sqs:r:1:q', ['arn:topic']],
    ]);
  });
});
