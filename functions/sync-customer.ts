/** Keeps the mailing list in step with the customers table (here: logs what it would change). */
import { on } from '../contracts';
import { CustomerChanged } from '../app/events';

export const handler = on(CustomerChanged, async (event, ctx) => {
  const { op, keys, newImage, oldImage } = event.data;
  if (op === 'remove') {
    ctx.log.info('customer unsubscribed', { customerId: keys.customerId, email: oldImage?.email });
    return;
  }
  // Only a new or changed address matters to the mailing list.
  if (op === 'modify' && newImage?.email === oldImage?.email) {
    ctx.log.info('customer unchanged for the mailing list', { customerId: keys.customerId });
    return;
  }
  ctx.log.info('customer subscribed', { customerId: keys.customerId, email: newImage?.email, op });
});
