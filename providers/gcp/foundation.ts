/**
 * What a GCP stack needs once, before any kind:
 * - the project and region, from the stack's `gcp:project` and `gcp:region` (the provider's own keys);
 * - the APIs Herald's resources need, enabled and never disabled on destroy (other workloads of the
 *   project may use them);
 * - the Pub/Sub service agent (`projects.ServiceIdentity`, which also makes sure it exists), which
 *   dead-letters messages and mints push tokens, and the project number (`organizations.getProject`);
 * - the GCS service agent, which publishes upload notifications;
 * - where function code goes: a private source bucket, an Artifact Registry repository for the images
 *   Cloud Build makes of it, and the service account Cloud Build runs as, granted exactly those two plus
 *   writing its logs (Cloud Build's default account would otherwise be the project's over-privileged one).
 * Every GCP resource of the stack waits for the APIs (`afterApis`).
 * @see https://cloud.google.com/pubsub/docs/handling-failures#grant_forwarding_permissions
 * @see https://cloud.google.com/functions/docs/securing/build-custom-sa
 */
import * as pulumi from '@pulumi/pulumi';
import * as artifactregistry from '@pulumi/gcp/artifactregistry';
import * as organizations from '@pulumi/gcp/organizations';
import * as projects from '@pulumi/gcp/projects';
import type * as serviceaccount from '@pulumi/gcp/serviceaccount';
import * as storage from '@pulumi/gcp/storage';
import { TopologyError, InvalidOptionError } from '../../contracts';
import { bucketMember, projectMember, ROLES, serviceAccountFor } from './iam';
import type { Labels } from './labels';
import { resourceName, serviceAccountId, stackPrefix } from './names';

/** The APIs a Herald stack uses, each for a reason. */
export const REQUIRED_APIS = [
  'pubsub.googleapis.com', // buses, queues, topics, streams, dead letters
  'cloudfunctions.googleapis.com', // functions (gen2)
  'run.googleapis.com', // gen2 functions run as Cloud Run services
  'cloudbuild.googleapis.com', // gen2 functions are built by Cloud Build
  'artifactregistry.googleapis.com', // where the built images go
  'cloudscheduler.googleapis.com', // schedules
  'eventarc.googleapis.com', // table change triggers
  'firestore.googleapis.com', // idempotency store and tables
  'secretmanager.googleapis.com', // webhook signing secrets
  'monitoring.googleapis.com', // alert policies
  'iam.googleapis.com', // service accounts
  'cloudresourcemanager.googleapis.com', // the project's IAM bindings (roles that exist only at project level)
  'storage.googleapis.com', // buckets
] as const;

/** The stack's project and region. @throws TopologyError naming each missing key and the command that sets it. */
export function readGcpLocation(config: { get(key: string): string | undefined } = new pulumi.Config('gcp')): { project: string; region: string } {
  const project = config.get('project');
  const region = config.get('region');
  const missing = Object.entries({ project, region }).filter(([, v]) => !v).map(([k]) => k);
  if (missing.length) {
    throw new TopologyError(missing.map((k) => new InvalidOptionError(`config.gcp:${k}`, `gcp:${k} is not set; run \`pulumi config set gcp:${k} <value>\``)));
  }
  return { project: project!, region: region! };
}

export interface GcpFoundationArgs {
  readonly app: string;
  readonly stack: string;
  readonly labels: Labels;
}

/** `herald:gcp:Foundation`: the enabled APIs, the service agents and where function code is built. */
export class GcpFoundation extends pulumi.ComponentResource {
  readonly project: string;
  readonly region: string;
  /** `<app>-<stack>`: the prefix of names in the project's one namespace. */
  readonly prefix: string;
  readonly apis: readonly projects.Service[];
  readonly projectNumber: pulumi.Output<string>;
  /** The Pub/Sub service agent: `service-<project number>@gcp-sa-pubsub.iam.gserviceaccount.com`. */
  readonly pubsubAgent: projects.ServiceIdentity;
  /** The Cloud Storage service agent's IAM member (publishes upload notifications). */
  readonly storageAgentMember: pulumi.Output<string>;
  readonly sourceBucket: storage.Bucket;
  readonly imageRepository: artifactregistry.Repository;
  readonly buildAccount: serviceaccount.Account;
  /** What the build account may do: functions wait for these before Cloud Build runs as it. */
  readonly buildGrants: readonly pulumi.Resource[];
  readonly outputs: Readonly<Record<string, pulumi.Output<string> | string>>;

