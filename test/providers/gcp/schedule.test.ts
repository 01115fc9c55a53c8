/** schedule → a Cloud Scheduler HTTP job with OIDC to its ingress function, the cron as written, UTC. */
import { expect } from 'chai';
import { ReportRequested } from '../../../app/events';
import { topology } from '../../../contracts';
import { GCP_CONFIG_ENV } from '../../../providers/gcp/runtime/config';
import { SCHEDULE_RETRY } from '../../../providers/gcp/schedule';
import { grants, realizeOnGcp } from '../../helpers/gcp-mocks';
import { findResource, inventoryOf, json } from '../../helpers/pulumi-mocks';

describe('gcp schedule', () => {
  const t = topology('sc');
  const bus = t.bus('shop');
  t.schedule('nightly', { cron: '15 2 * * 1-5', emits: ReportRequested, to: bus, data: { date: '{{scheduledTime}}' } });
  const app = t.build();

  it('is a job, its ingress function with its own account, and the account the job calls it as', async () => {
    await realizeOnGcp(app);
    expect(inventoryOf(findResource('herald:gcp:Schedule', 'nightly'))).to.deep.equal({
      'gcp:serviceaccount/account:Account': 2,
      'gcp:storage/bucketObject:BucketObject': 1,
      'gcp:cloudfunctionsv2/function:Function': 1,
      'gcp:pubsub/topicIAMMember:TopicIAMMember': 1,
      'gcp:storage/bucketIAMMember:BucketIAMMember': 1,
      'gcp:cloudrunv2/serviceIamMember:ServiceIamMember': 1,
      'gcp:cloudscheduler/job:Job': 1,
    });
  });

  it('calls the ingress by POST with an OIDC token whose audience is its URL, on the cron as written, in UTC, with retries', async () => {
    await realizeOnGcp(app);
    const fn = findResource('gcp:cloudfunctionsv2/function:Function', 'nightly-schedule');
    const url = fn.outputs.serviceConfig.uri;
    const invoker = findResource('gcp:serviceaccount/account:Account', 'nightly-schedule-invoker');
    expect(findResource('gcp:cloudscheduler/job:Job', 'nightly').inputs).to.deep.include({
      schedule: '15 2 * * 1-5', timeZone: 'Etc/UTC', region: 'europe-west1', retryConfig: { ...SCHEDULE_RETRY }, attemptDeadline: '45s',
      httpTarget: { uri: url, httpMethod: 'POST', headers: { 'Content-Type': 'application/json' }, oidcToken: { serviceAccountEmail: invoker.outputs.email, audience: url } },
    });
    expect(grants().filter((g) => g.role === 'roles/run.invoker').map(({ member, on }) => ({ member, on }))).to.deep.equal([{ member: invoker.outputs.member, on: fn.outputs.name }]);
    expect(fn.inputs.serviceConfig.ingressSettings).to.equal('ALLOW_INTERNAL_ONLY');
  });

  it('configures the ingress to publish the declared event to the bus, which it alone may publish to', async () => {
    await realizeOnGcp(app);
    const fn = findResource('gcp:cloudfunctionsv2/function:Function', 'nightly-schedule');
    const config = json(fn.inputs.serviceConfig.environmentVariables[GCP_CONFIG_ENV]);
    const topic = findResource('gcp:pubsub/topic:Topic', 'shop').id;
    expect(config).to.deep.include({ kind: 'schedule', name: 'nightly', emits: 'ReportRequested.v1', publishTo: { topic } });
    const me = findResource('gcp:serviceaccount/account:Account', 'nightly-schedule-sa').outputs.member;
    expect(grants().filter((g) => g.member === me).map(({ role, on }) => ({ role, on }))).to.have.deep.members([
      { role: 'roles/pubsub.publisher', on: topic },
      { role: 'roles/storage.objectCreator', on: findResource('gcp:storage/bucket:Bucket', 'sc-claim-check').outputs.name },
    ]);
  });
});
