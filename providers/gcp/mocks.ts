/**
 * GCP as Pulumi's mock engine sees it (`herald plan --cloud gcp` and the deploy tests): the ids, physical
 * names, emails and URLs GCP reports for each resource type Herald creates, in their real forms
 * (`projects/<p>/topics/<t>`, `<id>@<p>.iam.gserviceaccount.com`, a gen2 function's
 * `https://<region>-<p>.cloudfunctions.net/<name>` and its Cloud Run service's deterministic
 * `https://<service>-<project number>.<region>.run.app`), and stubs of the provider functions Herald
 * calls: the project (its number) and the Cloud Storage service agent. The project and region are the
 * stack's `gcp:project` and `gcp:region`; the project number is made up from the project id.
 * @see https://cloud.google.com/run/docs/triggering/https-request#deterministic
 */
import { mockHash as hash, type MockCall, type MockCloud, type MockReport, type MockResource, type MockTarget } from '../mocks';

export interface GcpMockOptions {
  readonly project: string;
  readonly region: string;
}

/** A 12-digit project number, the same for the same project id. */
export function mockProjectNumber(project: string): string {
  return String(100_000_000_000 + (parseInt(hash(`project:${project}`, 12), 16) % 900_000_000_000));
}

/** Resource types whose physical name Pulumi generates when `name` is not given. */
const AUTONAMED = new Set([
  'gcp:pubsub/topic:Topic', 'gcp:pubsub/subscription:Subscription', 'gcp:cloudfunctionsv2/function:Function', 'gcp:storage/bucket:Bucket',
  'gcp:cloudscheduler/job:Job', 'gcp:eventarc/trigger:Trigger',
]);

/** GCP in one project and region. */
export function gcpMockCloud(options: GcpMockOptions): MockCloud {
  const { project, region } = options;
  const number = mockProjectNumber(project);
  const calls: Record<string, MockCall> = {
    'gcp:organizations/getProject:getProject': () => ({
      id: `projects/${project}`, projectId: project, name: project, number, labels: {}, effectiveLabels: {}, pulumiLabels: {}, tags: {},
      autoCreateNetwork: true, billingAccount: '', deletionPolicy: 'PREVENT', folderId: '', orgId: '',
    }),
    'gcp:storage/getProjectServiceAccount:getProjectServiceAccount': () => {
      const email = `service-${number}@gs-project-accounts.iam.gserviceaccount.com`;
      return { id: email, emailAddress: email, member: `serviceAccount:${email}`, project };
    },
  };
  return { location: { project, region }, calls, report: (resource) => report(resource, project, number, region) };
}

/** Reads the project and region from the stack's `gcp:project` and `gcp:region`. */
export const gcpMockTarget: MockTarget = {
  requiredConfig: ['gcp:project', 'gcp:region'],
  forStack: (config) => gcpMockCloud({ project: config['gcp:project']!, region: config['gcp:region']! }),
};

/** The service agent of a Google service, in its real form. */
function serviceAgent(service: string, number: string): string {
  const domain: Record<string, string> = {
    'pubsub.googleapis.com': 'gcp-sa-pubsub', 'eventarc.googleapis.com': 'gcp-sa-eventarc', 'cloudscheduler.googleapis.com': 'gcp-sa-cloudscheduler',
  };
  return `service-${number}@${domain[service] ?? `gcp-sa-${service.split('.')[0]}`}.iam.gserviceaccount.com`;
}

