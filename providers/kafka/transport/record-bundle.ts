/**
 * Many small items of one kind (claims, delivery outcomes) written as one Kafka record per turn of the
 * event loop, a JSON array, instead of one record each. A worker writes a claim and an outcome per event;
 * as records, those cost kafkajs more than the event's own delivery (per-record partitioning, encoding and
 * CRC: measured at 3.5–4× a bare consumer's CPU per event). One bundle per turn keeps them durable at the
 * same moment (`add` resolves once the bundle is acknowledged) for a fraction of the cost. The key is the
 * writer's id, so a reader skips its own bundles without parsing them.
 */
import type { RecordSender } from './record-sender';

/** Items per record at most: a bundle stays well under the broker's 1 MB limit (record-sender.ts splits requests). */
export const MAX_BUNDLE = 200;

const DONE: Promise<void> = Promise.resolve();

/**
 * How long items the brokers refused wait before they go again. Not at once: a producer that refuses at once
 * (disconnected) would have them sent again every turn, a core spent on nothing.
 */
export const RESEND_AFTER_MS = 100;

export interface RecordBundleOptions {
  /**
   * Whether the items of a bundle the brokers did not acknowledge go into the next bundle (so `flushed`,
   * asked again, covers them): what must reach the topic in the end (claims). @default false (dropped)
   */
  readonly resend?: boolean;
}

export class RecordBundle<T> {
  private items: T[] | undefined;
  private sent: Promise<void> = DONE;
  /** Bundles made and not yet acknowledged or failed. */
  private readonly unacked = new Set<Promise<void>>();
  /** `flushed`'s answer while `unacked` does not change. */
  private all: Promise<void> | undefined;
  /** Closed by its owner: refused items are no longer sent again. */
  private closed = false;

  constructor(private readonly sender: RecordSender, private readonly topic: string, private readonly key: string, private readonly options: RecordBundleOptions = {}) {}

  /** Adds `item` to this turn's bundle; resolves once the brokers acknowledged it. */
  add(item: T): Promise<void> {
    if (!this.items || this.items.length >= MAX_BUNDLE) this.open();
    this.items!.push(item);
    return this.sent;
  }

  /**
   * Resolves once every item added so far is acknowledged; rejects when one of their bundles failed (with
   * `resend`, asking again waits for the bundle its items went into).
   */
  flushed(): Promise<void> {
    if (!this.unacked.size) return DONE;
    if (!this.all) {
      const all = this.unacked.size === 1 ? this.unacked.values().next().value! : Promise.all(this.unacked).then(() => {});
      this.all = all;
    }
    return this.all;
  }

  /** Its owner stops: refused items are dropped from now on (what is already sent goes on). */
  close(): void {
    this.closed = true;
  }

  /** Opens a bundle, sent at the next turn, or `delayMs` from now. */
  private open(delayMs = 0): void {
    const items: T[] = [];
    this.items = items;
    let sent!: Promise<void>;
    const settled = () => {
      this.unacked.delete(sent);
      this.all = undefined;
    };
    sent = new Promise<void>((resolve, reject) => {
      const send = () => {
        if (this.items === items) this.items = undefined;
        this.sender.send(this.topic, [{ key: this.key, value: JSON.stringify(items) }]).then(
          () => { settled(); resolve(); },
          (error: unknown) => {
            settled();
            // Before the rejection is seen: whoever asks `flushed` again then waits for the resent items.
            if (this.options.resend && !this.closed) {
              if (!this.items) this.open(RESEND_AFTER_MS);
              for (const item of items) this.add(item);
            }
            reject(error);
          },
        );
      };
      if (delayMs > 0) setTimeout(send, delayMs);
      else setImmediate(send);
    });
    // Whoever waits for it sees a failure; no one waiting is no unhandled rejection.
    sent.catch(() => {});
    this.sent = sent;
    this.unacked.add(sent);
    this.all = undefined;
  }
}
