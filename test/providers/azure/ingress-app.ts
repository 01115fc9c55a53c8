/** The app the Azure ingress tests (webhook, schedule) realize: a webhook onto a bus, a schedule onto a topic. */
import { hmacSha256, topology } from '../../../contracts';
import { PaymentReceived, ReportRequested } from '../../../app/events';

export function ingressApp() {
  const t = topology('in').event(PaymentReceived, ReportRequested);
  const bus = t.bus('shop');
  const topic = t.topic('reports');
  t.webhook('payments', { path: '/webhooks/payments', verify: hmacSha256('PAYMENTS_WEBHOOK_SECRET'), emits: PaymentReceived, to: bus });
  t.schedule('nightly', { cron: '*/15 2 * * 1-5', emits: ReportRequested, to: topic, data: { date: '{{scheduledTime}}' } });
  return t.build();
}

/** The webhook's signing secret, as a stack secret. */
export const INGRESS_SECRET = { 'herald:PAYMENTS_WEBHOOK_SECRET': 'whsec_test' };
