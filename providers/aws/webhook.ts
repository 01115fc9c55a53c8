/**
 * webhook → an API Gateway HTTP API (payload format 2.0) with one route, `<METHOD> <path>`, proxied to an
 * ingress function that verifies the signature, publishes the declared event and answers 202: HTTP API
 * integrations time out at 30 s, so no real work happens in the request. The Lambda permission names the
 * API and the route. The signing secret comes from the stack's config (`herald:<SECRET_ENV>`, a secret).
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
import * as pulumi from '@pulumi/pulumi';
import * as apigatewayv2 from '@pulumi/aws/apigatewayv2';
import * as lambda from '@pulumi/aws/lambda';
import type { WebhookSpec } from '../../contracts';
import type { LambdaParts } from './function';
import { createIngress, type IngressArgs } from './ingress';
import { webhookConfig } from './function-config';
import { resourceName } from './names';
import type { Tags } from './tags';

/** Throttling of the webhook's stage: a flood of requests must not exhaust the account's Lambda concurrency. */
export const WEBHOOK_THROTTLE = { throttlingBurstLimit: 100, throttlingRateLimit: 50 } as const;

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

export interface AwsWebhookArgs {
  readonly spec: WebhookSpec;
  readonly ingress: Omit<IngressArgs, 'kind' | 'config' | 'grants' | 'environment'>;
  readonly tags: Tags;
}

/** `herald:aws:Webhook`: an HTTP API route and its ingress function. */
export class AwsWebhook extends pulumi.ComponentResource {
  readonly ingress: LambdaParts;
  readonly api: apigatewayv2.Api;
  readonly integration: apigatewayv2.Integration;
  readonly route: apigatewayv2.Route;
  readonly stage: apigatewayv2.Stage;
  readonly permission: lambda.Permission;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AwsWebhookArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:aws:Webhook', name, {}, opts);
    const { spec } = args;
    const secret = webhookSecret(spec, this);
    this.ingress = createIngress(name, {
      ...args.ingress,
      kind: 'webhook',
      config: webhookConfig(spec),
      // The ingress reads the secret from the variable the spec names, as `herald dev` does.
      ...(secret ? { environment: { [spec.verify.secretEnv]: secret } } : {}),
    }, this);
    this.api = new apigatewayv2.Api(resourceName('httpApi', name), {
      protocolType: 'HTTP',
      description: `Herald webhook ${spec.name}`,
      tags: args.tags,
    }, { parent: this });
    this.integration = new apigatewayv2.Integration(`${name}-integration`, {
      apiId: this.api.id,
      integrationType: 'AWS_PROXY',
      integrationMethod: 'POST',
      integrationUri: this.ingress.function.arn,
      payloadFormatVersion: '2.0',
    }, { parent: this });
    this.route = new apigatewayv2.Route(`${name}-route`, {
      apiId: this.api.id,
      routeKey: `${spec.method} ${spec.path}`,
      target: pulumi.interpolate`integrations/${this.integration.id}`,
    }, { parent: this });
    this.stage = new apigatewayv2.Stage(`${name}-stage`, {
      apiId: this.api.id,
      name: '$default',
      autoDeploy: true,
      defaultRouteSettings: { ...WEBHOOK_THROTTLE },
      tags: args.tags,
    }, { parent: this });
    this.permission = new lambda.Permission(`${name}-invoke`, {
      action: 'lambda:InvokeFunction',
      function: this.ingress.function.name,
      principal: 'apigateway.amazonaws.com',
      // Any stage, this method and path only.
      sourceArn: pulumi.interpolate`${this.api.executionArn}/*/${spec.method}${spec.path}`,
    }, { parent: this });
    this.outputs = { url: pulumi.interpolate`${this.api.apiEndpoint}${spec.path}`, api: this.api.id, function: this.ingress.function.name };
    this.registerOutputs(this.outputs);
  }
}
