/**
 * Realizing on GCP under the shared Pulumi mocks (test/helpers/pulumi-mocks.ts: one engine per process,
 * whose mock cloud is AWS's). GCP resources and provider functions are answered by the GCP mock target
 * (providers/gcp/mocks.ts, the one `herald plan --cloud gcp` uses): the engine's cloud becomes one that
 * sends `gcp:` types and calls there and everything else to AWS, so AWS tests in the same process see no
 * change.
 */
import * as pulumi from '@pulumi/pulumi';
import type { Topology } from '../../contracts';
import { gcpMockCloud } from '../../providers/gcp/mocks';
import { settle, withCheapStacks, type MockCloud } from '../../providers/mocks';
import { APP, capturingWarnings, engine, mocksReady, resourcesOf, type RecordedResource } from './pulumi-mocks';

/** The committed Pulumi.dev-gcp.yaml's project and region. */
export const DEV_GCP = { 'gcp:project': 'herald-dev', 'gcp:region': 'europe-west1' } as const;

const gcp = gcpMockCloud({ project: DEV_GCP['gcp:project'], region: DEV_GCP['gcp:region'] });
const aws = engine.cloud;
const both: MockCloud = {
  location: aws.location,
  calls: { ...aws.calls, ...gcp.calls },
  report: (r) => (r.type.startsWith('gcp:') ? gcp.report(r) : aws.report(r)),
};
// The engine's cloud is fixed at construction; the composite answers AWS exactly as before.
Object.defineProperty(engine, 'cloud', { value: both });

/**
 * Realizes `t` on GCP from a clean record, stack `test`, with the dev-gcp project and region plus
 * `config`; resolves to what realize returned and the warnings and notes logged.
 */
export async function realizeOnGcp(t: Topology, config: Record<string, string> = {}, secretKeys: string[] = []) {
  await mocksReady;
  engine.reset();
  pulumi.runtime.setAllConfig({ ...DEV_GCP, ...config }, secretKeys);
  const { realize } = await import('../../providers/realize.js');
  const { gcp: provider } = await import('../../providers/gcp/index.js');
  try {
    return await capturingWarnings(() => withCheapStacks(async () => {
      try {
        return await realize(t, provider, { app: APP, stack: 'test' });
      } finally {
        await settle();
        await engine.flush();
      }
    }));
  } finally {
    pulumi.runtime.setAllConfig({});
  }
}

/** One IAM member binding recorded: its role, member and the resource it is on. */
export interface Grant {
  readonly type: string;
  readonly name: string;
  readonly role: string;
  readonly member: string;
  /** The resource the binding names (a topic, subscription, bucket, secret, service account, service or project). */
  readonly on: string;
}

/** Every IAM member binding recorded since the last realize. */
export function grants(): Grant[] {
  return engine.resources.filter((r) => typeof r.inputs.role === 'string' && typeof r.inputs.member === 'string').map((r) => ({
    type: r.type, name: r.name, role: r.inputs.role, member: r.inputs.member,
    on: String(r.inputs.topic ?? r.inputs.subscription ?? r.inputs.bucket ?? r.inputs.secretId ?? r.inputs.serviceAccountId
      ?? r.inputs.repository ?? (r.type === 'gcp:cloudrunv2/serviceIamMember:ServiceIamMember' ? r.inputs.name : r.inputs.project)),
  }));
}

export { resourcesOf, type RecordedResource };
