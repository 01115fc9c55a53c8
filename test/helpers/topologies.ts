/** Topologies the deploy tests share: one that uses every kind and every route. */
import { z } from 'zod';
import { defineEvent, hmacSha256, topology, type Topology } from '../../contracts';
import { ImageUploaded, OrderPlaced, OrderPlacedV1, PaymentFailed, PaymentReceived, ReportRequested } from '../../app/events';

const RowChanged = defineEvent({ type: 'RowChanged', version: 1, source: 'test.rows', schema: z.object({ table: z.string() }).passthrough() });

/** Every kind, and every route: bus direct/queue/stream, topic implicit/declared queue, stream reader. */
export function everyKind(): Topology {
  const t = topology('every').event(OrderPlacedV1, OrderPlaced);
  const bus = t.bus('shop');
  const topic = t.topic('fanout');
  const payments = t.queue('payments', { maxAttempts: 5 });
  const inbox = t.queue('inbox');
  const ledger = t.queue('ledger', { orderBy: 'data.orderId' });
  const audit = t.stream('audit', { key: 'data.orderId' });
  t.bucket('media', { onUpload: { prefix: 'uploads/', emits: ImageUploaded, to: bus } });
  t.table('rows', { partitionKey: 'pk', onChange: { emits: RowChanged, to: topic } });
  t.webhook('payments', { path: '/webhooks/payments', verify: hmacSha256('PAYMENTS_WEBHOOK_SECRET'), emits: PaymentReceived, to: bus });
  t.schedule('nightly', { cron: '0 2 * * *', emits: ReportRequested, to: bus, data: { date: '{{scheduledTime}}' } });
  t.schedule('hourly', { cron: '0 * * * 1-5', emits: ReportRequested, to: topic, data: { date: '{{scheduledTime}}' } });
  const charge = t.fn('charge', { handler: 'functions/charge-payment.ts', timeout: '10s', publishes: { to: bus, events: [PaymentReceived, PaymentFailed] } })
    .subscribe(bus, { events: [OrderPlaced], via: payments });
  t.fn('confirm', { handler: 'functions/send-confirmation.ts', publishes: { to: topic, events: [PaymentReceived] } }).subscribe(bus, { events: [PaymentReceived] });
  t.fn('fan', { handler: 'functions/send-confirmation.ts' }).subscribe(topic, { events: [PaymentReceived], where: { subject: { prefix: 'eu/' } } });
  t.fn('inbox-reader', { handler: 'functions/send-confirmation.ts' }).subscribe(topic, { events: [PaymentReceived], via: inbox });
  t.fn('book', { handler: 'functions/charge-payment.ts', timeout: '10s' }).subscribe(bus, { events: [OrderPlaced], via: ledger });
  t.fn('audit', { handler: 'functions/audit-orders.ts' }).subscribe(bus, { events: [OrderPlaced, PaymentReceived], via: audit });
  t.fn('audit-reader', { handler: 'functions/audit-orders.ts' }).subscribe(audit, { events: [OrderPlaced] });
  t.fn('report', { handler: 'functions/build-report.ts', timeout: '60s' }).subscribe(bus, { events: [ReportRequested] });
  t.alarm('charge-errors', { on: charge, metric: 'errors', threshold: 1 });
  return t.build();
}

/** Config that sets the example webhook's secret. */
export const WEBHOOK_SECRET: [Record<string, string>, string[]] = [{ 'herald:PAYMENTS_WEBHOOK_SECRET': 'whsec_test' }, ['herald:PAYMENTS_WEBHOOK_SECRET']];
