/** Sends the order confirmation (here: logs the email it would send). */
import { on } from '../contracts';
import { PaymentReceived } from '../app/events';

export const handler = on(PaymentReceived, async (event, ctx) => {
  const { orderId, amount, currency, paymentId } = event.data;
  ctx.log.info('confirmation sent', { orderId, paymentId, text: `Order ${orderId} is paid: ${amount.toFixed(2)} ${currency}` });
});
