/**
 * Kafka's part of the delivery plan. A Kafka broker filters nothing for its consumers: every consumer
 * group reads every record of its topic, so the whole filter, event types included, is residual and runs
 * in the consumer (`inFunctionFilter`). A direct subscription (no queue or stream between the bus and the
 * function) gets the same push-retry bound as the embedded runtime (3), the tightest of the clouds, so a
 * handler that passes here does not run out of attempts sooner elsewhere.
 */
import { inFunctionFilter, type DeliveryTarget } from '../../contracts';

/** Attempts of a direct delivery: the embedded runtime's bound (providers/local/delivery.ts). */
export const KAFKA_DIRECT_ATTEMPTS = 3;

export const KAFKA_DELIVERY: DeliveryTarget = {
  name: 'kafka',
  compiler: () => inFunctionFilter,
  directAttempts: KAFKA_DIRECT_ATTEMPTS,
};
