/** Azure RBAC as Herald grants it: built-in data roles, subscription-scoped role ids, never a broad scope. */
import { expect } from 'chai';
import { isBroadScope, roleDefinitionId, ROLES } from '../../../providers/azure/iam';

const QUEUE = '/subscriptions/1234/resourceGroups/rg/providers/Microsoft.ServiceBus/namespaces/ns/queues/payments';

describe('azure iam', () => {
  it('names built-in data-plane roles only, each with its doc', () => {
    for (const role of Object.values(ROLES)) {
      expect(role.id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(role.doc).to.match(/^https:\/\/learn\.microsoft\.com\/azure\/role-based-access-control\/built-in-roles\//);
      expect(role.name).not.to.match(/^(Owner|Contributor|User Access Administrator)$/);
    }
  });

  it("builds the role definition id in the deploying subscription", () => {
    expect(roleDefinitionId('1234', ROLES.serviceBusDataSender)).to.equal('/subscriptions/1234/providers/Microsoft.Authorization/roleDefinitions/69a216fc-b8fb-44d8-bc22-1f3c2cd27a39');
  });

  it('recognises a subscription or resource group scope as too broad, and an entity as not', () => {
    expect(isBroadScope('/subscriptions/1234')).to.equal(true);
    expect(isBroadScope('/subscriptions/1234/resourceGroups/rg')).to.equal(true);
    expect(isBroadScope(QUEUE)).to.equal(false);
  });
});
