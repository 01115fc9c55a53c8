import type { Envelope } from '../contracts';

/**
 * Sends envelopes to the transport a function publishes to (a local bus, EventBridge, Event Grid, Pub/Sub,
 * Kafka). Each cloud's runtime implements it over that cloud's SDK with the client injected.
 */
export interface Publisher {
  /** Sends all of them, or rejects: a partial failure must not be reported as success. */
  publish(events: readonly Envelope[]): Promise<void>;
}

/** Collects what is published, for `herald invoke` and tests. */
export class RecordingPublisher implements Publisher {
  readonly events: Envelope[] = [];

  async publish(events: readonly Envelope[]): Promise<void> {
    this.events.push(...events);
  }
}
