/**
 * Herald's resend routing on a topic: the rule a subscription gets around its compiled filter, evaluated
 * by the Service Bus SQL model the filter compiler is tested with.
 */
import { expect } from 'chai';
import { compileServiceBusRule } from '../../../../providers/azure/filter';
import { RESEND_PROPERTIES, serviceBusPropertyName, subscriptionRuleSql } from '../../../../providers/azure/runtime/wire';
import { serviceBusSelects } from '../service-bus-sql-model';

describe('providers/azure/runtime/wire (resend routing)', () => {
  // The rule the topic's filter compiler writes for a subscription to one type.
  const filter = compileServiceBusRule({ types: ['OrderConfirmed.v1'] }).native.sqlExpression;
  const first = { [serviceBusPropertyName('type')]: 'OrderConfirmed.v1' };

  it('lets a first delivery through when the filter does, and only then', () => {
    expect(serviceBusSelects(subscriptionRuleSql(filter, 'a'), first)).to.equal(true);
    expect(serviceBusSelects(subscriptionRuleSql(filter, 'a'), { [serviceBusPropertyName('type')]: 'Other.v1' })).to.equal(false);
  });

  it('lets a resent copy through only at the subscription it names', () => {
    const copyForA = { ...first, [RESEND_PROPERTIES.subscription]: 'a', [RESEND_PROPERTIES.attempts]: 2 };
    expect(serviceBusSelects(subscriptionRuleSql(filter, 'a'), copyForA)).to.equal(true);
    expect(serviceBusSelects(subscriptionRuleSql(filter, 'b'), copyForA)).to.equal(false);
    expect(serviceBusSelects(subscriptionRuleSql('1=1', 'b'), copyForA)).to.equal(false);
    expect(serviceBusSelects(subscriptionRuleSql('1=1', 'b'), first)).to.equal(true);
  });

  it('quotes the subscription name', () => {
    expect(subscriptionRuleSql('1=1', "o'hara")).to.contain("= 'o''hara'");
  });
});
