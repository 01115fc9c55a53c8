/** The mock-target registry and the check of a stack's config before a plan builds its mock cloud. */
import { expect } from 'chai';
import { BUILT_CLOUDS } from '../../providers';
import { mockCloudFor, mockTargets } from '../../providers/mock-targets';
import type { MockTarget } from '../../providers/mocks';

/** Shaped like GCP's future target: two keys, and a location of two parts. */
const fakeGcp: MockTarget = {
  requiredConfig: ['gcp:project', 'gcp:region'],
  forStack: (config) => ({ location: { project: config['gcp:project']!, region: config['gcp:region']! }, calls: {}, report: () => ({ state: {} }) }),
};

describe('mock targets', () => {
  it('has a target for every built cloud', () => {
    expect(Object.keys(mockTargets)).to.deep.equal(BUILT_CLOUDS);
  });

  it("builds the target's mock cloud from a stack's config", () => {
    const cloud = mockCloudFor(fakeGcp, { 'gcp:project': 'herald-dev', 'gcp:region': 'europe-west1' }, 'dev-gcp');
    expect(cloud.location).to.deep.equal({ project: 'herald-dev', region: 'europe-west1' });
  });

  it('names the stack file and every key it lacks (an empty value too), with the command that sets each', () => {
    expect(() => mockCloudFor(fakeGcp, { 'gcp:region': '' }, 'dev-gcp')).to.throw(Error,
      'Pulumi.dev-gcp.yaml does not set gcp:project, gcp:region, which the plan needs to say where resources go '
      + '(pulumi config set gcp:project <value> --stack dev-gcp; pulumi config set gcp:region <value> --stack dev-gcp)');
  });
});
