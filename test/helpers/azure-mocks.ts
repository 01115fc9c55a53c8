/**
 * Realizing on Azure under the shared Pulumi mocks (test/helpers/pulumi-mocks.ts: one engine per process).
 * For the call, the engine reports resources as Azure would (providers/azure/mocks.ts, the mock target
 * `herald plan --cloud azure` uses): resource ids under the made-up subscription, physical names,
 * endpoints, principal and client ids, so a test compares a role's scope with a queue's id. The AWS
 * mock cloud is put back afterwards.
 */
import * as pulumi from '@pulumi/pulumi';
import type { Topology } from '../../contracts';
import { azureMockCloud } from '../../providers/azure/mocks';
import { settle, withCheapStacks, type MockCloud, type RecordedResource } from '../../providers/mocks';
import { APP, capturingWarnings, engine, findResource, mocksReady, resourcesOf, unsecret } from './pulumi-mocks';

/** The committed Pulumi.dev-azure.yaml's config. */
export const DEV_AZURE = { 'azure-native:location': 'westeurope' } as const;

/**
 * Realizes `t` on Azure from a clean record, stack `test`, with `config` set for the call (`herald:*`
 * keys go in without the namespace stripped, as Pulumi keeps them); resolves to what realize returned
 * and the warnings logged.
 */
export async function realizeOnAzure(t: Topology, config: Record<string, string> = {}, secretKeys: string[] = []) {
  await mocksReady;
  engine.reset();
  pulumi.runtime.setAllConfig({ ...DEV_AZURE, ...config }, secretKeys);
  const { realize } = await import('../../providers/realize.js');
  const { azure } = await import('../../providers/azure/index.js');
  // The engine's cloud is fixed at construction for the process; Azure's stands in for this call only.
  const mutable = engine as unknown as { cloud: MockCloud };
  const saved = mutable.cloud;
  mutable.cloud = azureMockCloud({ location: (config['azure-native:location'] ?? DEV_AZURE['azure-native:location']) });
  try {
    return await capturingWarnings(() => withCheapStacks(async () => {
      try {
        return await realize(t, azure, { app: APP, stack: 'test' });
      } finally {
        await settle();
        await engine.flush();
      }
    }));
  } finally {
    mutable.cloud = saved;
    pulumi.runtime.setAllConfig({});
  }
}

/** A recorded resource's app settings as a map (a Function App's `siteConfig.appSettings`). */
export function appSettings(app: RecordedResource): Record<string, string> {
  // With a secret among them (a webhook's), the whole site config is recorded as a secret: unwrap it.
  const list = unsecret(app.inputs.siteConfig)?.appSettings as { name: string; value: string }[] | undefined;
  if (!list) throw new Error(`${app.name} has no app settings`);
  return Object.fromEntries(list.map((s) => [s.name, s.value]));
}

/** Role assignments of one principal: `[role definition GUID, scope]`, sorted. */
export function rolesOf(principalId: string): [string, string][] {
  return resourcesOf('azure-native:authorization:RoleAssignment').filter((r) => r.inputs.principalId === principalId)
    .map((r): [string, string] => [String(r.inputs.roleDefinitionId).split('/').pop()!, String(r.inputs.scope)]).sort();
}

/** The principal id of a function's (or ingress app's) user-assigned identity, by its Pulumi name prefix. */
export function principalOf(appName: string): string {
  return String(findResource('azure-native:managedidentity:UserAssignedIdentity', `${appName}-identity`).outputs.principalId);
}

export { findResource, resourcesOf };
