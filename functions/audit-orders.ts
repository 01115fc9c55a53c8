/** Keeps the audit trail of each order, in order per order (the order-audit stream). */
import { isEvent, on } from '../contracts';
import { OrderPlaced, PaymentFailed, PaymentReceived } from '../app/events';

export const handler = on([OrderPlaced, PaymentReceived, PaymentFailed], async (event, ctx) => {
  const status = isEvent(OrderPlaced, event) ? 'placed' : isEvent(PaymentReceived, event) ? 'paid' : 'payment-failed';
  ctx.log.info('order audited', { orderId: event.data.orderId, status, eventId: event.id });
});
