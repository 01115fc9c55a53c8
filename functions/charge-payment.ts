/** Charges an order: PaymentReceived, or PaymentFailed over the limit. Orders from @fail.example fail (the poison path). */
import { on } from '../contracts';
import { OrderPlaced, PaymentFailed, PaymentReceived } from '../app/events';

/** Orders above this amount are refused without calling the processor. */
export const CHARGE_LIMIT = 10_000;

export const handler = on(OrderPlaced, async (event, ctx) => {
  const order = event.data;
  if (order.customerEmail.endsWith('@fail.example')) {
    // A transient-looking failure that never heals: it is retried, then dead-lettered.
    throw new Error(`payment processor unavailable for ${order.customerEmail}`);
  }
  if (order.amount > CHARGE_LIMIT) {
    await ctx.publish(PaymentFailed, { orderId: order.orderId, reason: `amount ${order.amount} is over the ${CHARGE_LIMIT} limit` }, { subject: `orders/${order.orderId}` });
    ctx.log.info('payment refused', { orderId: order.orderId, amount: order.amount });
    return;
  }
  const paymentId = `pay_${order.orderId}`;
  await ctx.publish(PaymentReceived, { orderId: order.orderId, paymentId, amount: order.amount, currency: order.currency }, { subject: `orders/${order.orderId}` });
  ctx.log.info('payment charged', { orderId: order.orderId, paymentId, channel: order.channel });
});
