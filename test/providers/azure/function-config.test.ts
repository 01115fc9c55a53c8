/**
 * Every Herald app setting of the example app's functions, as the builder writes them (with the offline
 * names `herald invoke` uses; deploy passes Pulumi's): identity-based connections only, the `%SETTING%`
 * names the triggers read, and the runtime config the entry registers its triggers from.
 */
import { expect } from 'chai';
import { shop } from '../../../app/topology';
import { deliveryPlan } from '../../../contracts';
import { AZURE_DELIVERY } from '../../../providers/azure/filter';
import {
  functionConfig, functionSettings, ingressConfig, ingressSettings, scheduleSetting, settingSuffix, triggerName,
} from '../../../providers/azure/function-config';
import { offlineCosmos, offlineIngressResources, offlineResources, OFFLINE_CLIENT_ID } from '../../../providers/azure/offline';
import { AZURE_CONFIG_SETTING, type AzureFunctionConfig } from '../../../providers/azure/runtime/config';

const plan = deliveryPlan(shop, AZURE_DELIVERY);
const spec = (name: string) => shop.functions.find((f) => f.name === name)!;
const settingsOf = (name: string) => functionSettings(spec(name), plan.channelsOf(name), offlineResources(shop, spec(name), plan.channelsOf(name)));
const configOf = (settings: Record<string, string>) => JSON.parse(settings[AZURE_CONFIG_SETTING]!) as AzureFunctionConfig;
/** Values that would be a secret in an app setting. */
const SECRET = /AccountKey=|SharedAccessKey|SharedAccessSignature|sig=|password/i;

