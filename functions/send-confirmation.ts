/** Sends the order confirmation (here: logs the email it would send). */
import { on } from '../contracts';
import { OrderConfirmed } from '../app/events';

export const handler = on(OrderConfirmed, async (event, ctx) => {
  const { orderId, amount, currency, paymentId } = event.data;
  ctx.log.info('confirmation sent', { orderId, paymentId, text: `Order ${orderId} is paid: ${amount.toFixed(2)} ${currency}` });
});
