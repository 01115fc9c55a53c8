/** alarm → Azure Monitor metric alerts: Service Bus dead letters and depth by entity, Application Insights failures by app; age becomes depth. */
import { expect } from 'chai';
import { topology, UnsupportedFeatureError } from '../../../contracts';
import { OrderPlaced } from '../../../app/events';
import { alertWindow } from '../../../providers/azure/alarm';
import { findResource, realizeOnAzure, resourcesOf } from '../../helpers/azure-mocks';
import { expectReject } from '../../helpers/reject';

function app(extra: (t: ReturnType<typeof topology>, fn: any, q: any) => void = () => undefined) {
  const t = topology('al').event(OrderPlaced);
  const q = t.queue('payments');
  const fn = t.fn('charge', { handler: 'functions/charge-payment.ts', timeout: '10s' }).subscribe(t.bus('orders'), { events: [OrderPlaced], via: q });
  extra(t, fn, q);
  return t.build();
}

describe('azure alarm', () => {
  it("gives a queue dead-letter and depth alerts (Service Bus has no age metric), filtered to the queue's entity", async () => {
    const { warnings } = await realizeOnAzure(app());
    expect(warnings).to.include.members(['warning: [runtime] queue payments: azure has no oldestMessageAge metric; its default alarm payments-age watches depth > 1000 instead']);
    const ns = findResource('azure-native:servicebus:Namespace', 'al-sb').id;
    const age = findResource('azure-native:monitor:MetricAlert', 'payments-age').inputs;
    expect(age).to.deep.include({ scopes: [ns], location: 'global', enabled: true, severity: 2, windowSize: 'PT5M', evaluationFrequency: 'PT1M', autoMitigate: true });
    expect(age.criteria).to.deep.equal({
      odataType: 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria',
      allOf: [{
        criterionType: 'StaticThresholdCriterion', name: 'ActiveMessages', metricNamespace: 'Microsoft.ServiceBus/namespaces', metricName: 'ActiveMessages',
        dimensions: [{ name: 'EntityName', operator: 'Include', values: ['payments'] }], operator: 'GreaterThan', threshold: 1000, timeAggregation: 'Maximum',
      }],
    });
    expect(findResource('azure-native:monitor:MetricAlert', 'payments-dead-letters').inputs.criteria.allOf[0]).to.deep.include({ metricName: 'DeadletteredMessages', threshold: 0 });
  });

  it("alerts on a function's failed invocations through Application Insights, split by its app", async () => {
    await realizeOnAzure(app((t, fn) => t.alarm('charge-errors', { on: fn, metric: 'errors', threshold: 3, period: '15m' })));
    const alert = findResource('azure-native:monitor:MetricAlert', 'charge-errors').inputs;
    expect(alert.scopes).to.deep.equal([findResource('azure-native:applicationinsights:Component', 'al-insights').id]);
    expect(alert.windowSize).to.equal('PT15M');
    expect(alert.criteria.allOf[0]).to.deep.include({
      metricNamespace: 'microsoft.insights/components', metricName: 'requests/failed', timeAggregation: 'Count', threshold: 3,
      dimensions: [{ name: 'cloud/roleName', operator: 'Include', values: [findResource('azure-native:web:WebApp', 'charge').outputs.name] }],
    });
  });

  it('notifies nothing without an action group, and refuses an alarm Azure has no metric for', async () => {
    await realizeOnAzure(app());
    for (const a of resourcesOf('azure-native:monitor:MetricAlert')) expect(a.inputs.actions).to.deep.equal([]);
    await expectReject(realizeOnAzure(app((t, _fn, q) => t.alarm('q-age', { on: q, metric: 'oldestMessageAge', threshold: 60 }))), UnsupportedFeatureError, /Service Bus reports message counts, not ages/);
  });

  it('leaves out the stream defaults it has no metric for, saying so', async () => {
    const t = topology('as').event(OrderPlaced);
    t.fn('audit', { handler: 'functions/audit-orders.ts', timeout: '10s' }).subscribe(t.bus('orders'), { events: [OrderPlaced], via: t.stream('audit', { key: 'subject' }) });
    const { warnings } = await realizeOnAzure(t.build());
    expect(warnings).to.include.members([
      'warning: [runtime] stream audit: azure has no iteratorAge metric; default alarm audit-iterator-age is left out',
      'warning: [runtime] stream audit: azure has no deadLetters metric; default alarm audit-dead-letters is left out',
    ]);
    // Only the bus's own Event Grid dead-letter alert: no stream alarm.
    expect(resourcesOf('azure-native:monitor:MetricAlert').map((r) => r.name)).to.deep.equal(['orders-dead-letters']);
  });

  it('picks the smallest alert window that covers the period', () => {
    expect([1, 60, 61, 300, 900, 3_600, 100_000].map((s) => alertWindow(s).iso)).to.deep.equal(['PT1M', 'PT1M', 'PT5M', 'PT5M', 'PT15M', 'PT1H', 'P1D']);
  });
});
