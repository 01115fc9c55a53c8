/** The GCP mock target: real-form ids, emails and URLs, the provider functions Herald calls, and the config it needs. */
import { expect } from 'chai';
import { gcpMockCloud, gcpMockTarget, mockProjectNumber } from '../../../providers/gcp/mocks';

const cloud = gcpMockCloud({ project: 'p1', region: 'us-central1' });
const report = (type: string, name: string, inputs: Record<string, unknown> = {}) => cloud.report({ type, name, urn: `urn:${type}:${name}`, inputs });

describe('gcp mocks', () => {
  it('needs gcp:project and gcp:region, and says where the stack goes', () => {
    expect(gcpMockTarget.requiredConfig).to.deep.equal(['gcp:project', 'gcp:region']);
    expect(gcpMockTarget.forStack({ 'gcp:project': 'a', 'gcp:region': 'b' }).location).to.deep.equal({ project: 'a', region: 'b' });
  });

  it('makes a stable 12-digit project number, and answers getProject and the Cloud Storage agent with it', () => {
    const n = mockProjectNumber('p1');
    expect(n).to.match(/^[1-9]\d{11}$/).and.equal(mockProjectNumber('p1'));
    expect(cloud.calls['gcp:organizations/getProject:getProject']!({})).to.include({ projectId: 'p1', number: n });
    expect(cloud.calls['gcp:storage/getProjectServiceAccount:getProjectServiceAccount']!({}).emailAddress).to.equal(`service-${n}@gs-project-accounts.iam.gserviceaccount.com`);
  });

  it('reports topics, subscriptions, service accounts and service agents in their real forms', () => {
    expect(report('gcp:pubsub/topic:Topic', 't', { name: 'orders' }).id).to.equal('projects/p1/topics/orders');
    expect(report('gcp:pubsub/subscription:Subscription', 's').id).to.match(/^projects\/p1\/subscriptions\/s-[0-9a-f]{7}$/);
    const sa = report('gcp:serviceaccount/account:Account', 'a', { accountId: 'fn-abc123' });
    expect(sa.state).to.include({ email: 'fn-abc123@p1.iam.gserviceaccount.com', member: 'serviceAccount:fn-abc123@p1.iam.gserviceaccount.com' });
    expect(sa.id).to.equal('projects/p1/serviceAccounts/fn-abc123@p1.iam.gserviceaccount.com');
    expect(report('gcp:projects/serviceIdentity:ServiceIdentity', 'agent', { service: 'pubsub.googleapis.com' }).state.email)
      .to.equal(`service-${mockProjectNumber('p1')}@gcp-sa-pubsub.iam.gserviceaccount.com`);
  });

  it('reports a gen2 function\'s URL and its Cloud Run service\'s deterministic URL', () => {
    const f = report('gcp:cloudfunctionsv2/function:Function', 'f', { name: 'charge', location: 'us-central1', serviceConfig: { timeoutSeconds: 10 } });
    expect(f.id).to.equal('projects/p1/locations/us-central1/functions/charge');
    expect(f.state.url).to.equal('https://us-central1-p1.cloudfunctions.net/charge');
    expect(f.state.serviceConfig).to.deep.equal({
      timeoutSeconds: 10, service: 'projects/p1/locations/us-central1/services/charge', uri: `https://charge-${mockProjectNumber('p1')}.us-central1.run.app`,
    });
  });

  it('reports nothing for another cloud\'s types', () => {
    expect(report('aws:sqs/queue:Queue', 'q')).to.deep.equal({ state: {} });
  });
});
