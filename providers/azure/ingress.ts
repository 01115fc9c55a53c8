/**
 * Ingress functions: the Function Apps Herald provides for webhooks, upload triggers, change triggers and
 * schedules. Each turns a request, an uploaded blob, a changed item or a timer run into the declared
 * event and publishes it; heavy work never runs here. Same packaging and least privilege as user
 * functions (function.ts): one Flex app with its own identity, roles on exactly the topic it publishes to
 * and the claim-check container, and the settings function-config.ts builds for its kind.
 */
import * as pulumi from '@pulumi/pulumi';
import { type AppModule } from '../../contracts';
import { bundleIngress, type AzureIngressKind } from './bundle';
import type { AzureFoundation } from './foundation';
import { createFlexApp, appIdentity, type FlexParts, type PublishTarget } from './function';
import { ingressSettings, type AzureIngress, type AzurePublishTarget } from './function-config';
import type { Grant } from './iam';
import type { Tags } from './tags';

/** Instance memory of an ingress app: the smallest Flex size (each publishes one event per request, row or run). */
export const INGRESS_MEMORY_MB = 512;

/** The name `herald invoke` and the logs know an ingress by: `webhook:payments`, `upload:media`. */
export function ingressName(kind: AzureIngressKind, name: string): string {
  return `${kind}:${name}`;
}

export interface IngressArgs {
  readonly ingress: AzureIngress;
  readonly app: AppModule;
  readonly foundation: AzureFoundation;
  readonly publish: PublishTarget;
  readonly claimCheck: { readonly endpoint: pulumi.Output<string>; readonly container: pulumi.Output<string>; readonly id: pulumi.Output<string> };
  /** Beyond publishing and the claim check. */
  readonly grants?: readonly Grant[];
  /** Where a change trigger writes a document that cannot become its event (its grant is in `grants`). */
  readonly deadLetter?: { readonly endpoint: pulumi.Output<string>; readonly container: pulumi.Output<string> };
  /** A change trigger's Cosmos DB endpoint, known once the account exists (it replaces `ingress.cosmos.accountEndpoint`). */
  readonly cosmosEndpoint?: pulumi.Input<string>;
  /** Settings beyond Herald's (a webhook's secret). */
  readonly environment?: Readonly<Record<string, pulumi.Input<string>>>;
  readonly stack: string;
  readonly tags: Tags;
  /** What the app needs before it starts (a Cosmos DB data role, a lease container). */
  readonly dependsOn?: readonly pulumi.Resource[];
}

/** An ingress Function App under `parent`; `identity` when the caller needed it earlier (for a grant elsewhere). */
export function createIngress(name: string, a: IngressArgs, parent: pulumi.Resource, identity = appIdentity(name, a.foundation, a.tags, parent)): FlexParts {
  const kind = a.ingress.kind;
  const heraldName = ingressName(kind, a.ingress.spec.name);
  return createFlexApp(name, {
    foundation: a.foundation,
    bundle: bundleIngress(kind, a.app),
    memory: INGRESS_MEMORY_MB,
    settings: (clientId) => pulumi.all([clientId, a.publish.target, a.claimCheck.endpoint, a.claimCheck.container, pulumi.output(a.environment ?? {}), a.cosmosEndpoint ?? '',
      a.deadLetter?.endpoint ?? '', a.deadLetter?.container ?? ''])
      .apply(([id, target, endpoint, container, environment, cosmosEndpoint, deadLetterEndpoint, deadLetterContainer]) => {
        const ingress: AzureIngress = a.ingress.kind === 'change' && cosmosEndpoint
          ? { ...a.ingress, cosmos: { ...a.ingress.cosmos, accountEndpoint: cosmosEndpoint } } : a.ingress;
        return {
          ...ingressSettings(ingress, {
            identityClientId: id, publishTo: target as AzurePublishTarget, claimCheck: { endpoint, container },
            ...(deadLetterContainer ? { deadLetter: { endpoint: deadLetterEndpoint, container: deadLetterContainer } } : {}),
          }),
          ...environment,
        };
      }),
    grants: [
      a.publish.grant,
      { role: 'storageBlobDataContributor', scope: a.claimCheck.id, purpose: `${heraldName} stores claim-checked data` },
      ...(a.grants ?? []),
    ],
    heraldName,
    kind,
    stack: a.stack,
    tags: a.tags,
    ...(a.dependsOn ? { dependsOn: a.dependsOn } : {}),
  }, parent, identity);
}
