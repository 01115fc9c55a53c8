import { HeraldError, type Envelope } from '../contracts';

/**
 * Sends envelopes to the transport a function publishes to (a local bus, EventBridge, Event Grid, Pub/Sub,
 * Kafka). Each cloud's runtime implements it over that cloud's SDK with the client injected.
 */
export interface Publisher {
  /** Sends all of them, or rejects: a partial failure must not be reported as success. */
  publish(events: readonly Envelope[]): Promise<void>;
}

/** The publisher of a function that declares no publish target: publishing nothing is fine, anything else is refused. */
export const noPublishTarget: Publisher = {
  async publish(events) {
    if (events.length) throw new Error(`this function has no publish target; it cannot publish ${events.map((e) => e.type).join(', ')}`);
  },
};

/** Collects what is published, for `herald invoke` and tests. */
export class RecordingPublisher implements Publisher {
  readonly events: Envelope[] = [];

  async publish(events: readonly Envelope[]): Promise<void> {
    this.events.push(...events);
  }
}

/** Some events of a publish were not accepted (after the retries a cloud's client makes); `failures` names each with its error. */
export class PublishError extends HeraldError {
  constructor(readonly target: string, readonly failures: readonly { readonly id: string; readonly code?: string; readonly message: string }[], options?: ErrorOptions) {
    const each = failures.slice(0, 10).map((f) => `${f.id} (${f.code ? `${f.code}: ` : ''}${f.message})`);
    super(`${failures.length} event(s) not published to ${target}: ${each.join('; ')}${failures.length > 10 ? '; …' : ''}`, options);
  }
}
