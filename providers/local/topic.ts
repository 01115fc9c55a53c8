/**
 * Fan-out topics: every subscriber gets its own copy of each event it receives, through a queue of its
 * own (its `via` queue, or one made for it), so a slow or failing subscriber never holds up the others,
 * as SNS → SQS, Event Grid and Pub/Sub subscriptions do. Routing and filters are the bus's.
 */
import { VISIBILITY_TIMEOUT_FACTOR, toMillis, type SubscriptionSpec, type Topology } from '../../contracts';
import { attemptsFor, functionOf } from '../../runtime';
import { Router, type FilteredListener } from './bus';

/** A topic: a router whose routes all end in subscriber queues. */
export class LocalTopic extends Router {
  constructor(name: string, onFiltered?: FilteredListener) {
    super(`topic ${name}`, onFiltered);
  }
}

/** What the queue made for a topic subscriber that names none looks like. */
export interface SubscriberQueueSettings {
  readonly name: string;
  readonly maxAttempts: number;
  readonly visibilityMs: number;
}

/**
 * The settings of the queue a topic subscriber reads through when it names none: the default attempts,
 * and the visibility timeout the clouds would get (6 × the function's timeout).
 */
export function subscriberQueue(t: Topology, sub: SubscriptionSpec): SubscriberQueueSettings {
  return {
    name: `${sub.from.name}-${sub.name}`,
    maxAttempts: attemptsFor(t, sub),
    visibilityMs: VISIBILITY_TIMEOUT_FACTOR * toMillis(functionOf(t, sub).timeout),
  };
}
