/** Confirms a paid order: announces it once on the order-notifications topic, for everyone who acts on it. */
import { on } from '../contracts';
import { OrderConfirmed, PaymentReceived } from '../app/events';

export const handler = on(PaymentReceived, async (event, ctx) => {
  const { orderId, paymentId, amount, currency } = event.data;
  await ctx.publish(OrderConfirmed, { orderId, paymentId, amount, currency }, { subject: `orders/${orderId}` });
  ctx.log.info('order confirmed', { orderId, paymentId });
});
