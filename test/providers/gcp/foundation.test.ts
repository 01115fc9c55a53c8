/** The foundation: APIs kept on destroy, the service agents, where code is built, and every resource waiting for the APIs. */
import { expect } from 'chai';
import { OrderPlaced } from '../../../app/events';
import { topology, TopologyError } from '../../../contracts';
import { readGcpLocation, REQUIRED_APIS } from '../../../providers/gcp/foundation';
import { mockProjectNumber } from '../../../providers/gcp/mocks';
import { grants, realizeOnGcp, resourcesOf } from '../../helpers/gcp-mocks';
import { promiseOf } from '../../helpers/outputs';
import { findResource, inventoryOf } from '../../helpers/pulumi-mocks';

function app() {
  const t = topology('base');
  t.fn('audit', { handler: 'functions/audit-orders.ts' }).subscribe(t.bus('shop'), { events: [OrderPlaced] });
  return t.build();
}

describe('gcp foundation', () => {
  it('enables every API the stack uses, never disabling one on destroy', async () => {
    await realizeOnGcp(app());
    const apis = resourcesOf('gcp:projects/service:Service');
    expect(apis.map((a) => a.inputs.service)).to.deep.equal([...REQUIRED_APIS]);
    for (const a of apis) expect(a.inputs, a.name).to.include({ project: 'herald-dev', disableOnDestroy: false });
    expect(inventoryOf(findResource('herald:gcp:Foundation', 'base'))).to.deep.equal({
      'gcp:projects/service:Service': REQUIRED_APIS.length,
      'gcp:projects/serviceIdentity:ServiceIdentity': 1,
      'gcp:storage/bucket:Bucket': 1,
      'gcp:artifactregistry/repository:Repository': 1,
      'gcp:serviceaccount/account:Account': 1,
      'gcp:storage/bucketIAMMember:BucketIAMMember': 1,
      'gcp:artifactregistry/repositoryIamMember:RepositoryIamMember': 1,
      'gcp:projects/iAMMember:IAMMember': 1,
    });
  });

  it('makes sure the Pub/Sub service agent exists, in its real form with the project number', async () => {
    const { result } = await realizeOnGcp(app());
    const agent = findResource('gcp:projects/serviceIdentity:ServiceIdentity', 'base-pubsub-agent');
    expect(agent.inputs).to.deep.equal({ project: 'herald-dev', service: 'pubsub.googleapis.com' });
    const number = mockProjectNumber('herald-dev');
    expect(agent.outputs.email).to.equal(`service-${number}@gcp-sa-pubsub.iam.gserviceaccount.com`);
    const foundation = result.resources.foundation.get('base')!;
    expect(await promiseOf(foundation.projectNumber)).to.equal(number);
  });

  it('builds functions as an account of its own, which may read the sources, push images to the stack\'s repository and write logs only', async () => {
    await realizeOnGcp(app());
    const builder = findResource('gcp:serviceaccount/account:Account', 'base-build').outputs.member;
    expect(grants().filter((g) => g.member === builder).map(({ role, on }) => ({ role, on }))).to.have.deep.members([
      { role: 'roles/storage.objectViewer', on: findResource('gcp:storage/bucket:Bucket', 'base-sources').outputs.name },
      { role: 'roles/artifactregistry.writer', on: findResource('gcp:artifactregistry/repository:Repository', 'base-images').outputs.name },
      { role: 'roles/logging.logWriter', on: 'herald-dev' },
    ]);
    expect(findResource('gcp:artifactregistry/repository:Repository', 'base-images').inputs).to.include({ format: 'DOCKER', location: 'europe-west1', repositoryId: 'base-test-functions' });
  });

  it('makes every GCP resource of a kind wait for the APIs', async () => {
    const { result } = await realizeOnGcp(app());
    const f = result.resources.foundation.get('base')!;
    const transform = f.afterApis().transformations![0]!;
    const topic = transform({ type: 'gcp:pubsub/topic:Topic', name: 't', props: {}, opts: {}, resource: undefined as never });
    expect(topic?.opts.dependsOn).to.deep.equal([...f.apis]);
    expect(transform({ type: 'herald:gcp:Bus', name: 'b', props: {}, opts: {}, resource: undefined as never })).to.equal(undefined);
  });

  it('reads the project and region from gcp:project and gcp:region, naming each one missing', () => {
    const config = (values: Record<string, string>) => ({ get: (k: string) => values[k] });
    expect(readGcpLocation(config({ project: 'p', region: 'r' }))).to.deep.equal({ project: 'p', region: 'r' });
    expect(() => readGcpLocation(config({ region: 'r' }))).to.throw(TopologyError, /gcp:project is not set; run `pulumi config set gcp:project <value>`/);
    try {
      readGcpLocation(config({}));
      expect.fail('expected a TopologyError');
    } catch (e) {
      expect((e as TopologyError).issues.map((i) => i.field)).to.deep.equal(['config.gcp:project', 'config.gcp:region']);
    }
  });
});
