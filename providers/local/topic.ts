/**
 * Fan-out topics: every subscriber gets its own copy of each event it receives, through a queue of its
 * own (its `via` queue, or one made for it), so a slow or failing subscriber never holds up the others,
 * as SNS → SQS, Event Grid and Pub/Sub subscriptions do. Routing and filters are the bus's.
 */
import { Router, type FilteredListener } from './bus';

/** A topic: a router whose routes all end in subscriber queues. */
export class LocalTopic extends Router {
  constructor(name: string, onFiltered?: FilteredListener) {
    super(`topic ${name}`, onFiltered);
  }
}
