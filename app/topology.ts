/** The example shop, declared once; every target realizes this same value. */
import * as path from 'node:path';
import { hmacSha256, topology } from '../contracts';
import {
  CustomerChanged, ImageUploaded, OrderConfirmed, OrderPlaced, PaymentFailed, PaymentReceived, ReportRequested, allEvents,
} from './events';

/** The folder function handler paths are relative to. */
export const appRoot = path.resolve(__dirname, '..');

const app = topology('shop').event(...allEvents);
const bus = app.bus('shop');
const payments = app.queue('payments', { maxAttempts: 5 });
const orderAudit = app.stream('order-audit', { key: 'data.orderId' });
// Fan-out: each subscriber reads its own copy through its own queue and dead-letter queue.
const orderNotifications = app.topic('order-notifications');

app.bucket('media', { onUpload: { prefix: 'uploads/', emits: ImageUploaded, to: bus } });
app.webhook('payments', {
  path: '/webhooks/payments', verify: hmacSha256('PAYMENTS_WEBHOOK_SECRET'), emits: PaymentReceived, to: bus,
});
app.table('customers', { partitionKey: 'customerId', onChange: { emits: CustomerChanged, to: bus } });
app.schedule('nightly-report', {
  cron: '0 2 * * *', emits: ReportRequested, to: bus, data: { date: '{{scheduledTime}}' },
});

app.fn('charge-payment', {
  handler: 'functions/charge-payment.ts', timeout: '10s',
  publishes: { to: bus, events: [PaymentReceived, PaymentFailed] },
}).subscribe(bus, { events: [OrderPlaced], via: payments });

app.fn('confirm-order', {
  handler: 'functions/confirm-order.ts', timeout: '10s',
  publishes: { to: orderNotifications, events: [OrderConfirmed] },
}).subscribe(bus, { events: [PaymentReceived] });

app.fn('send-confirmation', { handler: 'functions/send-confirmation.ts', timeout: '10s' })
  .subscribe(orderNotifications, { events: [OrderConfirmed] });

app.fn('notify-warehouse', { handler: 'functions/notify-warehouse.ts', timeout: '10s' })
  .subscribe(orderNotifications, { events: [OrderConfirmed] });

app.fn('make-thumbnail', { handler: 'functions/make-thumbnail.ts', timeout: '30s', memory: 1024 })
  .subscribe(bus, { events: [ImageUploaded], where: { contenttype: { prefix: 'image/' } } });

app.fn('index-metadata', { handler: 'functions/index-metadata.ts', timeout: '10s' })
  .subscribe(bus, { events: [ImageUploaded] });

app.fn('sync-customer', { handler: 'functions/sync-customer.ts', timeout: '10s' })
  .subscribe(bus, { events: [CustomerChanged] });

app.fn('build-report', { handler: 'functions/build-report.ts', timeout: '60s' })
  .subscribe(bus, { events: [ReportRequested] });

app.fn('audit-orders', { handler: 'functions/audit-orders.ts', timeout: '10s' })
  .subscribe(bus, { events: [OrderPlaced, PaymentReceived, PaymentFailed], via: orderAudit });

export const shop = app.build();
