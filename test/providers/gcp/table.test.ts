/** table → a Firestore collection; a change trigger: Eventarc `document.v1.written` to the change ingress, as its own account. */
import { expect } from 'chai';
import { CustomerChanged } from '../../../app/events';
import { topology } from '../../../contracts';
import { GCP_CONFIG_ENV } from '../../../providers/gcp/runtime/config';
import { grants, realizeOnGcp } from '../../helpers/gcp-mocks';
import { findResource, inventoryOf, json } from '../../helpers/pulumi-mocks';

describe('gcp table', () => {
  function app(change = true) {
    const t = topology('tb');
    const bus = t.bus('shop');
    t.table('customers', { partitionKey: 'customerId', sortKey: 'region', ...(change ? { onChange: { emits: CustomerChanged, to: bus } } : {}) });
    return t.build();
  }

  it('without a trigger is a collection of the stack\'s database: nothing to create', async () => {
    const { result } = await realizeOnGcp(app(false));
    expect(inventoryOf(findResource('herald:gcp:Table', 'customers'))).to.deep.equal({});
    expect(result.resources.table.get('customers')!.collection).to.equal('customers');
  });

  it('triggers on documents written in the collection of the stack\'s database, in its location, as protobuf, to the change ingress', async () => {
    await realizeOnGcp(app());
    const fn = findResource('gcp:cloudfunctionsv2/function:Function', 'customers-change');
    const account = findResource('gcp:serviceaccount/account:Account', 'customers-change-invoker');
    expect(findResource('gcp:eventarc/trigger:Trigger', 'customers-changes').inputs).to.deep.include({
      location: 'europe-west1',
      matchingCriterias: [
        { attribute: 'type', value: 'google.cloud.firestore.document.v1.written' },
        { attribute: 'database', value: 'tb-test' },
        { attribute: 'document', value: 'customers/{document}', operator: 'match-path-pattern' },
      ],
      eventDataContentType: 'application/protobuf',
      destination: { cloudRunService: { service: fn.outputs.name, region: 'europe-west1' } },
      serviceAccount: account.outputs.email,
    });
    expect(grants().filter((g) => g.member === account.outputs.member).map(({ role, on }) => ({ role, on }))).to.have.deep.members([
      { role: 'roles/run.invoker', on: fn.outputs.name },
      { role: 'roles/eventarc.eventReceiver', on: 'herald-dev' },
    ]);
  });

  it('configures the ingress with the collection, database, keys and a dead-letter topic it alone publishes to', async () => {
    await realizeOnGcp(app());
    const fn = findResource('gcp:cloudfunctionsv2/function:Function', 'customers-change');
    const dlt = findResource('gcp:pubsub/topic:Topic', 'customers-changes-dlq');
    expect(json(fn.inputs.serviceConfig.environmentVariables[GCP_CONFIG_ENV])).to.deep.include({
      kind: 'change', table: 'customers', database: 'tb-test', keyNames: ['customerId', 'region'], emits: 'CustomerChanged.v1', deadLetterTopic: dlt.id,
    });
    const me = findResource('gcp:serviceaccount/account:Account', 'customers-change-sa').outputs.member;
    expect(grants().filter((g) => g.on === dlt.id && g.member === me).map((g) => g.role)).to.deep.equal(['roles/pubsub.publisher']);
  });
});
