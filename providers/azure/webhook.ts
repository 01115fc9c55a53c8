/**
 * webhook → an HTTP trigger (anonymous at the platform: Herald verifies the signature) in an ingress
 * Function App that publishes the declared event and answers 202; the front end cuts a request at 230 s,
 * so no real work happens in it. host.json drops the `/api` route prefix, so the URL is
 * `https://<app>.azurewebsites.net<path>`, a stack output. The signing secret is the stack's
 * `herald:<SECRET_ENV>` (a Pulumi secret), stored in a Key Vault of the webhook's own (RBAC authorization);
 * the app setting the spec names holds only a Key Vault reference, which the platform resolves with the
 * app's identity (Key Vault Secrets User on that one secret), so no secret is in any app setting.
 * @see https://learn.microsoft.com/azure/azure-functions/functions-bindings-http-webhook-trigger
 * @see https://learn.microsoft.com/azure/app-service/app-service-key-vault-references
 */
import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import * as keyvault from '@pulumi/azure-native/keyvault';
import type * as web from '@pulumi/azure-native/web';
import type { WebhookSpec } from '../../contracts';
import type { FlexParts } from './function';
import { createIngress, type IngressArgs } from './ingress';
import { accountName, physicalName } from './names';

/** The name of the secret in the webhook's vault. */
export const WEBHOOK_SECRET_NAME = 'signing-secret';

/** The app setting value that makes the platform read the secret from the vault (always its latest version). */
export function keyVaultReference(vaultName: pulumi.Input<string>, secretName: string): pulumi.Output<string> {
  return pulumi.interpolate`@Microsoft.KeyVault(VaultName=${vaultName};SecretName=${secretName})`;
}

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

/** The URL a sender posts to: the app's host name and the declared path (no route prefix). */
export function webhookUrl(hostName: pulumi.Input<string>, path: string): pulumi.Output<string> {
  return pulumi.interpolate`https://${hostName}/${path.replace(/^\/+/, '')}`;
}

export interface AzureWebhookArgs {
  readonly spec: WebhookSpec;
  readonly ingress: Omit<IngressArgs, 'ingress' | 'environment'>;
}

/** `herald:azure:Webhook`: an HTTP-triggered ingress app. */
export class AzureWebhook extends pulumi.ComponentResource {
  readonly ingress: FlexParts;
  readonly app: web.WebApp;
  /** The signing secret's vault and secret, when the stack sets it. */
  readonly vault?: keyvault.Vault;
  readonly secret?: keyvault.Secret;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AzureWebhookArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:azure:Webhook', name, {}, opts);
    const { spec } = args;
    const f = args.ingress.foundation;
    const value = webhookSecret(spec, this);
    if (value) {
      this.vault = new keyvault.Vault(`${name}-vault`, {
        resourceGroupName: f.resourceGroupName,
        location: f.location,
        vaultName: accountName('keyVault', f.scope, `${name}kv`),
        properties: {
          tenantId: authorization.getClientConfigOutput({ parent: this }).tenantId,
          sku: { family: 'A', name: 'standard' },
          // Azure RBAC, not access policies: the app's identity gets one role on one secret.
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: 7,
        },
        tags: args.ingress.tags,
      }, { parent: this });
      this.secret = new keyvault.Secret(`${name}-secret`, {
        resourceGroupName: f.resourceGroupName,
        vaultName: this.vault.name,
        secretName: physicalName('keyVaultSecret', WEBHOOK_SECRET_NAME),
        properties: { value, contentType: `Herald webhook ${spec.name} signing secret` },
      }, { parent: this });
    }
    this.ingress = createIngress(`${name}-webhook`, {
      ...args.ingress,
      ingress: { kind: 'webhook', spec },
      ...(this.vault && this.secret ? {
        // The platform resolves the reference as the app's identity (keyVaultReferenceIdentity) before the host starts.
        environment: { [spec.verify.secretEnv]: keyVaultReference(this.vault.name, WEBHOOK_SECRET_NAME) },
        grants: [{ role: 'keyVaultSecretsUser', scope: this.secret.id, purpose: `webhook:${spec.name} reads its signing secret` }],
      } : {}),
    }, this);
    this.app = this.ingress.app;
    this.outputs = { url: webhookUrl(this.app.defaultHostName, spec.path), function: this.app.name };
    this.registerOutputs(this.outputs);
  }
}