/** What GCP reports for a resource of this type: id, physical name, email, URL, … */
function report({ type, name, urn, inputs }: MockResource, p: string, number: string, r: string): MockReport {
  if (!type.startsWith('gcp:')) return { state: {} };
  const physical: string | undefined = inputs.name ?? (AUTONAMED.has(type) ? `${name}-${hash(urn, 7)}` : undefined);
  const base = { project: inputs.project ?? p, ...(physical !== undefined ? { name: physical } : {}) };
  const digits = (n: number) => String(parseInt(hash(urn, 12), 16)).padStart(n, '7').slice(0, n);
  switch (type) {
    case 'gcp:projects/service:Service': return { id: `${base.project}/${inputs.service}`, state: base };
    case 'gcp:projects/serviceIdentity:ServiceIdentity': {
      const email = serviceAgent(String(inputs.service), number);
      return { id: `projects/${base.project}/services/${inputs.service}`, state: { ...base, email, member: `serviceAccount:${email}` } };
    }
    case 'gcp:pubsub/topic:Topic': return { id: `projects/${base.project}/topics/${physical}`, state: base };
    case 'gcp:pubsub/subscription:Subscription': return { id: `projects/${base.project}/subscriptions/${physical}`, state: base };
    case 'gcp:serviceaccount/account:Account': {
      const email = `${inputs.accountId}@${base.project}.iam.gserviceaccount.com`;
      const id = `projects/${base.project}/serviceAccounts/${email}`;
      return { id, state: { ...base, name: id, email, member: `serviceAccount:${email}`, uniqueId: `1${digits(20)}` } };
    }
    case 'gcp:cloudfunctionsv2/function:Function': {
      const location = String(inputs.location ?? r);
      const service = `projects/${base.project}/locations/${location}/services/${physical}`;
      return {
        id: `projects/${base.project}/locations/${location}/functions/${physical}`,
        state: {
          ...base, location, state: 'ACTIVE', environment: 'GEN_2', url: `https://${location}-${base.project}.cloudfunctions.net/${physical}`,
          serviceConfig: { ...inputs.serviceConfig, service, uri: `https://${physical}-${number}.${location}.run.app` },
        },
      };
    }
    case 'gcp:storage/bucket:Bucket':
      return { id: physical, state: { ...base, url: `gs://${physical}`, selfLink: `https://www.googleapis.com/storage/v1/b/${physical}`, projectNumber: number } };
    case 'gcp:storage/bucketObject:BucketObject':
      return {
        id: `${inputs.bucket}-${inputs.name}`,
        state: { ...base, generation: Number(digits(16)), mediaLink: `https://storage.googleapis.com/download/storage/v1/b/${inputs.bucket}/o/${encodeURIComponent(inputs.name)}?alt=media`, outputName: inputs.name },
      };
    case 'gcp:storage/notification:Notification': {
      const id = digits(2).replace(/^0/, '1');
      return { id: `${inputs.bucket}/notificationConfigs/${id}`, state: { ...base, notificationId: id, selfLink: `https://www.googleapis.com/storage/v1/b/${inputs.bucket}/notificationConfigs/${id}` } };
    }
    case 'gcp:firestore/database:Database':
      return { id: `projects/${base.project}/databases/${inputs.name}`, state: { ...base, uid: hash(urn, 32), keyPrefix: hash(urn, 8) } };
    case 'gcp:firestore/field:Field': {
      const id = `projects/${base.project}/databases/${inputs.database ?? '(default)'}/collectionGroups/${inputs.collection}/fields/${inputs.field}`;
      return { id, state: { ...base, name: id } };
    }
    case 'gcp:artifactregistry/repository:Repository': {
      const location = String(inputs.location ?? r);
      return { id: `projects/${base.project}/locations/${location}/repositories/${inputs.repositoryId}`, state: { ...base, location, name: inputs.repositoryId, registryUri: `${location}-docker.pkg.dev/${base.project}/${inputs.repositoryId}` } };
    }
    case 'gcp:cloudscheduler/job:Job': {
      const location = String(inputs.region ?? r);
      return { id: `projects/${base.project}/locations/${location}/jobs/${physical}`, state: { ...base, region: location, state: 'ENABLED' } };
    }
    case 'gcp:eventarc/trigger:Trigger': {
      const location = String(inputs.location);
      return { id: `projects/${base.project}/locations/${location}/triggers/${physical}`, state: { ...base, uid: hash(urn, 32) } };
    }
    case 'gcp:monitoring/alertPolicy:AlertPolicy': {
      const id = `projects/${base.project}/alertPolicies/${digits(19)}`;
      return { id, state: { ...base, name: id } };
    }
    case 'gcp:secretmanager/secret:Secret': {
      const secretId = String(inputs.secretId ?? `${name}-${hash(urn, 7)}`);
      const id = `projects/${base.project}/secrets/${secretId}`;
      return { id, state: { ...base, secretId, name: `projects/${number}/secrets/${secretId}` } };
    }
    case 'gcp:secretmanager/secretVersion:SecretVersion': {
      const id = `${String(inputs.secret).replace(`projects/${base.project}/`, `projects/${number}/`)}/versions/1`;
      return { id, state: { ...base, name: id, version: '1' } };
    }
    default:
      // IAM members and the like: GCP's id is the resource, the role and the member.
      if (inputs.role && inputs.member) return { id: `${hash(urn, 12)}/${inputs.role}/${inputs.member}`, state: { ...base, etag: `BwY${hash(urn, 8)}` } };
      return { state: base };
  }
}
