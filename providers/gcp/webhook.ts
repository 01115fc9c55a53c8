/**
 * webhook → a public HTTP ingress function: internet ingress and `roles/run.invoker` for `allUsers` on
 * that function's service only (an organisation policy restricting domains may forbid `allUsers`; the
 * README says what to do then). It verifies the request's signature, publishes the declared event and
 * answers 202. The signing secret comes from the stack's config (`herald:<SECRET_ENV>`, a Pulumi secret)
 * into Secret Manager, readable by this function's account only, and reaches the function as the
 * variable the spec names, pinned to the version deployed; the URL is a stack output.
 * @see https://cloud.google.com/functions/docs/securing/managing-access-iam#allowing_unauthenticated_http_function_invocation
 * @see https://cloud.google.com/functions/docs/configuring/secrets
 */
import * as pulumi from '@pulumi/pulumi';
import type * as cloudrunv2 from '@pulumi/gcp/cloudrunv2';
import * as secretmanager from '@pulumi/gcp/secretmanager';
import type { DeliveryPlan, WebhookSpec } from '../../contracts';
import { webhookConfig } from './function-config';
import { serviceOf, type FunctionParts } from './function';
import { invokerMember, ROLES, secretMember } from './iam';
import { createIngress, type IngressArgs } from './ingress';
import type { Labels } from './labels';
import { physicalName } from './names';

/** Every caller on the internet: the member a public webhook's invoker binding names. */
export const ALL_USERS = 'allUsers';

/**
 * The webhook's signing secret from config (`herald:<secretEnv>`), or undefined with a warning: the
 * ingress then rejects every request until it is set, which is safer than failing the whole deploy.
 */
export function webhookSecret(spec: WebhookSpec, resource: pulumi.Resource): pulumi.Output<string> | undefined {
  const secret = new pulumi.Config('herald').getSecret(spec.verify.secretEnv);
  if (!secret) {
    pulumi.log.warn(`webhook ${spec.name}: herald:${spec.verify.secretEnv} is not set, so every request will be rejected; run \`pulumi config set --secret herald:${spec.verify.secretEnv} <secret>\``, resource);
  }
  return secret;
}

export interface GcpWebhookArgs {
  readonly spec: WebhookSpec;
  readonly plan: DeliveryPlan;
  readonly ingress: IngressArgs;
  readonly labels: Labels;
}

/** `herald:gcp:Webhook`: a public ingress function and its signing secret. */
export class GcpWebhook extends pulumi.ComponentResource {
  readonly ingress: FunctionParts;
  readonly secret?: secretmanager.Secret;
  readonly secretVersion?: secretmanager.SecretVersion;
  readonly publicInvoker: cloudrunv2.ServiceIamMember;
  readonly url: pulumi.Output<string>;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: GcpWebhookArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:gcp:Webhook', name, {}, opts);
    const { spec, ingress } = args;
    const value = webhookSecret(spec, this);
    if (value) {
      this.secret = new secretmanager.Secret(`${name}-secret`, {
        secretId: physicalName('secret', `${ingress.build.prefix}-${name}-${spec.verify.secretEnv}`.toLowerCase().replace(/_/g, '-')),
        replication: { auto: {} },
        labels: args.labels,
      }, { parent: this });
      this.secretVersion = new secretmanager.SecretVersion(`${name}-secret-version`, { secret: this.secret.id, secretData: value }, { parent: this });
    }
    const secret = this.secret;
    const version = this.secretVersion;
    const parts = createIngress(`${name}-webhook`, ingress, {
      kind: 'webhook',
      config: (r) => webhookConfig(args.plan, spec, r),
      public: true,
      ...(secret && version ? {
        secrets: [{ key: spec.verify.secretEnv, secret: secret.secretId, version: version.version }],
        grantsFirst: (member: pulumi.Output<string>) => [secretMember(`${name}-secret-access`, secret.secretId, ROLES.secretAccessor, member, this)],
      } : {}),
    }, this);
    this.ingress = parts;
    this.publicInvoker = invokerMember(`${name}-public`, serviceOf(parts.function), ALL_USERS, this);
    this.url = pulumi.interpolate`${parts.url}${spec.path}`;
    this.outputs = { url: this.url, function: parts.function.name };
    this.registerOutputs(this.outputs);
  }
}
