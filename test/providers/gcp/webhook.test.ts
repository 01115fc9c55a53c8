/** webhook → a public ingress function (allUsers invoker on it only), its secret in Secret Manager, its URL an output. */
import { expect } from 'chai';
import { PaymentReceived } from '../../../app/events';
import { hmacSha256, topology } from '../../../contracts';
import { grants, realizeOnGcp } from '../../helpers/gcp-mocks';
import { promiseOf } from '../../helpers/outputs';
import { findResource, inventoryOf, isSecretInput, unsecret } from '../../helpers/pulumi-mocks';

describe('gcp webhook', () => {
  const t = topology('wh');
  t.webhook('payments', { path: '/webhooks/payments', verify: hmacSha256('PAYMENTS_WEBHOOK_SECRET'), emits: PaymentReceived, to: t.bus('shop') });
  const app = t.build();
  const secret = { 'herald:PAYMENTS_WEBHOOK_SECRET': 's3cret' };

  it('is public: internet ingress and allUsers as invoker of that function only; the URL with the path is an output', async () => {
    const { result } = await realizeOnGcp(app, secret, ['herald:PAYMENTS_WEBHOOK_SECRET']);
    const fn = findResource('gcp:cloudfunctionsv2/function:Function', 'payments-webhook');
    expect(fn.inputs.serviceConfig.ingressSettings).to.equal('ALLOW_ALL');
    expect(findResource('gcp:cloudrunv2/serviceIamMember:ServiceIamMember', 'payments-public').inputs).to.deep.equal({
      name: fn.outputs.name, location: 'europe-west1', role: 'roles/run.invoker', member: 'allUsers',
    });
    expect(grants().filter((g) => g.member === 'allUsers')).to.have.length(1);
    expect(await promiseOf(result.outputs.webhooks!.payments!.url)).to.equal(`${fn.outputs.serviceConfig.uri}/webhooks/payments`);
  });

  it('keeps the signing secret in Secret Manager, readable by the webhook\'s account only, before the function deploys', async () => {
    await realizeOnGcp(app, secret, ['herald:PAYMENTS_WEBHOOK_SECRET']);
    expect(inventoryOf(findResource('herald:gcp:Webhook', 'payments'))).to.include({
      'gcp:secretmanager/secret:Secret': 1, 'gcp:secretmanager/secretVersion:SecretVersion': 1, 'gcp:secretmanager/secretIamMember:SecretIamMember': 1,
    });
    const s = findResource('gcp:secretmanager/secret:Secret', 'payments-secret');
    expect(s.inputs).to.deep.include({ secretId: 'wh-test-payments-payments-webhook-secret', replication: { auto: {} } });
    const version = findResource('gcp:secretmanager/secretVersion:SecretVersion', 'payments-secret-version');
    expect(isSecretInput(version.inputs.secretData)).to.equal(true);
    expect(unsecret(version.inputs.secretData)).to.equal('s3cret');
    const me = findResource('gcp:serviceaccount/account:Account', 'payments-webhook-sa').outputs.member;
    expect(grants().filter((g) => g.role === 'roles/secretmanager.secretAccessor').map(({ member, on }) => ({ member, on }))).to.deep.equal([{ member: me, on: s.outputs.secretId }]);
    const fn = findResource('gcp:cloudfunctionsv2/function:Function', 'payments-webhook');
    expect(fn.inputs.serviceConfig.secretEnvironmentVariables).to.deep.equal([{ key: 'PAYMENTS_WEBHOOK_SECRET', projectId: 'herald-dev', secret: s.outputs.secretId, version: '1' }]);
    expect(fn.inputs.serviceConfig.environmentVariables).not.to.have.property('PAYMENTS_WEBHOOK_SECRET');
  });

  it('without the secret in config, deploys no secret and warns that every request will be rejected', async () => {
    const { warnings } = await realizeOnGcp(app);
    expect(inventoryOf(findResource('herald:gcp:Webhook', 'payments'))).not.to.have.property('gcp:secretmanager/secret:Secret');
    expect(warnings.join('\n')).to.match(/webhook payments: herald:PAYMENTS_WEBHOOK_SECRET is not set, so every request will be rejected/);
  });
});