describe('providers/azure/function-config', () => {
  it('writes a queue reader\'s Service Bus connection as its identity, and the queue name the trigger reads as %HERALD_QUEUE_PAYMENTS%', () => {
    const settings = settingsOf('charge-payment');
    expect(settings).to.include({
      HERALD_SERVICEBUS__fullyQualifiedNamespace: 'shop-bus.servicebus.windows.net',
      HERALD_SERVICEBUS__credential: 'managedidentity',
      HERALD_SERVICEBUS__clientId: OFFLINE_CLIENT_ID,
      HERALD_QUEUE_PAYMENTS: 'payments',
    });
    const config = configOf(settings);
    expect(config.triggers).to.deep.equal([{
      kind: 'serviceBusQueue', name: 'queue-payments', sourceKey: 'queue:payments', connection: 'HERALD_SERVICEBUS', queueName: '%HERALD_QUEUE_PAYMENTS%', sessions: false,
    }]);
    expect(config.serviceBus).to.deep.equal({ namespace: 'shop-bus.servicebus.windows.net', entities: { 'queue:payments': { queue: 'payments' } } });
    expect(config.publishTo?.kind).to.equal('eventGrid');
    expect(config.channels).to.deep.equal(functionConfig(spec('charge-payment'), plan.channelsOf('charge-payment'), offlineResources(shop, spec('charge-payment'), plan.channelsOf('charge-payment'))).channels);
  });

  it('reads a topic subscriber\'s own subscription, and a stream reader\'s hub and consumer group, by setting', () => {
    const [own] = plan.channelsOf('send-confirmation');
    const suffix = settingSuffix(own!.sourceKey.slice('queue:'.length));
    const topic = settingsOf('send-confirmation');
    expect(topic).to.include({ [`HERALD_TOPIC_${suffix}`]: 'order-notifications', [`HERALD_SUBSCRIPTION_${suffix}`]: own!.subscription });
    expect(configOf(topic).triggers[0]).to.deep.include({ kind: 'serviceBusTopic', topicName: `%HERALD_TOPIC_${suffix}%`, subscriptionName: `%HERALD_SUBSCRIPTION_${suffix}%` });
    expect(configOf(topic).serviceBus?.entities[own!.sourceKey]).to.deep.equal({ topic: 'order-notifications', subscription: own!.subscription });
    const stream = settingsOf('audit-orders');
    expect(stream).to.include({
      HERALD_EVENTHUBS__fullyQualifiedNamespace: 'shop-streams.servicebus.windows.net', HERALD_EVENTHUBS__credential: 'managedidentity',
      HERALD_EVENTHUB_ORDER_AUDIT: 'order-audit', HERALD_CONSUMER_GROUP_ORDER_AUDIT: 'audit-orders',
    });
    expect(configOf(stream).triggers).to.deep.equal([{
      kind: 'eventHub', name: 'stream-order-audit', sourceKey: 'stream:order-audit', connection: 'HERALD_EVENTHUBS',
      eventHubName: '%HERALD_EVENTHUB_ORDER_AUDIT%', consumerGroup: '%HERALD_CONSUMER_GROUP_ORDER_AUDIT%',
    }]);
  });

  it('registers one Event Grid trigger for direct subscriptions, and no Service Bus connection for them', () => {
    const settings = settingsOf('make-thumbnail');
    expect(configOf(settings).triggers).to.deep.equal([{ kind: 'eventGrid', name: 'events' }]);
    expect(Object.keys(settings).filter((k) => k.startsWith('HERALD_SERVICEBUS'))).to.deep.equal([]);
  });

  it('marks an ordered queue\'s trigger as session-enabled', () => {
    const ordered = plan.channelsOf('charge-payment').map((c) => ({ ...c, orderKey: 'data.orderId' }));
    expect(functionConfig(spec('charge-payment'), ordered, offlineResources(shop, spec('charge-payment'), ordered)).triggers[0]).to.include({ sessions: true });
  });

  it('writes no secret into any function\'s settings', () => {
    for (const f of shop.functions) {
      for (const [name, value] of Object.entries(settingsOf(f.name))) expect(`${name}=${value}`).not.to.match(SECRET);
    }
  });

  it('names what is missing rather than writing a setting without it', () => {
    const channels = plan.channelsOf('charge-payment');
    const r = offlineResources(shop, spec('charge-payment'), channels);
    expect(() => functionSettings(spec('charge-payment'), channels, { ...r, sources: {} })).to.throw(Error, 'reads queue:payments, which has no resource');
    expect(() => functionSettings(spec('charge-payment'), channels, { ...r, serviceBusNamespace: undefined } as never)).to.throw(Error, /no Service Bus namespace/);
    const { publishTo: _, ...noTarget } = r;
    expect(() => functionSettings(spec('charge-payment'), channels, noTarget)).to.throw(Error, /publishes to bus shop, which has no resource/);
  });

  it('refuses an environment variable that would overwrite a Herald setting', () => {
    const s = { ...spec('charge-payment'), environment: { HERALD_QUEUE_PAYMENTS: 'other' } };
    expect(() => functionSettings(s, plan.channelsOf('charge-payment'), offlineResources(shop, s, plan.channelsOf('charge-payment')))).to.throw(Error, /is a setting Herald writes/);
    const ok = { ...spec('charge-payment'), environment: { LOG_FORMAT: 'json' } };
    expect(functionSettings(ok, plan.channelsOf('charge-payment'), offlineResources(shop, ok, plan.channelsOf('charge-payment')))).to.include({ LOG_FORMAT: 'json' });
  });

  it('writes a schedule\'s NCRONTAB where its timer reads it, and refuses a cron the timer cannot run', () => {
    const s = shop.schedules[0]!;
    const settings = ingressSettings({ kind: 'schedule', spec: s }, offlineIngressResources(shop, s.to));
    expect(settings).to.include({ [scheduleSetting('nightly-report')]: '0 0 2 * * *' });
    expect(scheduleSetting('nightly-report')).to.equal('HERALD_SCHEDULE_NIGHTLY_REPORT');
    expect(configOf(settings)).to.include({ kind: 'schedule', schedule: '%HERALD_SCHEDULE_NIGHTLY_REPORT%', cron: '0 2 * * *' });
    expect(() => ingressConfig({ kind: 'schedule', spec: { ...s, cron: '0 2 * *' } }, offlineIngressResources(shop, s.to))).to.throw(RangeError);
  });

  it('writes a change trigger\'s Cosmos DB connection as its identity, with its lease container', () => {
    const t = shop.tables[0]!;
    const settings = ingressSettings({ kind: 'change', spec: t, trigger: t.onChange!, cosmos: offlineCosmos(shop, t.name) }, offlineIngressResources(shop, t.onChange!.to));
    expect(settings).to.include({
      HERALD_COSMOS__accountEndpoint: 'https://shop-tables.documents.azure.com:443/', HERALD_COSMOS__credential: 'managedidentity', HERALD_COSMOS__clientId: OFFLINE_CLIENT_ID,
    });
    expect(configOf(settings)).to.include({ kind: 'change', connection: 'HERALD_COSMOS', databaseName: 'shop', containerName: 'customers', leaseContainerName: 'customers-leases' });
    expect(configOf(settings as never)).to.have.deep.property('keyNames', ['customerId']);
  });

  it('routes a webhook at its declared path (host.json has no /api prefix)', () => {
    const w = shop.webhooks[0]!;
    expect(ingressConfig({ kind: 'webhook', spec: w }, offlineIngressResources(shop, w.to))).to.include({ route: 'webhooks/payments', method: 'POST' });
  });

  it('derives setting and trigger names from Herald names', () => {
    expect(settingSuffix('order-notifications-send-confirmation')).to.equal('ORDER_NOTIFICATIONS_SEND_CONFIRMATION');
    expect(triggerName('stream:order-audit')).to.equal('stream-order-audit');
  });
});
