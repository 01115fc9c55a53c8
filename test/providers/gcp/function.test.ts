/** fn → a gen2 function from a hashed source object, its own account, resource-level grants, internal ingress. */
import { expect } from 'chai';
import { OrderPlaced, OrderPlacedV1, PaymentFailed, PaymentReceived } from '../../../app/events';
import { topology } from '../../../contracts';
import { GCP_ENTRY_POINT } from '../../../providers/gcp/bundle';
import { cpuFor, sourceObjectName } from '../../../providers/gcp/function';
import { GCP_CONFIG_ENV } from '../../../providers/gcp/runtime/config';
import { grants, realizeOnGcp } from '../../helpers/gcp-mocks';
import { findResource, inventoryOf, json } from '../../helpers/pulumi-mocks';

const fn = (name: string) => findResource('gcp:cloudfunctionsv2/function:Function', name);

function app() {
  const t = topology('f').event(OrderPlacedV1, OrderPlaced);
  const bus = t.bus('shop');
  t.fn('charge', {
    handler: 'functions/charge-payment.ts', timeout: '20s', memory: 1024, concurrency: 4, environment: { MODE: 'live' },
    publishes: { to: bus, events: [PaymentReceived, PaymentFailed] },
  }).subscribe(bus, { events: [OrderPlaced], via: t.queue('payments') });
  return t.build();
}

describe('gcp function', () => {
  it('creates its account, its push account, the source object, the function and the grants, nothing else', async () => {
    await realizeOnGcp(app());
    expect(inventoryOf(findResource('herald:gcp:Function', 'charge'))).to.deep.equal({
      'gcp:serviceaccount/account:Account': 2, // runs as; pushes as
      'gcp:storage/bucketObject:BucketObject': 1,
      'gcp:cloudfunctionsv2/function:Function': 1,
      'gcp:pubsub/topicIAMMember:TopicIAMMember': 2, // publishes to the bus; dead-letters into the queue's topic
      'gcp:storage/bucketIAMMember:BucketIAMMember': 2, // claim check: create, read
      'gcp:projects/iAMMember:IAMMember': 1, // idempotency, narrowed to the stack's database
      'gcp:cloudrunv2/serviceIamMember:ServiceIamMember': 1, // the push account invokes this function
      'gcp:serviceaccount/iAMMember:IAMMember': 1, // the Pub/Sub agent mints the push account's tokens
      'gcp:monitoring/alertPolicy:AlertPolicy': 1, // its push error rate
    });
  });

  it('is gen2 Node 22, built by the build account into the stack\'s repository from a source object named by the bundle\'s hash', async () => {
    await realizeOnGcp(app());
    const f = fn('charge').inputs;
    const source = findResource('gcp:storage/bucketObject:BucketObject', 'charge-source');
    const sources = findResource('gcp:storage/bucket:Bucket', 'f-sources');
    expect(source.inputs.name).to.match(/^f-test\/charge-[0-9a-f]{16}\.zip$/);
    expect(source.inputs.bucket).to.equal(sources.outputs.name);
    expect(f.buildConfig).to.deep.equal({
      runtime: 'nodejs22', entryPoint: GCP_ENTRY_POINT,
      source: { storageSource: { bucket: sources.outputs.name, object: source.inputs.name } },
      serviceAccount: findResource('gcp:serviceaccount/account:Account', 'f-build').id,
      dockerRepository: findResource('gcp:artifactregistry/repository:Repository', 'f-images').id,
    });
    expect(f).not.to.have.property('eventTrigger');
    expect(sources.inputs).to.include({ uniformBucketLevelAccess: true, publicAccessPrevention: 'enforced' });
  });

  it('takes timeout, memory, CPU and maximum instances from the spec, one request per instance, internal ingress only', async () => {
    await realizeOnGcp(app());
    const c = fn('charge').inputs.serviceConfig;
    expect(c).to.deep.include({
      timeoutSeconds: 20, availableMemory: '1024M', availableCpu: cpuFor(1024), maxInstanceCount: 4, maxInstanceRequestConcurrency: 1,
      ingressSettings: 'ALLOW_INTERNAL_ONLY', serviceAccountEmail: findResource('gcp:serviceaccount/account:Account', 'charge-sa').outputs.email,
    });
    expect(c.environmentVariables.MODE).to.equal('live');
    const config = json(c.environmentVariables[GCP_CONFIG_ENV]);
    expect(config).to.deep.include({ kind: 'function', name: 'charge', project: 'herald-dev', timeoutMs: 20_000 });
    expect(config.idempotency).to.deep.equal({ database: 'f-test', collection: 'herald-idempotency' });
    expect(config.claimCheckBucket).to.equal(findResource('gcp:storage/bucket:Bucket', 'f-claim-check').outputs.name);
  });

  it('grants exactly publish on its bus and its dead-letter topic, the claim check, and datastore on its database only', async () => {
    await realizeOnGcp(app());
    const me = findResource('gcp:serviceaccount/account:Account', 'charge-sa').outputs.member;
    const mine = grants().filter((g) => g.member === me).map(({ role, on }) => ({ role, on }));
    const bucket = findResource('gcp:storage/bucket:Bucket', 'f-claim-check').outputs.name;
    expect(mine).to.have.deep.members([
      { role: 'roles/pubsub.publisher', on: findResource('gcp:pubsub/topic:Topic', 'shop').id },
      { role: 'roles/pubsub.publisher', on: findResource('gcp:pubsub/topic:Topic', 'payments-dlq').id },
      { role: 'roles/storage.objectCreator', on: bucket },
      { role: 'roles/storage.objectViewer', on: bucket },
      { role: 'roles/datastore.user', on: 'herald-dev' },
    ]);
    expect(mine).to.have.length(5);
    expect(findResource('gcp:projects/iAMMember:IAMMember', 'charge-idempotency').inputs.condition).to.deep.equal({
      title: 'herald-idempotency-database', expression: 'resource.name == "projects/herald-dev/databases/f-test"',
    });
  });

  it('sizes CPU to memory as Cloud Functions does, and names sources by content', () => {
    expect([128, 256, 512, 1024, 2048, 4096, 16384, 32768].map(cpuFor)).to.deep.equal(['0.083', '0.167', '0.333', '0.583', '1', '2', '4', '8']);
    expect(sourceObjectName('p', 'f', { hash: 'ab'.repeat(32) })).to.equal(`p/f-${'ab'.repeat(8)}.zip`);
  });
});