  constructor(name: string, args: GcpFoundationArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:gcp:Foundation', name, {}, opts);
    ({ project: this.project, region: this.region } = readGcpLocation());
    this.prefix = stackPrefix(args.app, args.stack);
    this.apis = REQUIRED_APIS.map((service) => new projects.Service(`${name}-${service.split('.')[0]}`, {
      project: this.project,
      service,
      // Other workloads of the project may use the API: destroying the stack must not turn it off.
      disableOnDestroy: false,
    }, { parent: this }));
    const after = { parent: this, dependsOn: [...this.apis] };
    this.projectNumber = organizations.getProjectOutput({ projectId: this.project }, { parent: this }).number;
    this.pubsubAgent = new projects.ServiceIdentity(`${name}-pubsub-agent`, { project: this.project, service: 'pubsub.googleapis.com' }, after);
    this.storageAgentMember = storage.getProjectServiceAccountOutput({ project: this.project }, { parent: this }).member;

    this.sourceBucket = privateBucket(`${name}-sources`, { location: this.region, labels: args.labels }, after);
    this.imageRepository = new artifactregistry.Repository(`${name}-images`, {
      repositoryId: `${this.prefix}-functions`.slice(0, 63).replace(/-+$/, ''),
      location: this.region,
      format: 'DOCKER',
      description: `Herald ${args.app} (${args.stack}): images Cloud Build makes of the functions`,
      labels: args.labels,
    }, after);
    this.buildAccount = serviceAccountFor(`${name}-build`, serviceAccountId(`${this.prefix}/build`, 'herald-build'), `Herald ${this.prefix} function builds`, this);
    const builder = this.buildAccount.member;
    this.buildGrants = [
      bucketMember(`${name}-build-sources`, this.sourceBucket.name, ROLES.objectViewer, builder, this),
      new artifactregistry.RepositoryIamMember(`${name}-build-images`, {
        repository: this.imageRepository.name, location: this.region, role: ROLES.artifactWriter, member: builder,
      }, { parent: this }),
      projectMember(`${name}-build-logs`, this.project, ROLES.logWriter, builder, this),
    ];

    this.outputs = {
      project: this.project, region: this.region, projectNumber: this.projectNumber,
      pubsubServiceAgent: this.pubsubAgent.email, sourceBucket: this.sourceBucket.name,
    };
    this.registerOutputs(this.outputs);
  }

  /**
   * Options for a kind's component whose resources must wait for the APIs: a transformation adds the API
   * resources to every GCP resource under it (a component's own `dependsOn` is not inherited by its children).
   */
  afterApis(): pulumi.ComponentResourceOptions {
    const apis = this.apis;
    return {
      transformations: [(a) => (a.type.startsWith('gcp:') ? { props: a.props, opts: pulumi.mergeOptions(a.opts, { dependsOn: [...apis] }) } : undefined)],
    };
  }
}

/**
 * A private bucket: uniform bucket-level access (no object ACLs) and public access prevention enforced,
 * so no grant can ever make it public. Every bucket Herald creates is one.
 * @see https://cloud.google.com/storage/docs/public-access-prevention
 */
export function privateBucket(name: string, a: { location: string; labels: Labels; extra?: Partial<storage.BucketArgs> }, opts: pulumi.CustomResourceOptions): storage.Bucket {
  return new storage.Bucket(resourceName('storageBucket', name), {
    location: a.location,
    uniformBucketLevelAccess: true,
    publicAccessPrevention: 'enforced',
    labels: a.labels,
    ...a.extra,
  }, opts);
}
