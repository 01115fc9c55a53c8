/** Tells the warehouse to ship a confirmed order (here: logs the pick request it would send). */
import { on } from '../contracts';
import { OrderConfirmed } from '../app/events';

export const handler = on(OrderConfirmed, async (event, ctx) => {
  const { orderId } = event.data;
  ctx.log.info('warehouse notified', { orderId, pickList: `picks/${orderId}` });
});
