/**
 * The mock targets, by cloud: a typed record, so `herald plan --cloud <c>` picks one statically, and a
 * cloud whose provider is built but has no mock target fails to compile (a plan could not run on it).
 */
import type { CloudName } from '../contracts';
import { awsMockTarget } from './aws/mocks';
import { azureMockTarget } from './azure/mocks';
import { gcpMockTarget } from './gcp/mocks';
import { kafkaMockTarget } from './kafka/mocks';
import type { MockCloud, MockTarget } from './mocks';
import type { BuiltCloud } from './index';

/** Every cloud's mock target. */
export const mockTargets = { aws: awsMockTarget, azure: azureMockTarget, gcp: gcpMockTarget, kafka: kafkaMockTarget } satisfies Record<BuiltCloud, MockTarget> & Partial<Record<CloudName, MockTarget>>;

/**
 * The mock cloud for a stack's config.
 * @throws Error naming the stack file and every config key the target needs and the file lacks, with the
 *   command that sets it.
 */
export function mockCloudFor(target: MockTarget, config: Readonly<Record<string, string>>, stack: string): MockCloud {
  const missing = target.requiredConfig.filter((key) => !config[key]);
  if (missing.length) {
    const set = missing.map((key) => `pulumi config set ${key} <value> --stack ${stack}`).join('; ');
    throw new Error(`Pulumi.${stack}.yaml does not set ${missing.join(', ')}, which the plan needs to say where resources go (${set})`);
  }
  return target.forStack(config);
}
