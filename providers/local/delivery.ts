/**
 * The embedded runtime's part of the delivery plan. Its routers evaluate every clause with the reference
 * evaluator before an event enters a channel, so nothing is left to the function; a direct subscription
 * gets the tightest push-retry bound of the clouds (3), so a handler that passes here does not run out of
 * attempts sooner once deployed.
 */
import { minLeaseSeconds, routerFilter, type Channel, type DeliveryTarget } from '../../contracts';

export const LOCAL_DIRECT_ATTEMPTS = 3;

export const LOCAL_DELIVERY: DeliveryTarget = {
  name: 'local',
  compiler: () => routerFilter,
  directAttempts: LOCAL_DIRECT_ATTEMPTS,
};

/**
 * How long a delivered event stays leased to its function before it is presumed lost and delivered again
 * (and counts as an attempt): twice the timeout-coupling bound. The pipeline's deadline answers a slow
 * handler at its timeout, so only a delivery that never settles reaches it.
 */
export function leaseMs(channel: Pick<Channel, 'timeoutMs' | 'batch'>): number {
  return 2 * minLeaseSeconds(channel) * 1000;
}
