/** webhook → HTTP API (payload 2.0) → ingress Lambda; permission scoped to the route; the secret from config. */
import { expect } from 'chai';
import { hmacSha256, topology } from '../../../contracts';
import { PaymentReceived } from '../../../app/events';
import { AWS_CONFIG_ENV } from '../../../providers/aws/runtime/config';
import { findResource, inventoryOf, isSecretInput, json, realizeOnAws, unsecret } from '../../helpers/pulumi-mocks';
import { promiseOf } from '../../helpers/outputs';

function app() {
  const t = topology('w');
  const bus = t.bus('shop');
  t.webhook('payments', { path: '/webhooks/payments', verify: hmacSha256('PAYMENTS_WEBHOOK_SECRET', 'stripe'), emits: PaymentReceived, to: bus });
  return t.build();
}
const SECRET = { 'herald:PAYMENTS_WEBHOOK_SECRET': 'whsec_test' };

describe('aws webhook', () => {
  it('creates exactly the ingress function parts and the API, integration, route, stage and permission', async () => {
    await realizeOnAws(app(), SECRET, Object.keys(SECRET));
    expect(inventoryOf(findResource('herald:aws:Webhook', 'payments'))).to.deep.equal({
      'aws:cloudwatch/logGroup:LogGroup': 1,
      'aws:iam/role:Role': 1,
      'aws:iam/rolePolicy:RolePolicy': 1,
      'aws:lambda/function:Function': 1, // the ingress: verify, publish, 202
      'aws:apigatewayv2/api:Api': 1,
      'aws:apigatewayv2/integration:Integration': 1,
      'aws:apigatewayv2/route:Route': 1,
      'aws:apigatewayv2/stage:Stage': 1,
      'aws:lambda/permission:Permission': 1,
    });
  });

  it('proxies POST <path> to the ingress function with payload format 2.0, on an auto-deployed $default stage', async () => {
    const { result } = await realizeOnAws(app(), SECRET, Object.keys(SECRET));
    const api = findResource('aws:apigatewayv2/api:Api', 'payments');
    const integration = findResource('aws:apigatewayv2/integration:Integration', 'payments-integration');
    expect(api.inputs.protocolType).to.equal('HTTP');
    expect(integration.inputs).to.deep.include({
      apiId: api.id, integrationType: 'AWS_PROXY', payloadFormatVersion: '2.0', integrationUri: findResource('aws:lambda/function:Function', 'payments').outputs.arn,
    });
    expect(findResource('aws:apigatewayv2/route:Route', 'payments-route').inputs).to.deep.include({ routeKey: 'POST /webhooks/payments', target: `integrations/${integration.id}` });
    expect(findResource('aws:apigatewayv2/stage:Stage', 'payments-stage').inputs).to.deep.include({ name: '$default', autoDeploy: true });
    expect(await promiseOf(result.outputs.webhooks!.payments!.url as string)).to.equal(`${api.outputs.apiEndpoint}/webhooks/payments`);
  });

  it('allows API Gateway to invoke the function only for this API, method and path', async () => {
    await realizeOnAws(app(), SECRET, Object.keys(SECRET));
    expect(findResource('aws:lambda/permission:Permission', 'payments-invoke').inputs).to.deep.include({
      action: 'lambda:InvokeFunction', principal: 'apigateway.amazonaws.com',
      sourceArn: `${findResource('aws:apigatewayv2/api:Api', 'payments').outputs.executionArn}/*/POST/webhooks/payments`,
    });
  });

  it('configures the ingress: what to verify, what to emit, where to publish, and the secret', async () => {
    await realizeOnAws(app(), SECRET, Object.keys(SECRET));
    const environment = findResource('aws:lambda/function:Function', 'payments').inputs.environment;
    // The secret makes the whole environment a secret in Pulumi's state.
    expect(isSecretInput(environment)).to.equal(true);
    const variables = unsecret(environment).variables;
    expect(json(variables[AWS_CONFIG_ENV])).to.deep.equal({
      kind: 'webhook', name: 'payments', verify: { scheme: 'stripe', secretEnv: 'PAYMENTS_WEBHOOK_SECRET' }, emits: 'PaymentReceived.v1',
      publishTo: { kind: 'bus', busName: findResource('aws:cloudwatch/eventBus:EventBus', 'shop').outputs.name },
      claimCheckBucket: findResource('aws:s3/bucket:Bucket', 'w-claim-check').outputs.bucket,
    });
    expect(variables.PAYMENTS_WEBHOOK_SECRET).to.equal('whsec_test');
  });

  it('warns, and deploys without the variable, when the secret is not in config', async () => {
    const { warnings } = await realizeOnAws(app());
    expect(warnings.join('\n')).to.match(/herald:PAYMENTS_WEBHOOK_SECRET is not set.*pulumi config set --secret herald:PAYMENTS_WEBHOOK_SECRET/);
    expect(findResource('aws:lambda/function:Function', 'payments').inputs.environment.variables).not.to.have.property('PAYMENTS_WEBHOOK_SECRET');
  });
});
