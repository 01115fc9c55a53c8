/**
 * webhook → an HTTP trigger (anonymous at the platform: Herald verifies the signature) in an ingress
 * Function App that publishes the declared event and answers 202; the front end cuts a request at 230 s,
 * so no real work happens in it. host.json drops the `/api` route prefix, so the URL is
 * `https://<app>.azurewebsites.net<path>`, a stack output. The signing secret is the stack's
 * `herald:<SECRET_ENV>` (a Pulumi secret), set as the app setting the spec names, as `herald dev` reads it.
 * @see https://learn.microsoft.com/azure/azure-functions/functions-bindings-http-webhook-trigger
 */
import * as pulumi from '@pulumi/pulumi';
import type * as web from '@pulumi/azure-native/web';
import type { WebhookSpec } from '../../contracts';
import type { FlexParts } from './function';
import { createIngress, type IngressArgs } from './ingress';

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
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AzureWebhookArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:azure:Webhook', name, {}, opts);
    const { spec } = args;
    const secret = webhookSecret(spec, this);
    this.ingress = createIngress(`${name}-webhook`, {
      ...args.ingress,
      ingress: { kind: 'webhook', spec },
      ...(secret ? { environment: { [spec.verify.secretEnv]: secret } } : {}),
    }, this);
    this.app = this.ingress.app;
    this.outputs = { url: webhookUrl(this.app.defaultHostName, spec.path), function: this.app.name };
    this.registerOutputs(this.outputs);
  }
}
